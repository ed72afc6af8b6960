import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createVersion,
  createWorkspace,
  type Harness,
  MAIN_TF,
  MODES,
  pushTemplate,
  REPO,
  runningWorkspace,
  upload,
  useMode,
  waitForBuild,
  waitForVersion,
} from "./helpers.js";

const EPHEMERAL_TF = `${MAIN_TF}
data "coder_parameter" "once" {
  name      = "once"
  type      = "string"
  default   = "no"
  mutable   = true
  ephemeral = true
}
`;

function build(h: Harness, workspaceId: string, body: Record<string, unknown>, token?: string) {
  return h.api(`/api/v2/workspaces/${workspaceId}/builds`, {
    method: "POST",
    json: body,
    ...(token ? { token } : {}),
  });
}

/** A second version of the template, imported (not promoted). */
async function newVersion(h: Harness, templateId: string, tf = MAIN_TF.replace("echo hello", "echo v2")) {
  const fileId = await upload(h, { "main.tf": tf });
  const res = await createVersion(h, { file_id: fileId, template_id: templateId });
  return waitForVersion(h, ((await res.json()) as AnyJson).id);
}

function promote(h: Harness, templateId: string, versionId: string) {
  return h.api(`/api/v2/templates/${templateId}/versions`, { method: "PATCH", json: { id: versionId } });
}

describe.each(MODES)("workspace lifecycle (%s)", (mode) => {
  const launch = useMode(mode);

  /** alice (a member) owns a stopped workspace on version 1; version 2 is active. */
  async function outdatedWorkspace(h: Harness) {
    const { template, version } = await pushTemplate(h);
    const alice = h.state.tokenOf("alice");
    const res = await h.api("/api/v2/users/me/workspaces", {
      method: "POST",
      token: alice,
      json: { template_id: template.id, name: "dev", rich_parameter_values: [REPO] },
    });
    const workspace = await res.json();
    await waitForBuild(h, workspace.latest_build.id);
    const stop = await (await build(h, workspace.id, { transition: "stop" }, alice)).json();
    await waitForBuild(h, stop.id);
    const v2 = await newVersion(h, template.id);
    expect((await promote(h, template.id, v2.id)).status).toBe(200);
    return { template, v1: version, v2, workspace, alice };
  }

  it("refuses a member's start on a non-active version when the template requires the active one", async () => {
    const h = await launch({ users: [{ username: "alice" }] });
    const { template, v1, v2, workspace, alice } = await outdatedWorkspace(h);
    h.state.templates.get(template.id)!.requireActiveVersion = true;
    const got = await (await h.api(`/api/v2/workspaces/${workspace.id}`, { token: alice })).json();
    expect(got.template_require_active_version).toBe(true);

    const refused = await build(h, workspace.id, { transition: "start", template_version_id: v1.id }, alice);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      message: "insert workspace build",
      detail: "cannot use non-active version: unauthorized",
    });
    // Without a version the last build's (v1) is used: refused the same way.
    expect((await build(h, workspace.id, { transition: "start" }, alice)).status).toBe(403);
    // An owner may; and the active version is fine for anyone.
    const ok = await build(h, workspace.id, { transition: "start", template_version_id: v2.id }, alice);
    expect(ok.status).toBe(201);
    expect((await ok.json()).template_version_id).toBe(v2.id);
  });

  it("lets an owner and a template admin start on an old version even when the active one is required", async () => {
    const h = await launch({
      users: [{ username: "alice" }, { username: "carol", roles: ["member", "template-admin"] }],
    });
    const { template, v1, workspace } = await outdatedWorkspace(h);
    h.state.templates.get(template.id)!.requireActiveVersion = true;
    const res = await build(h, workspace.id, { transition: "start", template_version_id: v1.id });
    expect(res.status).toBe(201);
    await waitForBuild(h, (await res.json()).id);
    await waitForBuild(h, (await (await build(h, workspace.id, { transition: "stop" })).json()).id);
    const carol = h.state.tokenOf("carol");
    const mine = await (
      await h.api("/api/v2/users/me/workspaces", {
        method: "POST",
        token: carol,
        json: { template_id: template.id, name: "hers", rich_parameter_values: [REPO] },
      })
    ).json();
    await waitForBuild(h, mine.latest_build.id);
    await waitForBuild(h, (await (await build(h, mine.id, { transition: "stop" }, carol)).json()).id);
    const again = await build(h, mine.id, { transition: "start", template_version_id: v1.id }, carol);
    expect(again.status).toBe(201);
    const me = await (await h.api("/api/v2/users/me", { token: carol })).json();
    expect(me.roles).toEqual([{ name: "template-admin", display_name: "Template Admin" }]);
  });

  it.each(["failedstop", "autodelete"])(
    "answers a build whose database reason is %s (codersdk's enum omits it; the server sends it as it is)",
    async (reason) => {
      const h = await launch();
      const { ws } = await runningWorkspace(h);
      h.state.builds.get(ws.latest_build.id)!.reason = reason;
      const got = await (await h.api(`/api/v2/workspacebuilds/${ws.latest_build.id}`)).json();
      expect(got.reason).toBe(reason);
    },
  );

  it("words the deleted-workspace refusal per transition", async () => {
    const h = await launch();
    const { ws } = await runningWorkspace(h);
    const del = await (await build(h, ws.id, { transition: "delete" })).json();
    await waitForBuild(h, del.id);
    for (const transition of ["stop", "delete"]) {
      const res = await build(h, ws.id, { transition });
      expect(res.status).toBe(409);
      expect((await res.json()).message).toBe(`Cannot ${transition} a deleted workspace!`);
    }
  });

  it("resolves parameters on a stop: ephemeral values return to their defaults, a bad carried value refuses it", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h, "eph", { "main.tf": EPHEMERAL_TF });
    const ws = await (
      await createWorkspace(h, {
        template_id: template.id,
        name: "dev",
        rich_parameter_values: [REPO, { name: "once", value: "yes" }],
      })
    ).json();
    const first = await waitForBuild(h, ws.latest_build.id);
    const params = async (id: string) =>
      (await (await h.api(`/api/v2/workspacebuilds/${id}/parameters`)).json()) as AnyJson[];
    expect((await params(first.id)).find((p) => p.name === "once")?.value).toBe("yes");
    const stop = await (await build(h, ws.id, { transition: "stop" })).json();
    expect((await params(stop.id)).find((p) => p.name === "once")?.value).toBe("no");
    await waitForBuild(h, stop.id);

    // A carried-over value that is no longer valid blocks even a stop.
    const last = h.state.builds.get(stop.id)!;
    last.parameters = last.parameters.map((p) => (p.name === "cpu" ? { ...p, value: "99" } : p));
    const refused = await build(h, ws.id, { transition: "stop" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toBe("Unable to validate parameters");
  });

  it('checks a required value against exactly "" and stores "" for an optional parameter', async () => {
    const h = await launch();
    // wsbuilder's classic rules (a dynamic template renders "" through the provider's option check instead).
    const { template } = await pushTemplate(h, "docker", undefined, {
      template_use_classic_parameter_flow: true,
    });
    const spaces = await createWorkspace(h, {
      template_id: template.id,
      name: "spaces",
      rich_parameter_values: [{ name: "repo", value: " " }],
    });
    // " " is a value (no trimming), so the regex is what refuses it, not the required check.
    expect(spaces.status).toBe(400);
    const text = JSON.stringify(await spaces.json());
    expect(text).toContain("Use an https URL");
    expect(text).not.toContain("parameter value is required");
    const ws = await (
      await createWorkspace(h, {
        template_id: template.id,
        name: "dev",
        rich_parameter_values: [REPO, { name: "region", value: "" }],
      })
    ).json();
    const values: AnyJson[] = await (
      await h.api(`/api/v2/workspacebuilds/${ws.latest_build.id}/parameters`)
    ).json();
    expect(values.find((p) => p.name === "region")?.value).toBe("");
    const empty = await createWorkspace(h, {
      template_id: template.id,
      name: "empty",
      rich_parameter_values: [{ name: "repo", value: "" }],
    });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(await empty.json())).toContain("parameter value is required");
  });

  it("treats reserved workspace names case-sensitively: New is a name, new is not", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    const upper = await createWorkspace(h, {
      template_id: template.id,
      name: "New",
      rich_parameter_values: [REPO],
    });
    expect(upper.status).toBe(201);
    const lower = await createWorkspace(h, {
      template_id: template.id,
      name: "new",
      rich_parameter_values: [REPO],
    });
    expect(lower.status).toBe(400);
  });

  it("sends build_time_stats with P50 and P95 keys", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    expect(template.build_time_stats.start).toEqual({ P50: null, P95: null });
  });

  it("reads a canceled import like a failed one, and lets a canceling import through", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h);
    const job = h.state.job(h.state.templateVersions.get(version.id)!.jobId);
    job.canceledAt = new Date().toISOString();
    const canceled = await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: [REPO],
    });
    expect(canceled.status).toBe(400);
    expect((await canceled.json()).message).toBe(
      `The provided template version "${version.name}" has failed to import: "". You cannot build workspaces with it!`,
    );
    const completed = job.completedAt;
    delete job.completedAt; // canceling: asked to stop, not finished
    const canceling = await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: [REPO],
    });
    expect(canceling.status).toBe(201);
    job.completedAt = completed;
  });

  it("keeps the missing-variable rule: an empty value does not supply a required variable", async () => {
    const h = await launch();
    const fileId = await upload(h, { "main.tf": `${MAIN_TF}\nvariable "zone" {}\n` });
    const res = await createVersion(h, {
      file_id: fileId,
      user_variable_values: [{ name: "zone", value: "" }],
    });
    const v = await waitForVersion(h, ((await res.json()) as AnyJson).id);
    expect(v.job.error_code).toBe("REQUIRED_TEMPLATE_VARIABLES");
    expect(v.job.error).toContain("required template variables need values: zone");
  });

  it("counts downloads against the files rate limit, not only uploads", async () => {
    const h = await launch({ rateLimit: { limit: 100, filesLimit: 2 } });
    const id = await upload(h, { "main.tf": "" });
    expect((await h.api(`/api/v2/files/${id}`)).status).toBe(200);
    expect((await h.api(`/api/v2/files/${id}`)).status).toBe(200);
    const limited = await h.api(`/api/v2/files/${id}`);
    expect(limited.status).toBe(429);
    expect((await limited.json()).message).toContain("more than 2 requests");
  });

  it("refuses an unknown log format with Coder's text", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h);
    const res = await h.api(`/api/v2/templateversions/${version.id}/logs?format=xml`);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("Invalid format parameter.");
  });
});
