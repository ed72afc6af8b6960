import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { describe, expect, it } from "vitest";

// Tests make their folders under os.tmpdir(), and many leave them: the run's own folder (tests/support/temp-root.ts)
// takes them all, and goes at the end of the run.
describe("the run's temporary folder", () => {
  it("is the run's own, under the machine's, for the workers and what they spawn", () => {
    expect(basename(tmpdir())).toMatch(/^spt-test-run-/);
    expect(dirname(tmpdir())).not.toBe(tmpdir());
    expect(process.env.TMPDIR).toBe(tmpdir());
  });
});
