// `up` aborted at each of its steps says what exists on the server afterwards (UpInterruptedError's facts). Each
// abort is triggered by an event: a stage starting, or the fake's answer to a request, held until the abort is in.
import type { ResponseInfo } from "@spt-coder/fake-coder";
import { describe, expect, it } from "vitest";
import { UpInterruptedError } from "../../src/errors/interrupt.js";
import type { StageId } from "../../src/flows/events.js";
import { up } from "../../src/flows/up.js";
import { waitForBuild } from "../../src/flows/wait.js";
import { stopWorkspace } from "../../src/flows/workspace.js";
import { minimalTemplate, templateFolder, useLoopbackFake } from "./helpers.js";

const templateDir = templateFolder({ "main.tf": minimalTemplate() });
const startFake = useLoopbackFake();
const BUILDS = /^\/api\/v2\/workspaces\/[^/]+\/builds$/;

/** Runs `up` for workspace `ws`, aborting when `at` says so; returns the error it threw. */
async function interruptedAt(
  fake: Awaited<ReturnType<typeof startFake>>,
  at: { stage?: StageId },
  controller: AbortController,
): Promise<UpInterruptedError> {
  const error = await up({
    client: fake.client,
    workspace: "ws",
    template: "tpl",
    templateDir,
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === "stage" && event.state === "start" && event.stage === at.stage) controller.abort();
    },
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UpInterruptedError);
  return error as UpInterruptedError;
}

/** A fake whose answers `hook` sees (and may hold) from the moment it is set. */
async function hookedFake() {
  const hooks: { on?: (info: ResponseInfo) => unknown } = {};
  const fake = await startFake({ onResponse: (info) => hooks.on?.(info) });
  return { fake, hooks };
}

describe("up() interrupted says what exists afterwards", () => {
  it("while looking for the template: nothing was made, nothing looked up", async () => {
    const { fake } = await hookedFake();
    const error = await interruptedAt(fake, { stage: "find_template" }, new AbortController());
    expect(error).toMatchObject({ step: "prepare", workspace: undefined, workspaceCreated: false });
    expect(error.canceledImport).toBeUndefined();
    expect(error.lookupError).toBeUndefined();
  });

  it("during the import: the import was canceled on the server, no workspace", async () => {
    const { fake } = await hookedFake();
    fake.fake.faults.holdJob({ type: "template_version_import" });
    const error = await interruptedAt(fake, { stage: "import" }, new AbortController());
    expect(error).toMatchObject({ step: "push", workspace: undefined });
    const version = [...fake.fake.state.templateVersions.values()][0]!;
    expect(error.canceledImport).toEqual({ id: version.id, name: version.name });
    expect(fake.fake.state.job(version.jobId).canceledAt).toBeDefined();
  });

  it("with the create request sent and its answer cut off: the workspace was created, its build pending", async () => {
    const { fake, hooks } = await hookedFake();
    fake.fake.faults.holdJob({ type: "workspace_build" });
    const controller = new AbortController();
    hooks.on = (info) => {
      if (info.method === "POST" && info.path === "/api/v2/users/me/workspaces") controller.abort();
    };
    const error = await interruptedAt(fake, {}, controller);
    expect(error).toMatchObject({ step: "create", workspaceCreated: true });
    expect(error.workspace?.latest_build).toMatchObject({ transition: "start", build_number: 1 });
    expect(error.workspace?.latest_build.job.status).toBe("pending");
    expect(error.message).toContain("workspace admin/ws was created, its start build #1 is pending");
  });

  it("when the look afterwards fails: says it could not be checked", async () => {
    const { fake, hooks } = await hookedFake();
    const controller = new AbortController();
    hooks.on = (info) => {
      if (info.method !== "POST" || info.path !== "/api/v2/users/me/workspaces") return;
      fake.fake.faults.failNext({ method: "GET", path: "/api/v2/users/me/workspace/ws", status: 403 });
      controller.abort();
    };
    const error = await interruptedAt(fake, {}, controller);
    expect(error).toMatchObject({ step: "create", workspace: undefined, workspaceCreated: false });
    expect(error.lookupError?.message).toContain("403");
  });

  it("with a start of an existing workspace sent: it exists, its start build pending", async () => {
    const { fake, hooks } = await hookedFake();
    const made = await up({ client: fake.client, workspace: "ws", template: "tpl", templateDir });
    await waitForBuild(fake.client, (await stopWorkspace(fake.client, made.workspace)).id);
    fake.fake.faults.holdJob({ type: "workspace_build", transition: "start" });
    const controller = new AbortController();
    hooks.on = (info) => {
      if (info.method === "POST" && BUILDS.test(info.path)) controller.abort();
    };
    const error = await interruptedAt(fake, {}, controller);
    expect(error).toMatchObject({ step: "start", workspaceCreated: false });
    expect(error.workspace?.latest_build).toMatchObject({ transition: "start", build_number: 3 });
  });

  it("following the build: the workspace was created, its build keeps running", async () => {
    const { fake } = await hookedFake();
    fake.fake.faults.holdJob({ type: "workspace_build" });
    const error = await interruptedAt(fake, { stage: "build" }, new AbortController());
    expect(error).toMatchObject({ step: "build", workspaceCreated: true });
    expect(error.workspace?.latest_build.job.status).toBe("pending");
    expect(fake.fake.state.workspaces.size).toBe(1);
  });

  it("waiting for the agent: the workspace is running", async () => {
    const { fake } = await hookedFake();
    fake.fake.faults.agent({ outcome: "never_connects" });
    const error = await interruptedAt(fake, { stage: "agent" }, new AbortController());
    expect(error).toMatchObject({ step: "agent", workspaceCreated: true });
    expect(error.workspace?.latest_build).toMatchObject({ transition: "start", status: "running" });
  });
});
