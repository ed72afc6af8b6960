import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Gives the run a temporary folder of its own and removes it at the end. Tests make their folders with
 * `os.tmpdir()` (template copies, CLI homes, fleet files) and many leave them: about 180 a run were left in /tmp.
 * The workers and the processes they spawn inherit TMPDIR, so everything a run makes lands here. The folder is
 * world-writable with the sticky bit, as /tmp is: some tests run the CLI as an unprivileged user.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "spt-test-run-"));
  chmodSync(root, 0o1777);
  const previous = { TMPDIR: process.env.TMPDIR };
  process.env.TMPDIR = root;
  return () => {
    if (previous.TMPDIR === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous.TMPDIR;
    rmSync(root, { recursive: true, force: true });
  };
}
