import { describe, expect, it } from "vitest";
import { createWorkspace } from "../../src/flows/create-workspace.js";
import { pushTemplate } from "../../src/flows/push.js";
import { waitForAgents, waitForBuild } from "../../src/flows/wait.js";
import { canWatch } from "../../src/flows/watch.js";
import { minimalTemplate, templateFolder, useLoopbackFake } from "./helpers.js";

const WORKSPACE_GET = /^GET \/api\/v2\/workspaces\/[0-9a-f-]{36}$/;

describe("waiting for agents over the workspace watch stream", () => {
  const launch = useLoopbackFake();

  async function built(stepDelayMs = 20) {
    const watches: string[] = [];
    const h = await launch({
      stepDelayMs,
      onResponse: (info) => {
        if (info.path.endsWith("/watch-ws")) watches.push(`${info.status}`);
      },
    });
    const pushed = await pushTemplate(h.client, {
      name: "w",
      dir: templateFolder({ "main.tf": minimalTemplate() }),
    });
    const { workspace } = await createWorkspace(h.client, {
      name: "dev",
      templateId: pushed.template.id,
      templateVersionId: pushed.template.active_version_id,
    });
    await waitForBuild(h.client, workspace.latest_build.id);
    h.requests.length = 0;
    return { ...h, workspace, watches };
  }

  it("follows the stream instead of polling: no workspace GETs while the agent comes up", async () => {
    const { client, requests, workspace, watches } = await built();
    const ready = await waitForAgents(client, workspace.id, {});
    expect(ready.degraded).toBe(false);
    expect(requests.filter((r) => WORKSPACE_GET.test(r))).toEqual([]);
    expect(watches).toEqual(["101"]);
    expect(canWatch(client)).toBe(true);
  });

  it("falls back to polling when Coder refuses the stream, and stops trying it with that client", async () => {
    const { client, requests, workspace, fake, watches } = await built();
    fake.faults.failNext({ path: /\/watch-ws$/, status: 403, times: Number.POSITIVE_INFINITY });
    const ready = await waitForAgents(client, workspace.id, {});
    expect(ready.degraded).toBe(false);
    expect(canWatch(client)).toBe(false);
    const polls = requests.filter((r) => WORKSPACE_GET.test(r)).length;
    expect(polls).toBeGreaterThan(0);
    // A second wait with the same client goes straight to polling: the refusal cost one request, once.
    await waitForAgents(client, workspace.id, {});
    expect(watches).toEqual(["403"]);
  });
});
