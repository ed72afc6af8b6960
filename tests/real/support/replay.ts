// One replay: a recording's scenario run again against a fresh fake, compared with what the real Coder answered.
import { SCENARIOS } from "../scenarios/index.js";
import { compareExchanges } from "./compare.js";
import { openContext } from "./context.js";
import { normaliseExchanges } from "./normalise.js";
import { startRecorder } from "./recorder.js";
import type { Recording } from "./recording.js";
import { fakeTarget } from "./target.js";

const PREFIX = "sptr-000000-";

/** Runs a recording's scenario on a fresh fake and returns the differences (allowed ones included). */
export async function replay(recording: Recording): Promise<string[]> {
  const scenario = SCENARIOS.find((s) => s.name === recording.scenario);
  if (!scenario) throw new Error(`recording of an unknown scenario: ${recording.scenario}`);
  const target = await fakeTarget(recording.coder.version);
  const recorder = await startRecorder(target.url);
  const opened = await openContext(target, recorder, `${PREFIX}${scenario.key}-`);
  try {
    await scenario.run(opened.context);
    const fake = normaliseExchanges(opened.take(), { ...opened.facts, prefix: PREFIX });
    return compareExchanges(recording.exchanges, fake);
  } finally {
    opened.close();
    await recorder.close();
    await target.close();
  }
}
