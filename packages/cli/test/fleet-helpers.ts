// The `fleet apply` tests' declaration folders and the fake they run against (fleet.test.ts, fleet-scale.test.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, type StartFakeCoderOptions, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach } from "vitest";
import { minimalTemplate } from "../../sdk/test/flows/helpers.js";
import { run } from "./helpers.js";

/** alpha has a size parameter and a default preset that sets it: a fleet item gets the preset's value. */
const ALPHA_PRESET = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
data "coder_workspace_preset" "classroom" {
  name    = "Classroom"
  default = true
  parameters = {
    size = "large"
  }
}
`;

/** A folder with two template folders and a declaration of `count` workspaces alternating between them. */
export function declaration(count: number, extraTop = ""): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "spt-fleet-"));
  for (const [name, extra] of [
    ["alpha", ALPHA_PRESET],
    ["beta", 'resource "null_resource" "extra" {}'],
  ] as const) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "main.tf"), minimalTemplate(extra));
  }
  const items = Array.from({ length: count }, (_, i) =>
    i % 2 ? `  - name: class-${i}\n    template: beta\n    template_dir: ./beta` : `  - name: class-${i}`,
  );
  const text = `name: class\ntemplate: alpha\ntemplate_dir: ./alpha\n${extraTop}workspaces:\n${items.join("\n")}\n`;
  const file = join(dir, "fleet.yaml");
  writeFileSync(file, text);
  return { dir, file };
}

export interface JsonSummary {
  ok: boolean;
  counts: Record<string, number>;
  items: {
    name: string;
    outcome: string;
    /** The CLI's `{ "error": … }` shape. */
    error: { code: string; exit_code: number; message: string } | null;
    exists: string[];
  }[];
  templates: { name: string; outcome: string }[];
  concurrency: { builds: number; source: string };
}

let fake: RunningFakeCoder | undefined;

/** Registers the hook that closes the fake a test started; call once per test file. */
export function closeFleetFakeAfterEach(): void {
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
}

/** Starts the fake that {@link apply} and {@link liveNames} talk to. */
export async function startFleetFake(options: StartFakeCoderOptions): Promise<RunningFakeCoder> {
  fake = await startFakeCoder(options);
  return fake;
}

export async function apply(file: string, ...extra: string[]) {
  if (!fake) throw new Error("no fake");
  const env = { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token };
  const result = await run(["fleet", "apply", "-f", file, ...extra], { env });
  return { ...result, json: extra.includes("json") ? (JSON.parse(result.stdout) as JsonSummary) : undefined };
}

export function liveNames(): string[] {
  return [...(fake?.state.workspaces.values() ?? [])].filter((w) => !w.deleted).map((w) => w.name);
}
