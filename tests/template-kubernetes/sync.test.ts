import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "@cdktn/hcl2json";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SYNC = join(ROOT, "scripts", "sync-templates.mjs");

function sync(...args: string[]) {
  return spawnSync(process.execPath, [SYNC, ...args], { encoding: "utf8" });
}

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/**
 * The top-level blocks of a parsed file by address (`variable.arch`, `resource.coder_agent.main`), each local on its
 * own (`local.uid`), with their bodies as JSON.
 */
function blocksByAddress(doc: Record<string, unknown>): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown, path: string[]) => {
    if (path[0] === "locals" && Array.isArray(node)) {
      for (const body of node as Record<string, unknown>[])
        for (const [name, value] of Object.entries(body)) found.set(`local.${name}`, JSON.stringify(value));
    } else if (Array.isArray(node)) found.set(path.join("."), JSON.stringify(node));
    else if (node && typeof node === "object")
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
  };
  walk(doc, []);
  return found;
}

/** A scratch root holding copies of both templates' shared parts, for the generator to work on. */
function scratchRoot(): string {
  scratch = mkdtempSync(join(tmpdir(), "spt-sync-"));
  for (const path of [
    "template/scripts",
    "template-kubernetes/scripts",
    "template/shared.tf",
    "template-kubernetes/shared.tf",
  ])
    cpSync(join(ROOT, path), join(scratch, path), { recursive: true });
  return scratch;
}

describe("template-kubernetes/scripts and shared.tf: generated from template/ (one source)", () => {
  it("matches its source exactly (run `pnpm sync-templates` after editing template/scripts or shared.tf)", () => {
    const result = sync("--check");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("leaves no block or local the same in both main.tf files: what both need is in shared.tf", async () => {
    const mainOf = async (dir: string) =>
      blocksByAddress(await parse("main.tf", readFileSync(join(ROOT, dir, "main.tf"), "utf8")));
    const docker = await mainOf("template");
    const kubernetes = await mainOf("template-kubernetes");
    expect(docker.has("resource.docker_container.workspace")).toBe(true);
    expect(kubernetes.has("local.uid")).toBe(true);
    const same = [...docker].filter(([address, body]) => kubernetes.get(address) === body).map(([a]) => a);
    expect(same).toEqual([]);
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

  it("fails the check when the shared Terraform was edited in the copy or in the source", () => {
    const root = scratchRoot();
    const copy = join(root, "template-kubernetes/shared.tf");
    writeFileSync(
      copy,
      readFileSync(copy, "utf8").replace('default     = "22.16.0"', 'default     = "24.0.0"'),
    );
    const check = sync("--check", "--root", root);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("template-kubernetes/shared.tf: differs");
    expect(sync("--root", root).status).toBe(0);
    expect(readFileSync(copy, "utf8")).toContain('default     = "22.16.0"');
    writeFileSync(join(root, "template/shared.tf"), 'variable "added" {}\n');
    expect(sync("--check", "--root", root).stderr).toContain("template-kubernetes/shared.tf: differs");
    expect(sync("--root", root).stdout).toContain("template-kubernetes/shared.tf: updated");
    expect(readFileSync(copy, "utf8")).toMatch(
      /^# GENERATED from template\/shared.tf .*\nvariable "added" \{\}\n$/,
    );
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
