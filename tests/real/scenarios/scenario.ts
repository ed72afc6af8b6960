import type { ScenarioContext } from "../support/context.js";

/** One thing users do through us, run the same way on a real Coder and on the fake. */
export interface Scenario {
  /** Also the recording's file name. */
  name: string;
  /** A short key (≤ 5 characters) in every name it makes: names stay within Coder's 32 characters. */
  key: string;
  /** What it shows, for the test's title. */
  title: string;
  /** How long it may take on a real Coder on an idle 2-core machine, in ms (scaled by SPT_REAL_TIMEOUT_FACTOR). */
  budgetMs: number;
  run(ctx: ScenarioContext): Promise<void>;
}
