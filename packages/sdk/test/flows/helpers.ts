import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningFakeCoder, type StartFakeCoderOptions, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach } from "vitest";
import { type CoderClient, createCoderClient } from "../../src/coder-client.js";
import type { FlowEvent } from "../../src/flows/events.js";

/** The repository's own `spt-flow` template. */
export const TEMPLATE_DIR = fileURLToPath(new URL("../../../../template", import.meta.url));
export const REPO = "https://github.com/marcuspat/turbo-flow-claude";

/** A fake Coder on loopback per test, closed afterwards, with a client and an event log. */
export function useLoopbackFake() {
  let current: RunningFakeCoder | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options: StartFakeCoderOptions = {}) => {
    current = await startFakeCoder({ stepDelayMs: 2, ...options });
    const fake = current;
    const events: FlowEvent[] = [];
    const requests: string[] = [];
    const client: CoderClient = createCoderClient({
      url: fake.url,
      token: fake.token,
      onRequest: (t) => requests.push(`${t.method} ${new URL(t.url).pathname}`),
    });
    return { fake, client, events, requests, onEvent: (e: FlowEvent) => events.push(e) };
  };
}

/** A throwaway template folder with the given files. */
export function templateFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "spt-template-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A copy of the repository's template, to change without touching the original. */
export function copyOfTemplate(): string {
  const dir = mkdtempSync(join(tmpdir(), "spt-template-"));
  cpSync(TEMPLATE_DIR, dir, { recursive: true });
  return dir;
}

/** A small valid template with one agent and the given extra HCL. */
export function minimalTemplate(extra = ""): string {
  return `
terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_workspace" "me" {}
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
${extra}
`;
}

/** An optional, mutable string parameter `name` (default ""), as HCL for {@link minimalTemplate}. */
export function stringParameter(name: string): string {
  return `
data "coder_parameter" "${name}" {
  name    = "${name}"
  type    = "string"
  default = ""
  mutable = true
}`;
}
