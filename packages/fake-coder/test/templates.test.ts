import { describe, expect, it } from "vitest";
import {
  createVersion,
  createWorkspace,
  type Harness,
  MAIN_TF,
  MODES,
  pushTemplate,
  REPO,
  upload,
  useMode,
  waitForVersion,
} from "./helpers.js";

const NOT_FOUND = { message: "Resource not found or you do not have access to this resource" };

async function newVersion(h: Harness, templateId: string, tf = MAIN_TF, wait = true) {
  const res = await createVersion(h, {
    file_id: await upload(h, { "main.tf": tf }),
    template_id: templateId,
  });
  const created = await res.json();
  return wait ? waitForVersion(h, created.id) : created;
}

describe.each(MODES)("templates (%s)", (mode) => {
  const launch = useMode(mode);

  it("creates a template (201) around an unattached version and finds it by name, case-insensitively", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h, "docker");
    expect(template).toMatchObject({
      name: "docker",
      active_version_id: version.id,
      provisioner: "terraform",
      use_classic_parameter_flow: false,
      allow_user_cancel_workspace_jobs: true,
      deprecated: false,
    });
    const found = await h.api("/api/v2/organizations/default/templates/DOCKER");
    expect(found.status).toBe(200);
    expect((await found.json()).id).toBe(template.id);
    const version1 = await (await h.api(`/api/v2/templateversions/${version.id}`)).json();
    expect(version1.template_id).toBe(template.id);
    const list = await (await h.api("/api/v2/organizations/coder/templates")).json();
    expect(list.map((t: { name: string }) => t.name)).toEqual(["docker"]);
  });

  it("answers a missing template name with the generic 404 body", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/organizations/default/templates/missing");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(NOT_FOUND);
  });

  it("answers a duplicate template name with 409 and a validation on name", async () => {
    const h = await launch();
    await pushTemplate(h, "docker");
    const fileId = await upload(h, { "main.tf": MAIN_TF, "other.tf": "# another\n" });
    const version = await (await createVersion(h, { file_id: fileId })).json();
    const res = await h.api("/api/v2/organizations/default/templates", {
      method: "POST",
      json: { name: "Docker", template_version_id: version.id },
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      message: 'Template with name "Docker" already exists.',
      validations: [{ field: "name", detail: "This value is already in use and should be unique." }],
    });
  });

  it("validates the template name and refuses a version that already belongs to a template", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h, "docker");
    const bad = await h.api("/api/v2/organizations/default/templates", {
      method: "POST",
      json: { name: "my_template", template_version_id: version.id },
    });
    expect((await bad.json()).validations).toEqual([
      { field: "name", detail: 'Validation failed for tag "template_name" with value: "my_template"' },
    ]);
    const attached = await h.api("/api/v2/organizations/default/templates", {
      method: "POST",
      json: { name: "second", template_version_id: version.id },
    });
    expect(attached.status).toBe(400);
    expect((await attached.json()).message).toBe(
      `Template version ${version.id} is already part of a template`,
    );
  });

  it("promotes a succeeded version and refuses (403) one whose job did not succeed", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h, "docker");
    const v2 = await newVersion(h, template.id);
    const ok = await h.api(`/api/v2/templates/${template.id}/versions`, {
      method: "PATCH",
      json: { id: v2.id },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ message: "Updated the active template version!" });
    expect((await (await h.api(`/api/v2/templates/${template.id}`)).json()).active_version_id).toBe(v2.id);

    const broken = await newVersion(h, template.id, `${MAIN_TF}\nvariable "needed" {}\n`);
    expect(broken.job.status).toBe("failed");
    const refused = await h.api(`/api/v2/templates/${template.id}/versions`, {
      method: "PATCH",
      json: { id: broken.id },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      message: "Only versions that have been built successfully can be promoted.",
      detail: "Attempted to promote a version with a failed build",
    });

    h.faults.holdJob({ type: "template_version_import" });
    const pending = await newVersion(h, template.id, MAIN_TF, false);
    const early = await h.api(`/api/v2/templates/${template.id}/versions`, {
      method: "PATCH",
      json: { id: pending.id },
    });
    expect(early.status).toBe(403);
  });

  it("lists versions oldest first and finds one by (case-sensitive) name", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h, "docker");
    const v2 = await newVersion(h, template.id);
    const list = await (await h.api(`/api/v2/templates/${template.id}/versions`)).json();
    expect(list.map((v: { id: string }) => v.id)).toEqual([version.id, v2.id]);
    const byName = await h.api(`/api/v2/templates/${template.id}/versions/${v2.name}`);
    expect((await byName.json()).id).toBe(v2.id);
    const wrongCase = await h.api(`/api/v2/templates/${template.id}/versions/${v2.name.toUpperCase()}`);
    expect(wrongCase.status).toBe(404);
    expect(await wrongCase.json()).toEqual({
      message: `No template version found by name "${v2.name.toUpperCase()}".`,
    });
  });

  it("refuses to delete a template while workspaces use it", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h, "docker");
    await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] });
    const res = await h.api(`/api/v2/templates/${template.id}`, { method: "DELETE" });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      "All workspaces must be deleted before a template can be removed.",
    );
    const { template: unused } = await pushTemplate(h, "unused");
    const gone = await h.api(`/api/v2/templates/${unused.id}`, { method: "DELETE" });
    expect(gone.status).toBe(200);
    expect((await h.api(`/api/v2/templates/${unused.id}`)).status).toBe(404);
  });
});
