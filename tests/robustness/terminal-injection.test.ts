// A deployment whose every name, message, log line, job error and app URL carries terminal control sequences
// (OSC 52 to the clipboard, CSI 2J, OSC 8 and OSC 0, a C1 CSI, bare carriage returns): the CLI prints each as
// visible text, on a terminal with colour or in a pipe, keeps its own colours and cursor controls, and `-o json`
// still parses to exactly what the server sent. A proxy in front of the fake says it; the fake itself stays honest.
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, pushTemplate, up } from "@spt-coder/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, tempHome } from "../e2e/helpers.js";
import { type InProcessOptions, runCli } from "./cli-in-process.js";
import { ALL_TERMINAL_ATTACKS, type HostileServer, strayControls } from "./hostile-servers.js";
import { proxyOf, stringRewrites } from "./proxied-fake.js";

/** Free text a server sends and the CLI shows; names are poisoned on workspaces, templates and versions only. */
const SHOWN = new Set([
  "message",
  "detail",
  "field",
  "output",
  "display_name",
  "description",
  "description_plaintext",
  "owner_name",
  "template_name",
  "template_display_name",
  "organization_name",
  "error",
  "url",
]);

function poison(key: string, text: string, parent: Record<string, unknown>): string {
  const named = "owner_name" in parent || "active_version_id" in parent || "created_by" in parent;
  const zone = parent.name === "zone" && key === "default_value";
  if (key === "error" && text === "") return text;
  if (key === "url" && !("external" in parent)) return text;
  return SHOWN.has(key) || (key === "name" && named) || zone ? `${text}${ALL_TERMINAL_ATTACKS}` : text;
}

const withParameter = (name: string) =>
  minimalTemplate(`
data "coder_parameter" "${name}" {
  name        = "${name}"
  type        = "string"
  mutable     = true
  description = "Where it runs"
}
resource "coder_app" "docs" {
  agent_id = coder_agent.main.id
  slug     = "docs"
  url      = "https://docs.example.com"
  external = true
}
`);

let fake: RunningFakeCoder;
let proxy: HostileServer;
let home: string;

beforeAll(async () => {
  fake = await startFakeCoder({ stepDelayMs: 2 });
  addSecret(fake.token);
  const client = createCoderClient({ url: fake.url, token: fake.token });
  const dir = templateFolder({ "main.tf": withParameter("region") });
  await up({ client, template: "tiny", templateDir: dir, workspace: "dev", parameters: { region: "eu" } });
  await up({ client, template: "tiny", workspace: "old", parameters: { region: "eu" } });
  // A new version with a parameter the last build lacks: `update` asks for it.
  await pushTemplate(client, {
    name: "tiny",
    dir: templateFolder({ "main.tf": withParameter("region") + zoneParameter() }),
  });
  proxy = await proxyOf(fake, stringRewrites(poison));
  home = await tempHome();
});

afterAll(async () => {
  await proxy?.close();
  await fake?.close();
});

function zoneParameter(): string {
  return `
data "coder_parameter" "zone" {
  name        = "zone"
  type        = "string"
  mutable     = true
  description = "Which zone"
}
`;
}

function cli(args: string[], options: Partial<InProcessOptions> = {}) {
  const env = cliEnv(home, { CODER_URL: proxy.url, CODER_SESSION_TOKEN: fake.token });
  return runCli(args, { env: { ...env, ...(options.tty ? {} : { NO_COLOR: "1" }) }, ...options });
}

/** The attack reached the output, shown: its escapes are there as text, and no control character is left. */
function expectShownNotObeyed(text: string, sgr: boolean) {
  expect(strayControls(text, sgr)).toEqual([]);
  expect(text, "our own cursor controls were escaped like a server's").not.toContain("\\u001b[2K");
  expect(text).toContain("\\u001b]52;c;");
  expect(text).toContain("\\u009b2J");
}

const COMMANDS: readonly (readonly string[])[] = [
  ["list"],
  ["status", "dev"],
  ["templates", "list"],
  ["templates", "versions", "list", "tiny"],
  ["logs", "dev"],
  ["stop", "old"],
  ["start", "old"],
  ["up", "--name", "dev", "-t", "tiny"],
];

describe.each([
  ["in a pipe", false],
  ["on a terminal with colour", true],
])("a server whose every string carries control sequences, %s", (_where, tty) => {
  it.each(COMMANDS)("%s %s %s: shown as text, never obeyed", async (...args) => {
    const result = await cli([...args], { tty });
    expect(result.code, result.stderr).toBe(0);
    expectShownNotObeyed(result.stdout + result.stderr, tty);
  });

  it("an error's message, detail and validations: shown as text", async () => {
    fake.faults.failNext({
      path: "/api/v2/users/me/workspace/dev",
      status: 400,
      body: { message: "Bad", detail: "worse", validations: [{ field: "name", detail: "taken" }] },
    });
    const result = await cli(["status", "dev"], { tty });
    expect(result.code).toBe(1);
    expectShownNotObeyed(result.stderr, tty);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: our own colours taken out
    expect(result.stderr.replace(/\u001b\[[0-9;]*m/g, "")).toMatch(/^error: Bad\\u001b\]52/m);
  });
});

it("update's parameter prompt is drawn without control sequences", async () => {
  const questions: string[] = [];
  const result = await cli(["update", "dev", "--yes"], {
    tty: true,
    prompt: (question) => {
      questions.push(question);
      return "z2";
    },
  });
  expect(result.code, result.stderr).toBe(0);
  expect(questions).toHaveLength(1);
  expectShownNotObeyed(questions[0]!, false);
  expectShownNotObeyed(result.stderr, true);
});

it("-o json stays exact: the document parses back to the very strings the server sent", async () => {
  const result = await cli(["list", "-o", "json"], { tty: true });
  expect(result.code, result.stderr).toBe(0);
  expect(strayControls(result.stdout)).toEqual([]);
  const names = (JSON.parse(result.stdout) as { name: string }[]).map((w) => w.name).sort();
  expect(names).toEqual([`dev${ALL_TERMINAL_ATTACKS}`, `old${ALL_TERMINAL_ATTACKS}`]);
});
