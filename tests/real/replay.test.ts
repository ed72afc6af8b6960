// The fake held to the real Coder: every committed recording's scenario runs again against a fresh fake, through
// the same recorder, and the two sets of exchanges are compared (status, answer shapes, error messages and
// validations, log stage order, CLI exit codes). A difference fails unless allow-list.ts names it with a reason.
// SPT_REPLAY_REPORT=<file> writes every difference found, allowed or not.
import { appendFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ALLOWED } from "./allow-list.js";
import { compareExchanges } from "./support/compare.js";
import { endpointOf } from "./support/normalise.js";
import type { Exchange } from "./support/recorder.js";
import { type Recording, readRecordings } from "./support/recording.js";
import { replay } from "./support/replay.js";

const used = new Set<(typeof ALLOWED)[number]>();

const recordings = readRecordings();

describe("the fake answers as the recorded Coder did", () => {
  for (const recording of recordings) {
    it(`${recording.scenario} (Coder ${recording.coder.version})`, { timeout: 120_000 }, async () => {
      const differences = await replay(recording);
      if (process.env.SPT_REPLAY_REPORT) {
        const lines = differences.map((d) => `${recording.scenario}\t${d}\n`).join("");
        appendFileSync(process.env.SPT_REPLAY_REPORT, lines);
      }
      const open = differences.filter((d) => {
        const entry = ALLOWED.find((a) => a.scenario === recording.scenario && a.difference === d);
        if (entry) used.add(entry);
        return !entry;
      });
      expect(open).toEqual([]);
    });
  }

  afterAll(() => {
    // Only a full run can tell a stale entry (SPT_REAL_ONLY-style filters are not used here).
    const stale = ALLOWED.filter((a) => !used.has(a) && recordings.some((r) => r.scenario === a.scenario));
    expect(stale.map((a) => `${a.scenario}: ${a.difference}`)).toEqual([]);
  });
});

describe("the replay can fail", () => {
  it("finds a changed status, a missing key and a changed error message in a recording", () => {
    const recording = recordings.find((r) => r.exchanges.some((e) => e.status >= 400 && e.method !== "CLI"));
    expect(recording, "a recording with an error answer").toBeDefined();
    const original = (recording as Recording).exchanges;
    const changed = structuredClone(original);
    const error = changed.find((e) => e.status >= 400 && e.method !== "CLI") as Exchange;
    (error.body as { message: string }).message += " (changed)";
    // A key goes from every answer of one endpoint (answers are compared per endpoint, merged).
    const ok = changed.find((e) => e.status === 200 && isObject(e.body)) as Exchange;
    const key = Object.keys(ok.body as object)[0] as string;
    for (const e of changed) {
      if (endpointOf(e) === endpointOf(ok) && e.status === 200 && isObject(e.body)) delete e.body[key];
    }
    const created = changed.find((e) => e.status === 201) as Exchange;
    created.status = 200;
    const differences = compareExchanges(original, changed);
    expect(differences.some((d) => d.includes("message") && d.includes("(changed)"))).toBe(true);
    expect(differences.some((d) => d.includes(`has ${key} on the real Coder, not on the fake`))).toBe(true);
    expect(differences.some((d) => d.includes("status 201 on the real Coder, 200 on the fake"))).toBe(true);
    expect(compareExchanges(original, structuredClone(original))).toEqual([]);
  });
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
