// Issue 27's messages, in-process against the loopback fake: what a new user found wrong. Each case fails with
// the defect put back (the commits that fixed them say so).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, pushTemplate } from "@spt-coder/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTemplate, TEMPLATE_DIR } from "../../sdk/test/flows/helpers.js";
import type { CommandDef } from "../src/command.js";
import { COMMANDS } from "../src/commands/index.js";
import { EXAMPLES } from "../src/examples.js";
import { run } from "./helpers.js";

let fake: RunningFakeCoder;
let repoPattern: string;
const scratch = mkdtempSync(join(tmpdir(), "spt-cli-new-user-"));

beforeAll(async () => {
  fake = await startFakeCoder({ stepDelayMs: 0 });
  const client = createCoderClient({ url: fake.url, token: fake.token });
  // The project's own template: its repo_url validation is the 600-character regex a user met.
  const pushed = await pushTemplate(client, { name: "spt-flow", dir: TEMPLATE_DIR });
  const parameters = await client.templateVersions.richParameters(pushed.version.id);
  repoPattern = parameters.find((p) => p.name === "repo_url")!.validation_regex!;
  const plain = mkdtempSync(join(scratch, "plain-"));
  writeFileSync(join(plain, "main.tf"), minimalTemplate());
  await pushTemplate(client, { name: "plain", dir: plain });
});
afterAll(async () => {
  await fake.close();
  rmSync(scratch, { recursive: true, force: true });
});

const env = () => ({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, NO_COLOR: "1" });
const cli = (argv: string[], overrides: Parameters<typeof run>[1] = {}) =>
  run(argv, { env: env(), home: scratch, cwd: scratch, ...overrides });

describe("a bad --repo", () => {
  it("says what to type, without the template's regex; -o json keeps the regex once", async () => {
    expect(repoPattern.length).toBeGreaterThan(300);
    const text = await cli(["up", "--repo", "notaurl", "--name", "bad-repo"]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("Enter a git URL as https://host/owner/repo");
    expect(text.stderr).toContain(`(value "notaurl" does not match the template's validation regex)`);
    expect(text.stderr).toContain("set with: --repo <git url>");
    expect(text.stderr).not.toContain("[A-Za-z0-9]");
    const json = await cli(["up", "--repo", "notaurl", "--name", "bad-repo", "-o", "json"]);
    expect(json.code).toBe(2);
    const quoted = JSON.stringify(repoPattern).slice(1, -1);
    expect(json.stdout.split(quoted)).toHaveLength(2);
    expect(JSON.parse(json.stdout).error.parameters[0].pattern).toBe(repoPattern);
  });

  it("with credentials, shows the value with *** where they were, never as a valid-looking URL", async () => {
    const result = await cli([
      "up",
      "--repo",
      "https://alice:hunter22@github.com/org/repo",
      "--name",
      "creds",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(value "https://***@github.com/org/repo" does not match');
    expect(result.stderr).not.toContain('"https://github.com/org/repo"');
    expect(result.stderr).not.toContain("hunter22");
  });
});

describe("fleet apply", () => {
  const documented = [
    "code",
    "exit_code",
    "message",
    "validations",
    "suggestion",
    "status",
    "created",
    "parameters",
  ];

  it("names each parameter problem, and a failed item's JSON error has the documented shape", async () => {
    const file = join(scratch, "fleet.yaml");
    writeFileSync(
      file,
      "template: spt-flow\nparameters: { repo_url: notaurl }\nworkspaces:\n  - name: fl-a\n",
    );
    const text = await cli(["fleet", "apply", "-f", file]);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^fl-a\s+failed\s+repo_url: .*Enter a git URL/m);
    expect(text.stdout).not.toContain("1 parameter problem:");
    const json = await cli(["fleet", "apply", "-f", file, "-o", "json"]);
    const error = JSON.parse(json.stdout).items[0].error;
    expect(Object.keys(error).filter((k) => !documented.includes(k))).toEqual([]);
    expect(error).toMatchObject({ code: "invalid_parameters", exit_code: 2 });
    expect(error.parameters[0]).toMatchObject({ name: "repo_url", flag: `parameters.repo_url in ${file}` });
  });

  it("a YAML syntax error gives its line and column, the lines around it, and YAML advice", async () => {
    const file = join(scratch, "broken.yaml");
    writeFileSync(file, "workspaces:\n  - name: a\n    parameters: { repo_url: x\n  - name: b\n");
    const result = await cli(["fleet", "apply", "-f", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.yaml:4:3: YAML syntax: Flow map .* end with a \}\n/);
    expect(result.stderr).not.toMatch(/column \d+:$/m);
    expect(result.stderr).toContain("indent with spaces (never tabs), and close every {, [ and quote");
    expect(result.stderr).not.toContain("Each workspace needs a name");
  });
});

describe("flags and server refusals", () => {
  it("--request-timeout abc says what it takes, not NaN", async () => {
    const result = await cli(["list", "--request-timeout", "abc"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: --request-timeout must be a positive number of seconds, e.g. --request-timeout 60.\n",
    );
  });

  it("schedule extend on a workspace that stops only by hand says how to give it a stop time", async () => {
    const up = await cli(["up", "-t", "plain", "--name", "manual"]);
    expect(up.code, up.stderr).toBe(0);
    const result = await cli(["schedule", "extend", "manual", "2h"]);
    expect(result.stderr).toContain("error: Workspace shutdown is manual.");
    expect(result.stderr).toContain("Suggestion: Nothing stops manual on its own");
    expect(result.stderr).toContain("spt-coder schedule stop manual 8h");
    expect(result.code).toBe(2);
  });

  it("archiving the active version says to promote another first, and sends nothing", async () => {
    const list = await cli(["templates", "versions", "list", "plain", "-o", "json"]);
    const active = (JSON.parse(list.stdout) as { name: string }[])[0]!.name;
    const result = await cli(["templates", "versions", "archive", "plain", active, "--yes"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Version ${active} is the active version of plain`);
    expect(result.stderr).toContain(
      "Promote another version first: spt-coder templates versions promote plain",
    );
    expect([...fake.state.templateVersions.values()].some((v) => v.archived)).toBe(false);
  });
});

describe("help", () => {
  /** Every command's path and its examples, subcommands included. */
  function examples(defs: readonly CommandDef<never>[], path: string[] = []): [string[], string[]][] {
    return defs.flatMap((def) => {
      const name = def.command.split(" ")[0]!;
      const own = (def.examples ?? EXAMPLES[name] ?? []).map(([example]) => example);
      return [
        [[...path, name], own] as [string[], string[]],
        ...examples(def.subcommands ?? [], [...path, name]),
      ];
    });
  }

  it("prints every example command whole on one line, on an 80-column terminal", async () => {
    const all = examples(COMMANDS).filter(([, list]) => list.length > 0);
    expect(all.length).toBeGreaterThan(15);
    for (const [path, list] of all) {
      const { stdout } = await cli([...path, "--help"], { columns: 80 });
      const lines = stdout.split("\n").map((l) => l.trim());
      for (const example of list) expect(lines, `${path.join(" ")}: ${example}`).toContain(example);
    }
  });
});
