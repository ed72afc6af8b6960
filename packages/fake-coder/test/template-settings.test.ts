// PATCH /templates/{id} as an unlicensed Coder answered it (tests/real recordings of v0.0.0-devel+f524e00d).
import { describe, expect, it } from "vitest";
import { type AnyJson, type Harness, MODES, pushTemplate, useMode } from "./helpers.js";

/** The template's settings as `coder templates edit` sends them: everything it has, plus `changes`. */
async function edit(h: Harness, id: string, changes: Record<string, unknown>, token?: string) {
  const t = (await (await h.api(`/api/v2/templates/${id}`)).json()) as AnyJson;
  const body = {
    name: t.name,
    display_name: t.display_name,
    description: t.description,
    icon: t.icon,
    default_ttl_ms: t.default_ttl_ms,
    activity_bump_ms: t.activity_bump_ms,
    allow_user_autostart: t.allow_user_autostart,
    allow_user_autostop: t.allow_user_autostop,
    allow_user_cancel_workspace_jobs: t.allow_user_cancel_workspace_jobs,
    failure_ttl_ms: t.failure_ttl_ms,
    time_til_dormant_ms: t.time_til_dormant_ms,
    time_til_dormant_autodelete_ms: t.time_til_dormant_autodelete_ms,
    require_active_version: t.require_active_version,
    use_classic_parameter_flow: t.use_classic_parameter_flow,
    ...changes,
  };
  return h.api(`/api/v2/templates/${id}`, { method: "PATCH", json: body, ...(token ? { token } : {}) });
}

describe.each(MODES)("template settings (%s)", (mode) => {
  const launch = useMode(mode);

  it("answers with the keys of coderd's Template, no more and no fewer", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    // codersdk.Template of Coder f524e00d, as recorded (tests/real/recordings).
    expect(Object.keys(template).sort()).toEqual(
      [
        "id",
        "created_at",
        "updated_at",
        "organization_id",
        "organization_name",
        "organization_display_name",
        "organization_icon",
        "name",
        "display_name",
        "provisioner",
        "active_version_id",
        "active_user_count",
        "build_time_stats",
        "description",
        "deprecated",
        "deprecation_message",
        "icon",
        "default_ttl_ms",
        "activity_bump_ms",
        "autostop_requirement",
        "autostart_requirement",
        "created_by_id",
        "created_by_name",
        "allow_user_autostart",
        "allow_user_autostop",
        "allow_user_cancel_workspace_jobs",
        "failure_ttl_ms",
        "time_til_dormant_ms",
        "time_til_dormant_autodelete_ms",
        "require_active_version",
        "max_port_share_level",
        "cors_behavior",
        "use_classic_parameter_flow",
        "use_terraform_workspace_cache",
      ].sort(),
    );
  });

  it("switches a template to the classic parameter flow and back", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    const res = await edit(h, template.id, { use_classic_parameter_flow: true });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AnyJson).use_classic_parameter_flow).toBe(true);
    expect(h.state.templates.get(template.id)?.useClassicParameterFlow).toBe(true);
    // Left out, the flow stays as it is.
    const { use_classic_parameter_flow: _, ...rest } = template;
    await h.api(`/api/v2/templates/${template.id}`, { method: "PATCH", json: { ...rest, description: "d" } });
    expect(h.state.templates.get(template.id)?.useClassicParameterFlow).toBe(true);
    expect((await edit(h, template.id, { use_classic_parameter_flow: false })).status).toBe(200);
    expect(h.state.templates.get(template.id)?.useClassicParameterFlow).toBe(false);
  });

  it("accepts require_active_version without a licence and leaves it off", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    const res = await edit(h, template.id, { require_active_version: true });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AnyJson).require_active_version).toBe(false);
    expect(h.state.templates.get(template.id)?.requireActiveVersion).toBe(false);
  });

  it("reads the body as every setting: one left out is its zero value; nothing changed is a 304", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    const unchanged = await edit(h, template.id, {});
    expect([unchanged.status, await unchanged.text()]).toEqual([304, ""]);
    const res = await h.api(`/api/v2/templates/${template.id}`, {
      method: "PATCH",
      json: { description: "x" },
    });
    const after = (await res.json()) as AnyJson;
    expect([res.status, after.name, after.description]).toEqual([200, template.name, "x"]);
    expect([after.allow_user_cancel_workspace_jobs, after.activity_bump_ms]).toEqual([false, 0]);
    // Enterprise settings are not changed by an AGPL Coder, whatever the body says.
    expect([after.allow_user_autostart, after.allow_user_autostop]).toEqual([true, true]);
  });

  it("refuses a negative TTL, a taken name, and a member", async () => {
    const h = await launch({ users: [{ username: "alice" }] });
    const { template } = await pushTemplate(h);
    const bad = await edit(h, template.id, { default_ttl_ms: -1 });
    expect([bad.status, await bad.json()]).toEqual([
      400,
      {
        message: "Invalid request to update template metadata!",
        validations: [{ field: "default_ttl_ms", detail: "Must be a positive integer." }],
      },
    ]);
    const other = await pushTemplate(h, "other");
    const taken = await edit(h, template.id, { name: other.template.name });
    expect(taken.status).toBe(409);
    const member = await edit(h, template.id, { description: "m" }, h.state.tokenOf("alice"));
    expect(member.status).toBe(403);
  });
});
