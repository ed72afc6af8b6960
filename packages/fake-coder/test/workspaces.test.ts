import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createVersion,
  createWorkspace,
  type Harness,
  MAIN_TF,
  MODES,
  pollUntil,
  pushTemplate,
  REPO,
  upload,
  useMode,
  waitForBuild,
} from "./helpers.js";

/**
 * Records every status of a build, starting with the one its creation returned, until its job ends. The caller
 * holds the clock before creating the build; each status is read between two steps (polling missed a status that
 * lasted a few 5 ms steps on a loaded machine), and the clock is released at the end.
 */
async function statusesOf(h: Harness, created: { id: string; status: string }): Promise<string[]> {
  const seen: string[] = [created.status];
  for (;;) {
    const b = await (await h.api(`/api/v2/workspacebuilds/${created.id}`)).json();
    if (seen.at(-1) !== b.status) seen.push(b.status);
    if (["succeeded", "failed", "canceled"].includes(b.job.status)) break;
    await h.clock.step();
  }
  h.clock.release();
  return seen;
}

async function build(h: Harness, workspaceId: string, body: Record<string, unknown>): Promise<Response> {
  return h.api(`/api/v2/workspaces/${workspaceId}/builds`, { method: "POST", json: body });
}

async function running(h: Harness, name = "dev", extra: Record<string, unknown> = {}) {
  const { template, version } = await pushTemplate(h, "docker", undefined, extra);
  const res = await createWorkspace(h, { template_id: template.id, name, rich_parameter_values: [REPO] });
  const workspace = await res.json();
  await waitForBuild(h, workspace.latest_build.id);
  return { template, version, workspace };
}

describe.each(MODES)("workspaces (%s)", (mode) => {
  const launch = useMode(mode);

  it("creates a workspace (201) whose first build starts it", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h);
    h.clock.hold(); // released by statusesOf
    const res = await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: [REPO],
    });
    expect(res.status).toBe(201);
    const ws = await res.json();
    expect(ws).toMatchObject({
      name: "dev",
      owner_name: "admin",
      template_name: "docker",
      outdated: false,
      deleting_at: null,
      latest_app_status: null,
      latest_build: {
        build_number: 1,
        transition: "start",
        template_version_id: version.id,
        initiator_name: "admin",
        reason: "initiator",
      },
    });
    expect(await statusesOf(h, ws.latest_build)).toEqual(["pending", "starting", "running"]);
    const params = await (await h.api(`/api/v2/workspacebuilds/${ws.latest_build.id}/parameters`)).json();
    expect(params).toEqual([{ name: "region", value: "eu" }, { name: "cpu", value: "2" }, REPO]);
  });

  it.each(["my_ws", "-dev", "dev-", "a--b", "x".repeat(33), "new", "create", ""])(
    "rejects the workspace name %j",
    async (name) => {
      const h = await launch();
      const { template } = await pushTemplate(h);
      const res = await createWorkspace(h, { template_id: template.id, name, rich_parameter_values: [REPO] });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        message: "Validation failed.",
        validations: [
          { field: "name", detail: `Validation failed for tag "workspace_name" with value: "${name}"` },
        ],
      });
    },
  );

  it("requires exactly one of template_id and template_version_id", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h);
    const both = await createWorkspace(h, {
      template_id: template.id,
      template_version_id: version.id,
      name: "dev",
    });
    expect((await both.json()).validations.map((v: AnyJson) => v.field)).toEqual([
      "template_id",
      "template_version_id",
    ]);
    const neither = await createWorkspace(h, { name: "dev" });
    expect((await neither.json()).validations.map((v: AnyJson) => v.detail)).toEqual([
      'Validation failed for tag "required_without" with value: "00000000-0000-0000-0000-000000000000"',
      'Validation failed for tag "required_without" with value: "00000000-0000-0000-0000-000000000000"',
    ]);
  });

  it("answers a duplicate name (case-insensitive) with 409", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] });
    const res = await createWorkspace(h, {
      template_id: template.id,
      name: "DEV",
      rich_parameter_values: [REPO],
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      message: 'Workspace "DEV" already exists.',
      validations: [{ field: "name", detail: "This value is already in use and should be unique." }],
    });
  });

  it("answers 406 while the template version is still importing", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    h.faults.holdJob({ type: "template_version_import" });
    const importing = await (
      await createVersion(h, { file_id: await upload(h, { "main.tf": MAIN_TF }), template_id: template.id })
    ).json();
    const res = await createWorkspace(h, {
      template_version_id: importing.id,
      name: "dev",
      rich_parameter_values: [REPO],
    });
    expect(res.status).toBe(406);
    expect(await res.json()).toEqual({
      message: "The provided template version is pending. Wait for it to complete importing!",
    });
    expect(await (await h.api("/api/v2/workspaces?q=owner:me")).json()).toEqual({ workspaces: [], count: 0 });
  });

  it("validates rich parameters with the classic rules on classic templates", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h, "classic", undefined, {
      template_use_classic_parameter_flow: true,
    });
    const attempt = async (values: AnyJson[]) =>
      (
        await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: values })
      ).json();
    expect(await attempt([])).toEqual({
      message: 'Unable to validate parameter "repo"',
      detail: 'Parameter "repo" is required but not provided',
    });
    expect((await attempt([REPO, { name: "region", value: "asia" }])).detail).toBe(
      'can\'t validate build parameter "Region": parameter value must match one of options: [eu us]',
    );
    expect((await attempt([{ name: "repo", value: "http://x" }])).detail).toContain(
      'Use an https URL (value "http://x" does not match "^https://")',
    );
    expect((await attempt([{ name: "repo", value: "" }])).detail).toContain("parameter value is required");
    // cpu's block has a min and max only, which coderd's classic resolver drops: the plan refuses 9 instead.
    const taken = await createWorkspace(h, {
      template_id: template.id,
      name: "big",
      rich_parameter_values: [REPO, { name: "cpu", value: "9" }],
    });
    expect(taken.status).toBe(201);
    const failed = await waitForBuild(h, (await taken.json()).latest_build.id);
    expect(failed.job.error).toBe("terraform plan: exit status 1");
  });

  it("reports every parameter problem at once on dynamic templates", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    const res = await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: [{ name: "region", value: "asia" }],
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: "Unable to validate parameters",
      validations: [
        // preview's and the provider's diagnostics, as coderd joins them: "summary; detail".
        {
          field: "region",
          detail: 'Value must be a valid option; the value "asia" must be defined as one of options',
        },
        {
          field: "repo",
          detail:
            "Parameter value is not valid; The value of a parameter is required to be sourced (default or input) for the parameter to function.",
        },
      ],
    });
  });

  it("refuses to change an immutable parameter after the first build", async () => {
    const h = await launch();
    const tf = `${MAIN_TF}\ndata "coder_parameter" "disk" {\n  name = "disk"\n  type = "number"\n  default = 10\n}\n`;
    const { workspace } = await (async () => {
      const { template } = await pushTemplate(
        h,
        "docker",
        { "main.tf": tf },
        { template_use_classic_parameter_flow: true },
      );
      const ws = await (
        await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
      ).json();
      await waitForBuild(h, ws.latest_build.id);
      return { workspace: ws };
    })();
    await waitForBuild(h, (await (await build(h, workspace.id, { transition: "stop" })).json()).id);
    const res = await build(h, workspace.id, {
      transition: "start",
      rich_parameter_values: [{ name: "disk", value: "20" }],
    });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toBe(
      'Parameter "disk" is not mutable, so it can\'t be updated after creating a workspace.',
    );
  });

  it("finds workspaces by owner and name (case-insensitive) and lists them with q=owner:me", async () => {
    const h = await launch({ users: [{ username: "alice" }] });
    const { workspace } = await running(h);
    const byName = await h.api("/api/v2/users/me/workspace/DEV");
    expect((await byName.json()).id).toBe(workspace.id);
    expect((await (await h.api(`/api/v2/users/admin/workspace/dev/builds/1`)).json()).build_number).toBe(1);
    const list = await (await h.api("/api/v2/workspaces?q=owner:me")).json();
    expect(list.count).toBe(1);
    expect(list.workspaces[0].id).toBe(workspace.id);
    const alice = h.state.tokenOf("alice");
    expect(await (await h.api("/api/v2/workspaces?q=owner:me", { token: alice })).json()).toEqual({
      workspaces: [],
      count: 0,
    });
    expect((await h.api(`/api/v2/workspaces/${workspace.id}`, { token: alice })).status).toBe(404);
    const bad = await h.api("/api/v2/workspaces?q=color:blue");
    expect(bad.status).toBe(400);
    expect((await bad.json()).validations).toEqual([
      { field: "color", detail: '"color" is not a valid query param' },
    ]);
  });

  it.concurrent("stops, refuses a second build while one is active, and reuses the previous version", async ({
    onTestFinished,
  }) => {
    const h = await launch({ stepDelayMs: 20 }, onTestFinished);
    const { template, version, workspace } = await running(h);
    // A newer active version must not be picked up by a build without template_version_id.
    const v2 = await (
      await createVersion(h, {
        file_id: await upload(h, { "main.tf": MAIN_TF, "x.tf": "" }),
        template_id: template.id,
      })
    ).json();
    await pollUntil(h, `/api/v2/templateversions/${v2.id}`, (v) => v.job.status === "succeeded");
    await h.api(`/api/v2/templates/${template.id}/versions`, { method: "PATCH", json: { id: v2.id } });

    h.clock.hold(); // the stop build stays active for the 409 below; released by statusesOf
    const stop = await build(h, workspace.id, { transition: "stop" });
    expect(stop.status).toBe(201);
    const stopBuild = await stop.json();
    expect(stopBuild).toMatchObject({ build_number: 2, transition: "stop", template_version_id: version.id });
    const busy = await build(h, workspace.id, { transition: "start" });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toEqual({
      message: "A workspace build is already active.",
      detail: "A workspace build is already active.",
    });
    expect(await statusesOf(h, stopBuild)).toEqual(["pending", "stopping", "stopped"]);
    const stopped = await (await h.api(`/api/v2/workspacebuilds/${stopBuild.id}`)).json();
    expect(stopped.resources.map((r: AnyJson) => [r.name, r.agents])).toEqual([["home", undefined]]);

    const ws = await (await h.api(`/api/v2/workspaces/${workspace.id}`)).json();
    expect(ws.outdated).toBe(true);
    h.clock.hold();
    const start = await (
      await build(h, workspace.id, { transition: "start", template_version_id: v2.id })
    ).json();
    expect(start.template_version_id).toBe(v2.id);
    expect(await statusesOf(h, start)).toEqual(["pending", "starting", "running"]);
  });

  it("deletes: deleting → deleted, then 410 by id and 404 by name unless deleted ones are asked for", async () => {
    const h = await launch();
    const { template, workspace } = await running(h);
    h.clock.hold();
    const del = await (await build(h, workspace.id, { transition: "delete" })).json();
    expect(await statusesOf(h, del)).toEqual(["pending", "deleting", "deleted"]);
    const gone = await h.api(`/api/v2/workspaces/${workspace.id}`);
    expect(gone.status).toBe(410);
    expect((await gone.json()).message).toBe(
      `Workspace "${workspace.id}" was deleted, you can view this workspace by specifying '?deleted=true' and trying again.`,
    );
    expect((await h.api(`/api/v2/workspaces/${workspace.id}?include_deleted=true`)).status).toBe(200);
    expect((await h.api("/api/v2/users/me/workspace/dev")).status).toBe(404);
    expect((await h.api("/api/v2/users/me/workspace/dev?include_deleted=true")).status).toBe(200);
    const restart = await build(h, workspace.id, { transition: "start" });
    expect(restart.status).toBe(409);
    expect(await restart.json()).toEqual({ message: "Cannot start a deleted workspace!" });
    // The name is free again.
    const again = await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: [REPO],
    });
    expect(again.status).toBe(201);
  });

  it.concurrent("derives canceling, canceled and failed from the job", async ({ onTestFinished }) => {
    // "canceling" lasts one step, which a loaded machine let pass before the read ("canceled" was seen): the clock
    // is held, so the job moves only when stepped, and not at all between the cancel and the read.
    const h = await launch({}, onTestFinished);
    const { workspace } = await running(h);
    h.clock.hold();
    const stop = await (await build(h, workspace.id, { transition: "stop" })).json();
    const status = async () => (await (await h.api(`/api/v2/workspacebuilds/${stop.id}`)).json()).status;
    while ((await status()) !== "stopping") await h.clock.step();
    expect((await h.api(`/api/v2/workspacebuilds/${stop.id}/cancel`, { method: "PATCH" })).status).toBe(200);
    expect(await status()).toBe("canceling");
    h.clock.release();
    expect((await waitForBuild(h, stop.id)).status).toBe("canceled");

    h.faults.failJob({ type: "workspace_build", transition: "start", error: "docker: no such image" });
    const start = await (await build(h, workspace.id, { transition: "start" })).json();
    const failed = await waitForBuild(h, start.id);
    expect(failed).toMatchObject({
      status: "failed",
      job: { status: "failed", error: "docker: no such image" },
    });
  });

  it.concurrent("brings up an agent (connecting → connected, created → starting → ready) with a code-server app", async ({
    onTestFinished,
  }) => {
    // Each agent state lasts one step, which polling missed on a loaded machine: the clock is held and stepped,
    // and every state is read between two steps.
    const h = await launch({}, onTestFinished);
    const { template } = await pushTemplate(h);
    h.clock.hold();
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    const read = async (path: string) => (await h.api(path)).json() as Promise<AnyJson>;
    let built = await read(`/api/v2/workspacebuilds/${ws.latest_build.id}`);
    while (built.job.status !== "succeeded") {
      await h.clock.step();
      built = await read(`/api/v2/workspacebuilds/${ws.latest_build.id}`);
    }
    const container = built.resources.find((r: AnyJson) => r.type === "docker_container");
    const agentId = container.agents[0].id;
    let agent = await read(`/api/v2/workspaceagents/${agentId}`);
    const seen = [`${agent.status}/${agent.lifecycle_state}`];
    while (agent.lifecycle_state !== "ready") {
      await h.clock.step();
      agent = await read(`/api/v2/workspaceagents/${agentId}`);
      const state = `${agent.status}/${agent.lifecycle_state}`;
      if (seen.at(-1) !== state) seen.push(state);
    }
    h.clock.release();
    expect(seen).toEqual(["connecting/created", "connected/starting", "connected/ready"]);
    expect(agent).toMatchObject({
      name: "main",
      operating_system: "linux",
      architecture: "amd64",
      health: { healthy: true },
    });
    expect(agent.apps).toEqual([
      expect.objectContaining({
        slug: "code-server",
        display_name: "code-server",
        url: "http://localhost:13337/?folder=/home/coder",
        subdomain: false,
        sharing_level: "owner",
        health: "healthy",
      }),
    ]);
    const logs = await (await h.api(`/api/v2/workspaceagents/${agentId}/logs`)).json();
    expect(logs.map((l: AnyJson) => l.output)).toContain("+ echo hello");
  });
});
