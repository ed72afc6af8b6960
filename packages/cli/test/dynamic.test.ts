import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, describe, expect, it } from "vitest";
import {
  CONDITIONAL_TF,
  IMMUTABLE_TF,
  OPTIONS_TF,
  PRESETS_TF,
} from "../../../tests/support/dynamic-templates.js";
import { run } from "./helpers.js";

let fake: RunningFakeCoder | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A fake Coder and a template folder; `up` pushes the template from it on first use. */
async function setup(tf: string) {
  fake = await startFakeCoder({ stepDelayMs: 1 });
  const dir = await mkdtemp(join(tmpdir(), "spt-cli-dynamic-"));
  dirs.push(dir);
  await writeFile(join(dir, "main.tf"), tf);
  const f = fake;
  const up = (...extra: string[]) =>
    run(["up", "--url", f.url, "--token", f.token, "--template", "dyn", "--template-dir", dir, ...extra], {
      env: { NO_COLOR: "1", XDG_CONFIG_HOME: join(dir, "xdg") },
      home: dir,
    });
  const sent = () => {
    const build = [...f.state.builds.values()].at(-1);
    return build ? Object.fromEntries(build.parameters.map((p) => [p.name, p.value])) : undefined;
  };
  return { up, sent, fake: f };
}

describe("spt-coder up with dynamic parameters and presets (in-process, against the fake)", () => {
  it("provisions a template whose second parameter exists only when the first is set", async () => {
    const { up, sent } = await setup(CONDITIONAL_TF);
    const result = await up("--name", "cond", "--param", "a=x", "--param", "b=y");
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Workspace cond is running/);
    expect(sent()).toEqual({ a: "x", b: "y" });
  });

  it("rejects a bad b with one block and exit 2, the regex printed once", async () => {
    const { up, fake } = await setup(CONDITIONAL_TF);
    const result = await up("--name", "cond", "--param", "a=x", "--param", "b=Not Ok", "--no-wait");
    expect(result.code).toBe(2);
    // Progress lines come first; the error is the last thing on stderr.
    expect(result.stderr.slice(result.stderr.indexOf("error:"))).toBe(
      [
        "error: 1 parameter value was rejected before any build started:",
        "  b",
        `    Invalid parameter value according to 'validation' block: b is one lower-case word (value "Not Ok" does not match "^[a-z]+$")`,
        "    set with: --param b=<value>",
        "Suggestion: Fix the values as shown and run the command again.",
        "",
      ].join("\n"),
    );
    expect(result.stderr.split("^[a-z]+$")).toHaveLength(2);
    expect(fake.state.workspaces.size).toBe(0);
  });

  it("reports every problem at once, each with its accepted values and flag", async () => {
    const { up } = await setup(OPTIONS_TF);
    const result = await up(
      "--name",
      "opt",
      "--param",
      "region=us",
      "--param",
      "size=large",
      "--param",
      "disk=500",
      "--no-wait",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      [
        "  size",
        `    Value must be a valid option: the value "large" must be defined as one of options`,
        `    accepted: one of "small"`,
        "    set with: --param size=<value>",
        "  disk",
        "    Invalid parameter value according to 'validation' block: value 500 is more than the maximum 200",
        "    accepted: an integer between 10 and 200",
        "    set with: --param disk=<value>",
      ].join("\n"),
    );
  });

  it("gives the same blocks in -o json", async () => {
    const { up } = await setup(CONDITIONAL_TF);
    const result = await up("--name", "j", "--param", "a=x", "--param", "b=Not Ok", "-o", "json");
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout);
    expect(doc.error.code).toBe("invalid_parameters");
    expect(doc.error.parameters).toEqual([
      {
        name: "b",
        problem: [
          `Invalid parameter value according to 'validation' block: b is one lower-case word (value "Not Ok" does not match "^[a-z]+$")`,
        ],
        flag: "--param b=<value>",
      },
    ]);
  });

  it("names --repo for repo_url when the user typed --repo", async () => {
    const tf = `${CONDITIONAL_TF}\ndata "coder_parameter" "repo_url" {\n  name = "repo_url"\n  validation {\n    regex = "^https://"\n    error = "an https URL"\n  }\n}\n`;
    const { up } = await setup(tf);
    const result = await up("--name", "r", "--repo", "git@github.com:o/r.git", "--no-wait");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("  repo_url\n");
    expect(result.stderr).toContain("    set with: --repo <git url>\n");
  });

  it("applies the default preset, says which value it replaced, and --preset none opts out", async () => {
    const { up, sent } = await setup(PRESETS_TF);
    const withPreset = await up("--name", "p1", "--param", "region=eu", "--no-wait");
    expect(withPreset.code).toBe(0);
    expect(sent()).toEqual({ region: "us", size: "small", disk: "20" });
    expect(withPreset.stderr).toContain('Preset "US" sets region=us, so the value given (eu) is not used.');
    const none = await up("--name", "p2", "--param", "region=eu", "--preset", "none", "--no-wait");
    expect(none.code).toBe(0);
    expect(sent()).toEqual({ region: "eu", size: "small", disk: "20" });
  });

  it("refuses an unknown preset with the names there are", async () => {
    const { up, fake } = await setup(PRESETS_TF);
    const result = await up("--name", "p", "--preset", "Tiny", "--no-wait");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Preset "Tiny" was not found in the template version; its presets are "Big", "US"',
    );
    expect(fake.state.workspaces.size).toBe(0);
  });

  it("lists presets as a table and as JSON, marking the default and prebuilds", async () => {
    const { up, fake } = await setup(PRESETS_TF);
    expect((await up("--name", "p", "--no-wait")).code).toBe(0);
    const flags = ["--url", fake.url, "--token", fake.token];
    const table = await run(["presets", "dyn", ...flags], { env: { NO_COLOR: "1" } });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/PRESET\s+DEFAULT\s+PREBUILDS\s+PARAMETERS/);
    expect(table.stdout).toMatch(/US\s+yes\s+region=us, size=small/);
    expect(table.stdout).toMatch(/Big\s+2\s+region=eu, size=large\s+Large machines, kept warm/);
    const json = await run(["presets", "dyn", "-o", "json", ...flags], { env: {} });
    const presets = JSON.parse(json.stdout) as {
      Name: string;
      Default: boolean;
      DesiredPrebuildInstances: number | null;
    }[];
    expect(presets.map((p) => [p.Name, p.Default, p.DesiredPrebuildInstances])).toEqual([
      ["Big", false, 2],
      ["US", true, 0],
    ]);
  });

  it("says when a template has no presets, and exits 4 for a template that does not exist", async () => {
    const { up, fake } = await setup(CONDITIONAL_TF);
    expect((await up("--name", "c", "--param", "a=", "--no-wait")).code).toBe(0);
    const flags = ["--url", fake.url, "--token", fake.token];
    const none = await run(["presets", "dyn", ...flags], { env: { NO_COLOR: "1" } });
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe('Template "dyn" has no presets.\n');
    const json = await run(["presets", "dyn", "-o", "json", ...flags], { env: {} });
    expect(JSON.parse(json.stdout)).toEqual([]);
    const missing = await run(["presets", "nope", ...flags], { env: { NO_COLOR: "1" } });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('Template "nope" was not found in organization "coder".');
  });

  it("keeps an immutable value on a later up and shows the immutable error when it changes", async () => {
    const { up, fake } = await setup(IMMUTABLE_TF);
    expect((await up("--name", "imm")).code).toBe(0);
    const ws = [...fake.state.workspaces.values()][0]!;
    const stop = await fetch(`${fake.url}/api/v2/workspaces/${ws.id}/builds`, {
      method: "POST",
      headers: { "Coder-Session-Token": fake.token, "Content-Type": "application/json" },
      body: JSON.stringify({ transition: "stop" }),
    });
    expect(stop.status).toBe(201);
    await expect
      .poll(() => [...fake.state.builds.values()].at(-1)?.resources.length ?? -1, { timeout: 100_000 })
      .toBe(0);
    const changed = await up("--name", "imm", "--param", "image=debian", "--no-wait");
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain(
      `Parameter "image" is not mutable, so it can't be updated after creating a workspace.`,
    );
  });
});
