import { fileURLToPath } from "node:url";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, describe, expect, it } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import type { FlowEvent } from "../../src/flows/events.js";
import { up } from "../../src/flows/up.js";

const TEMPLATE_DIR = fileURLToPath(new URL("../../../../template", import.meta.url));
const REPO = "https://github.com/marcuspat/turbo-flow-claude";

let fake: RunningFakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("up() over a real loopback socket", () => {
  it("pushes the missing template, creates the workspace, follows logs over WebSocket, waits for the agent", async () => {
    fake = await startFakeCoder({ stepDelayMs: 5 });
    const events: FlowEvent[] = [];
    const requests: string[] = [];
    const client = createCoderClient({
      url: fake.url,
      token: fake.token,
      onRequest: (t) => requests.push(`${t.method} ${new URL(t.url).pathname}`),
    });
    const result = await up({
      client,
      workspace: "turbo",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: REPO },
      onEvent: (e) => events.push(e),
    });
    expect(result.created).toBe(true);
    expect(result.templateCreated).toBe(true);
    expect(result.build.status).toBe("running");
    expect(result.workspace.latest_build.status).toBe("running");
    expect(result.apps.map((a) => a.slug)).toContain("code-server");
    const logs = events.filter((e) => e.type === "log");
    expect(logs.some((e) => e.type === "log" && e.source === "import")).toBe(true);
    expect(logs.some((e) => e.type === "log" && e.source === "build")).toBe(true);
    // Logs arrived over the socket, not by polling the plain list.
    expect(requests.filter((r) => r.endsWith("/logs"))).toEqual([]);

    const again = await up({ client, workspace: "turbo", parameters: { repo_url: REPO } });
    expect(again.created).toBe(false);
    expect(again.workspace.id).toBe(result.workspace.id);
  });
});
