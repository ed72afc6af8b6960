import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CoderAbortError, CoderBadRequestError } from "../../src/errors/base.js";
import { MissingTemplateVariablesError, ProvisionerJobError } from "../../src/errors/flows.js";
import { pushTemplate } from "../../src/flows/push.js";
import { copyOfTemplate, minimalTemplate, TEMPLATE_DIR, templateFolder, useLoopbackFake } from "./helpers.js";

describe("pushTemplate", () => {
  const launch = useLoopbackFake();

  it("creates the template from a folder, then reports an unchanged folder without a new version", async () => {
    const { fake, client } = await launch();
    const first = await pushTemplate(client, { name: "spt-flow", dir: TEMPLATE_DIR });
    expect(first).toMatchObject({ created: true, unchanged: false });
    expect(first.version.job.status).not.toBe("failed");
    expect(first.template.active_version_id).toBe(first.version.id);

    const second = await pushTemplate(client, { name: "spt-flow", dir: TEMPLATE_DIR });
    expect(second).toMatchObject({ created: false, unchanged: true });
    expect(fake.state.templateVersions.size).toBe(1);
  });

  it("creates and promotes a new version when the folder changed", async () => {
    const { fake, client } = await launch();
    const dir = copyOfTemplate();
    const first = await pushTemplate(client, { name: "spt-flow", dir });
    writeFileSync(join(dir, "extra.tf"), 'locals {\n  note = "changed"\n}\n');
    const second = await pushTemplate(client, { name: "spt-flow", dir });
    expect(second.unchanged).toBe(false);
    expect(second.version.id).not.toBe(first.version.id);
    expect(second.template.active_version_id).toBe(second.version.id);
    expect(fake.state.templateVersions.size).toBe(2);
  });

  it("lists missing required variables with their description and type, and succeeds once they are given", async () => {
    const { client } = await launch();
    const dir = templateFolder({
      "main.tf": minimalTemplate(`
variable "region" {
  type        = string
  description = "Where the workspaces run"
}`),
    });
    const failure = await pushTemplate(client, { name: "needs-vars", dir }).catch((e) => e);
    expect(failure).toBeInstanceOf(MissingTemplateVariablesError);
    expect(failure.variables).toEqual([expect.objectContaining({ name: "region", type: "string" })]);
    expect(failure.message).toContain("region (string): Where the workspaces run");
    expect(failure.created[0]).toMatch(/^template version/);

    const ok = await pushTemplate(client, { name: "needs-vars", dir, variables: { region: "eu" } });
    expect(ok.created).toBe(true);
  });

  it("reads terraform.tfvars as variable values", async () => {
    const { client } = await launch();
    const dir = templateFolder({
      "main.tf": minimalTemplate('variable "region" {\n  type = string\n}'),
      "terraform.tfvars": 'region = "us"\n',
    });
    expect((await pushTemplate(client, { name: "tfvars", dir })).created).toBe(true);
  });

  it("fails with the job's error and the last log lines when the import fails", async () => {
    const { fake, client } = await launch();
    fake.faults.failJob({ type: "template_version_import", error: "terraform plan: provider exploded" });
    const failure = await pushTemplate(client, { name: "spt-flow", dir: TEMPLATE_DIR }).catch((e) => e);
    expect(failure).toBeInstanceOf(ProvisionerJobError);
    expect(failure.kind).toBe("import");
    expect(failure.message).toContain("provider exploded");
    expect(failure.lastLogs.length).toBeGreaterThan(0);
    expect(fake.state.templates.size).toBe(0);
  });

  it("surfaces Coder's synchronous parse error (400, no job) for broken HCL", async () => {
    const { fake, client } = await launch();
    const dir = templateFolder({ "main.tf": 'resource "x" "y" {\n  a = \n' });
    const failure = await pushTemplate(client, { name: "broken", dir }).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderBadRequestError);
    expect(failure.apiMessage).toBe("Unable to parse workspace tags");
    expect(fake.state.templateVersions.size).toBe(0);
  });

  it("cancels the import job on the server when aborted", async () => {
    const { fake, client } = await launch();
    fake.faults.holdJob({ type: "template_version_import" });
    const controller = new AbortController();
    const pending = pushTemplate(client, {
      name: "spt-flow",
      dir: TEMPLATE_DIR,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "stage" && e.stage === "import" && e.state === "start") {
          setTimeout(() => controller.abort(), 50);
        }
      },
    });
    const failure = await pending.catch((e) => e);
    expect(failure).toBeInstanceOf(CoderAbortError);
    const [version] = [...fake.state.templateVersions.values()];
    const job = await client.templateVersions.get(version!.id);
    expect(job.job.status).toBe("canceled");
  });

  it("rejects an invalid template name before uploading anything", async () => {
    const { fake, client } = await launch();
    await expect(pushTemplate(client, { name: "my_template", dir: TEMPLATE_DIR })).rejects.toThrow(
      /template name "my_template" is invalid/,
    );
    expect(fake.state.files.size).toBe(0);
  });
});
