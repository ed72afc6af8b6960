// The files a user hands over (--param-file, the fleet declaration) are read with limits before any parsing: a
// 50 MB value took 1.7 GiB in the YAML parser and --dry-run said "would create"; a deep nesting cost seconds per
// thousand levels. And a parameter named __proto__, from any source, is refused like every other unknown name
// instead of vanishing (an assignment of it sets a prototype).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, MAX_PARAMETER_VALUE_BYTES, pushTemplate } from "@spt-coder/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_INPUT_DEPTH, MAX_INPUT_FILE_BYTES, nestingDepth } from "../../packages/cli/src/input-file.js";
import { minimalTemplate, stringParameter, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, tempHome } from "../e2e/helpers.js";
import { runCli } from "./cli-in-process.js";
import { peakRssGrowth } from "./hostile-servers.js";

const MiB = 1024 * 1024;
let fake: RunningFakeCoder;
let home: string;

beforeAll(async () => {
  fake = await startFakeCoder({ stepDelayMs: 2 });
  addSecret(fake.token);
  const dir = templateFolder({
    "main.tf": minimalTemplate(stringParameter("note")),
  });
  await pushTemplate(createCoderClient({ url: fake.url, token: fake.token }), { name: "lim", dir });
  home = await tempHome();
});
afterAll(async () => {
  await fake?.close();
});

const cli = (args: string[]) =>
  runCli(args, {
    env: cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, NO_COLOR: "1" }),
  });

function file(name: string, text: string): string {
  const path = join(home, name);
  writeFileSync(path, text);
  return path;
}

const fleet = (parameters: string) =>
  `template: lim\nworkspaces:\n  - name: w1\n    parameters:\n${parameters}\n`;

describe("an input file over the size cap", () => {
  it.each([
    ["--param-file", (path: string) => ["up", "-t", "lim", "--name", "w", "--param-file", path]],
    ["-f", (path: string) => ["fleet", "apply", "-f", path, "--dry-run"]],
  ])("%s of 50 MB: refused before parsing (exit 2), memory bounded, nothing created", async (flag, args) => {
    const path = file(`big-${flag}.yaml`, fleet(`      note: ${"x".repeat(50 * MiB)}`));
    const { outcome, growth } = await peakRssGrowth(() => cli(args(path)));
    const result = await outcome;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${flag}: ${path} is larger than 2 MiB`);
    expect(growth).toBeLessThan(64 * MiB);
    expect(fake.state.workspaces.size).toBe(0);
  });

  it("a value over a build's limit inside a file under the cap: a dry run says it would fail, not create", async () => {
    const path = file("value.yaml", fleet(`      note: ${"x".repeat(MAX_PARAMETER_VALUE_BYTES + 1)}`));
    const text = await cli(["fleet", "apply", "-f", path, "--dry-run"]);
    expect(text.stdout).toMatch(/^w1\s+would fail\s/m);
    expect(text.code).toBe(2);
    const json = await cli(["fleet", "apply", "-f", path, "--dry-run", "-o", "json"]);
    const error = JSON.parse(json.stdout).items[0].error;
    expect(error.validations[0]).toMatchObject({
      field: "note",
      detail: expect.stringMatching(/^the value is \d+ bytes/),
    });
  });
});

describe("an input file nested deeper than the cap", () => {
  it.each([
    ["flow brackets", `note: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`],
    [
      "block sequences",
      `note:\n${Array.from({ length: 1500 }, (_, i) => `${" ".repeat(i)}- `).join("\n")}x\n`,
    ],
    ["sequences on one line", `${"- ".repeat(100_000)}x\n`],
  ])("%s, thousands of levels: refused before parsing, at once (exit 2)", async (_kind, text) => {
    const path = file("deep.yaml", text);
    expect(nestingDepth(text)).toBeGreaterThan(MAX_INPUT_DEPTH);
    const result = await cli(["up", "-t", "lim", "--name", "w", "--param-file", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nests collections \d+ deep; at most 16 levels are read/);
  });

  it("counts no more than real files need: a parameter file 2, a fleet declaration 5", () => {
    expect(nestingDepth("a: 1\nlist: [x, y]\n# [[[[ not nesting\ns: '[[[['\n")).toBe(2);
    const declaration = `name: c\ntemplate: t\nworkspaces:\n  - name: a\n    parameters:\n      tags: [x, "y]"]\n`;
    expect(nestingDepth(declaration)).toBeLessThanOrEqual(5);
    expect(MAX_INPUT_FILE_BYTES).toBe(2 * MiB);
  });
});

describe("a parameter named __proto__", () => {
  it.each([
    ["--param", () => ["--param", "__proto__=x"]],
    ["--param-file", () => ["--param-file", file("proto.yaml", "__proto__: x\n")]],
  ])("from %s: refused as unknown (exit 2), as any other unknown name", async (_source, given) => {
    const result = await cli(["up", "-t", "lim", "--name", "w", ...given()]);
    const other = await cli(["up", "-t", "lim", "--name", "w", "--param", "nope=x"]);
    expect(other.code).toBe(2);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("__proto__");
    expect(fake.state.workspaces.size).toBe(0);
  });

  it("from a fleet declaration: the item fails on it, as on any other unknown name", async () => {
    const path = file("proto-fleet.yaml", fleet("      __proto__: x"));
    const result = await cli(["fleet", "apply", "-f", path, "-o", "json"]);
    expect(result.code).toBe(2);
    const item = JSON.parse(result.stdout).items[0];
    expect(item).toMatchObject({
      name: "w1",
      outcome: "failed",
      error: { code: "invalid_parameters", exit_code: 2 },
    });
    expect(item.error.validations[0].field).toBe("__proto__");
  });
});
