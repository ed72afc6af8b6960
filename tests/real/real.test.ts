// The real-server suite: every scenario against the Coder named by CODER_URL (run through `pnpm test:real`,
// which opts in, picks the prefix and sweeps afterwards). With SPT_REAL_RECORD=1 each passing scenario's
// exchanges are written, normalised, to tests/real/recordings/<Coder version>/. Without a Coder: one skip line.
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "./scenarios/index.js";
import { openContext } from "./support/context.js";
import { dropRepeatedPolls, normaliseExchanges } from "./support/normalise.js";
import { startRecorder } from "./support/recorder.js";
import { coderBuild, writeRecording } from "./support/recording.js";
import { realSuiteSkipReason, realTarget } from "./support/target.js";

const skip = realSuiteSkipReason();
// A loaded machine gets more time, never a different verdict.
const factor = Number(process.env.SPT_REAL_TIMEOUT_FACTOR) || 3;

describe.skipIf(skip !== undefined)("against a real Coder", () => {
  const target = skip ? undefined : realTarget();
  const prefix = process.env.SPT_REAL_PREFIX ?? "";
  const only = process.env.SPT_REAL_ONLY?.split(",");

  for (const scenario of SCENARIOS) {
    it.skipIf(only !== undefined && !only.includes(scenario.name))(
      `${scenario.name}: ${scenario.title}`,
      { timeout: scenario.budgetMs * factor },
      async () => {
        if (!target) return;
        const recorder = await startRecorder(target.url);
        const opened = await openContext(target, recorder, `${prefix}${scenario.key}-`);
        try {
          await scenario.run(opened.context);
          if (process.env.SPT_REAL_RECORD === "1") {
            const exchanges = dropRepeatedPolls(
              normaliseExchanges(opened.take(), { ...opened.facts, prefix }),
            );
            const file = writeRecording({
              coder: await coderBuild(target.url),
              scenario: scenario.name,
              exchanges,
            });
            expect(JSON.stringify(exchanges)).not.toContain(target.token);
            process.stderr.write(`recorded ${file}\n`);
          }
        } finally {
          opened.close();
          await recorder.close();
        }
      },
    );
  }
});

it.skipIf(skip === undefined)(`real-Coder suite skipped: ${skip}`, () => {});
