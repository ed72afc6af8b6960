import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SYNC = join(ROOT, "scripts", "sync-template-scripts.mjs");

function sync(...args: string[]) {
  return spawnSync(process.execPath, [SYNC, ...args], { encoding: "utf8" });
}

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** A scratch root holding copies of both script folders, for the generator to work on. */
function scratchRoot(): string {
  scratch = mkdtempSync(join(tmpdir(), "spt-sync-"));
  for (const dir of ["template/scripts", "template-kubernetes/scripts"])
    cpSync(join(ROOT, dir), join(scratch, dir), { recursive: true });
  return scratch;
}

describe("template-kubernetes/scripts: generated from template/scripts (one source)", () => {
  it("matches its source exactly (run `pnpm sync-templates` after editing template/scripts)", () => {
    const result = sync("--check");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("fails the check when a copy was edited, names the file, and the generator repairs it", () => {
    const root = scratchRoot();
    writeFileSync(
      join(root, "template-kubernetes/scripts/kvm-report.sh"),
      "#!/usr/bin/env bash\necho edited\n",
    );
    const check = sync("--check", "--root", root);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("template-kubernetes/scripts/kvm-report.sh: differs");
    expect(check.stderr).toContain("pnpm sync-templates");
    const fix = sync("--root", root);
    expect(fix.status).toBe(0);
    expect(fix.stdout).toContain("template-kubernetes/scripts/kvm-report.sh: updated");
    expect(sync("--check", "--root", root).status).toBe(0);
  });

  it("fails the check when the source changed, a copy is missing, or a copy has no source any more", () => {
    const root = scratchRoot();
    writeFileSync(join(root, "template/scripts/new-step.sh"), "#!/usr/bin/env bash\necho new\n");
    writeFileSync(join(root, "template/scripts/lib.sh"), "# shellcheck shell=bash\n# changed\n");
    writeFileSync(join(root, "template-kubernetes/scripts/old-step.sh"), "#!/usr/bin/env bash\n");
    const check = sync("--check", "--root", root);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("template-kubernetes/scripts/new-step.sh: missing");
    expect(check.stderr).toContain("template-kubernetes/scripts/lib.sh: differs");
    expect(check.stderr).toContain(
      "template-kubernetes/scripts/old-step.sh: has no source in template/scripts",
    );
    expect(sync("--root", root).status).toBe(0);
    expect(sync("--check", "--root", root).status).toBe(0);
  });
});
