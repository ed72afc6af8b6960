import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { announceSkip, findTool, SCRIPTS_DIR, scriptFiles } from "./helpers/template.js";

const scripts = scriptFiles();
const shellcheck = findTool("shellcheck");
// CI installs Debian's shellcheck (.ci/run), so there a missing one is a failure, not a skip.
const skipShellcheck = !shellcheck && !process.env.CI;
if (skipShellcheck)
  announceSkip(
    "shellcheck on template/scripts/*.sh",
    "shellcheck is not on PATH (apt-get install shellcheck)",
  );

describe("template scripts", () => {
  it("are all present", () => {
    expect(scripts.map((s) => basename(s))).toEqual([
      "bootstrap.sh",
      "code-server.sh",
      "install-tools.sh",
      "kvm-report.sh",
      "lib.sh",
      "turbo-flow.sh",
    ]);
  });

  it.each(scripts)("%s declares bash and has Unix line endings", (script) => {
    const text = readFileSync(script, "utf8");
    const firstLine = text.split("\n")[0];
    const sourcedOnly = basename(script) === "lib.sh";
    expect(firstLine).toBe(sourcedOnly ? "# shellcheck shell=bash" : "#!/usr/bin/env bash");
    expect(text).not.toContain("\r");
  });

  it.each(scripts)("%s parses with bash -n", (script) => {
    const result = spawnSync("bash", ["-n", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.skipIf(skipShellcheck)("pass shellcheck, following the sourced lib.sh", () => {
    expect(shellcheck, "shellcheck is required in CI (.ci/run installs it with apt-get)").toBeDefined();
    const result = spawnSync(shellcheck!, ["--external-sources", "--shell=bash", ...scripts], {
      cwd: SCRIPTS_DIR,
      encoding: "utf8",
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
