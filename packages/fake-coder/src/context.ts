/**
 * What a route handler may reach of one fake Coder. `Core` implements it; the router and the routes depend on
 * this interface only, so the core (which imports the routes) and the routes do not import each other.
 */
import type { AgentEngine } from "./agents.js";
import type { Clock } from "./clock.js";
import type { Faults } from "./faults.js";
import type { JobEngine } from "./jobs/engine.js";
import type { Presenter } from "./present.js";
import type { FakeState } from "./state.js";
import type { Terminals } from "./terminals.js";

/** The state, engines and identity of one fake Coder, as the routes see them. */
export interface FakeContext {
  readonly state: FakeState;
  readonly faults: Faults;
  readonly clock: Clock;
  readonly agents: AgentEngine;
  readonly jobs: JobEngine;
  readonly presenter: Presenter;
  /** The agents' terminal sessions (the PTY route). */
  readonly terminals: Terminals;
  /** Sent as `X-Coder-Build-Version` and in `/buildinfo`. */
  readonly buildVersion: string;
  /** The fake's own URL (`dashboard_url`, `WWW-Authenticate`). */
  readonly accessUrl: string;
}
