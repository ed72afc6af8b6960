import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createVersion,
  type Harness,
  MAIN_TF,
  MODES,
  pollUntil,
  pushTemplate,
  upload,
  useMode,
  waitForVersion,
} from "./helpers.js";

const NIL = "00000000-0000-0000-0000-000000000000";

/** A template on the classic flow, so a bad version fails in its job instead of at the POST. */
async function classicTemplate(h: Harness): Promise<AnyJson> {
  return (await pushTemplate(h, "classic", undefined, { template_use_classic_parameter_flow: true }))
    .template;
}

async function importOf(
  h: Harness,
  files: Record<string, string | null>,
  extra: Record<string, unknown> = {},
) {
  const res = await createVersion(h, { file_id: await upload(h, files), ...extra });
  expect(res.status).toBe(201);
  return waitForVersion(h, (await res.json()).id);
}

describe.each(MODES)("template versions (%s)", (mode) => {
  const launch = useMode(mode);

  it("creates an unattached version (201, nil template_id) whose job goes pending → running → succeeded", async () => {
    const h = await launch();
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    // Each status is read between two held clock steps: polling could miss "running" on a loaded machine.
    h.clock.hold();
    const res = await createVersion(h, { file_id: fileId, name: "v1" });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({
      name: "v1",
      template_id: NIL,
      job: { status: "pending", type: "template_version_import" },
    });
    expect(created.job.started_at).toBeUndefined();
    const seen = new Set<string>([created.job.status]);
    for (;;) {
      const v = await (await h.api(`/api/v2/templateversions/${created.id}`)).json();
      seen.add(v.job.status);
      if (v.job.status === "succeeded") break;
      await h.clock.step();
    }
    h.clock.release();
    expect([...seen]).toEqual(["pending", "running", "succeeded"]);
    const logs: AnyJson[] = await (await h.api(`/api/v2/templateversions/${created.id}/logs`)).json();
    const stages = [...new Set(logs.map((l) => l.stage))];
    // A real Coder's stages, in its order (tests/real/recordings/…/up-cold-warm.json); Set keeps the first of
    // the two "Graphing Infrastructure".
    expect(stages).toEqual([
      "Setting up",
      "Initializing Terraform Directory",
      "Parsing template parameters",
      "Detecting persistent resources",
      "Graphing Infrastructure",
      "Detecting ephemeral resources",
      "Cleaning Up",
    ]);
    const ids = logs.map((l) => l.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("invents a name when none is given and attaches to a template when template_id is given", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h);
    expect(version.name).toMatch(/^[a-z]+_[a-z]+\d$/);
    const res = await createVersion(h, {
      file_id: await upload(h, { "main.tf": MAIN_TF }),
      template_id: template.id,
      name: "v2",
    });
    const v2 = await res.json();
    expect(v2.template_id).toBe(template.id);
    // Attaching does not promote.
    expect((await (await h.api(`/api/v2/templates/${template.id}`)).json()).active_version_id).toBe(
      version.id,
    );
  });

  it("requires exactly one of file_id and example_id, and storage_method file", async () => {
    const h = await launch();
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const both = await createVersion(h, { file_id: fileId, example_id: "docker" });
    expect(await both.json()).toEqual({ message: "You cannot specify both an example_id and a file_id." });
    const neither = await createVersion(h, {});
    expect(neither.status).toBe(400);
    const body = await neither.json();
    expect(body.message).toBe("Validation failed.");
    expect(body.validations.map((v: AnyJson) => v.field)).toEqual(["file_id", "example_id"]);
    const noStorage = await createVersion(h, { file_id: fileId, storage_method: "" });
    expect((await noStorage.json()).validations).toEqual([
      { field: "storage_method", detail: 'Validation failed for tag "oneof" with value: ""' },
    ]);
    const emptyUuid = await createVersion(h, { file_id: "" });
    expect(await emptyUuid.json()).toEqual({
      message: "Request body must be valid JSON.",
      detail: "invalid UUID length: 0",
    });
    const unknown = await createVersion(h, { file_id: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: "File not found." });
  });

  it.each(["has space", "-leading", "trailing-", "a..b", "x".repeat(65)])(
    "rejects version name %s",
    async (name) => {
      const h = await launch();
      const res = await createVersion(h, { file_id: await upload(h, { "main.tf": MAIN_TF }), name });
      expect(res.status).toBe(400);
      expect((await res.json()).validations).toEqual([
        { field: "name", detail: `Validation failed for tag "template_version_name" with value: "${name}"` },
      ]);
    },
  );

  it("answers a duplicate version name under one template with 409", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h);
    const res = await createVersion(h, {
      file_id: await upload(h, { "main.tf": MAIN_TF }),
      template_id: template.id,
      name: version.name,
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      message: `A template version with name "${version.name}" already exists for this template.`,
      validations: [{ field: "name", detail: "This value is already in use and should be unique." }],
    });
  });

  it("fails the import when there is no top-level .tf file", async () => {
    const h = await launch();
    const v = await importOf(h, { "modules/": null, "modules/main.tf": MAIN_TF, "README.md": "# hi" });
    expect(v.job.status).toBe("failed");
    expect(v.job.error).toContain("No configuration files");
  });

  it.each([["../escape.tf"], ["/etc/evil.tf"], ["a/../../b.tf"]])(
    "refuses the non-local entry %s",
    async (name) => {
      const h = await launch();
      const v = await importOf(h, { "main.tf": MAIN_TF, [name]: "# x" });
      expect(v.job.status).toBe("failed");
      expect(v.job.error).toContain(`refusing to extract to non-local path "${name}"`);
    },
  );

  it("fails a job whose payload is over 4 MiB with Coder's message", async () => {
    const h = await launch();
    const v = await importOf(h, { "main.tf": MAIN_TF, "big.bin": "x".repeat(4 * 1024 * 1024) });
    expect(v.job.status).toBe("failed");
    expect(v.job.error).toMatch(/^payload was too big: \d+ > 4194304$/);
  });

  it("fails a classic template's import on an HCL syntax error with the parser's message", async () => {
    const h = await launch();
    const template = await classicTemplate(h);
    const v = await importOf(
      h,
      { "main.tf": 'resource "x" "y" {\n  a = \n}\n' },
      { template_id: template.id },
    );
    expect(v.job.status).toBe("failed");
    expect(v.job.error).toContain("main.tf:2,7-3,1: Invalid expression; Expected the start of an expression");
  });

  it("rejects bad HCL at the POST on the dynamic flow (400, no job)", async () => {
    const h = await launch();
    const res = await createVersion(h, { file_id: await upload(h, { "main.tf": 'variable "x" {\n' }) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.message).toBe("Unable to parse workspace tags");
    expect(body.detail).toContain("Unclosed configuration block");
    expect([...h.state.jobs.values()].filter((j) => j.type === "template_version_import")).toHaveLength(0);
  });

  it("turns coder_parameter blocks into rich parameters", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h);
    const params: AnyJson[] = await (
      await h.api(`/api/v2/templateversions/${version.id}/rich-parameters`)
    ).json();
    expect(params.map((p) => p.name)).toEqual(["region", "cpu", "repo"]);
    expect(params[0]).toEqual({
      name: "region",
      display_name: "Region",
      description: "",
      description_plaintext: "",
      type: "string",
      form_type: "radio",
      mutable: true,
      default_value: "eu",
      icon: "",
      options: [
        { name: "Europe", description: "", value: "eu", icon: "" },
        { name: "United States", description: "", value: "us", icon: "" },
      ],
      required: false,
      ephemeral: false,
    });
    expect(params[1]).toMatchObject({
      type: "number",
      default_value: "2",
      validation_min: 1,
      validation_max: 8,
    });
    expect(params[2]).toMatchObject({
      required: true,
      default_value: "",
      validation_regex: "^https://",
      validation_error: "Use an https URL",
      description_plaintext: "The repository to clone",
    });
  });

  it("turns variable blocks into variables, redacting sensitive values", async () => {
    const h = await launch();
    const tf = `${MAIN_TF}
variable "api_key" {
  type      = string
  sensitive = true
}
variable "replicas" {
  type    = number
  default = 3
}`;
    const v = await importOf(
      h,
      { "main.tf": tf },
      { user_variable_values: [{ name: "api_key", value: "s3cret" }] },
    );
    expect(v.job.status).toBe("succeeded");
    const vars: AnyJson[] = await (await h.api(`/api/v2/templateversions/${v.id}/variables`)).json();
    expect(vars).toEqual([
      {
        name: "docker_socket",
        description: "Docker daemon address",
        type: "string",
        value: "",
        default_value: "",
        required: false,
        sensitive: false,
      },
      {
        name: "api_key",
        description: "",
        type: "string",
        value: "*redacted*",
        default_value: "",
        required: true,
        sensitive: true,
      },
      {
        name: "replicas",
        description: "",
        type: "number",
        value: "3",
        default_value: "3",
        required: false,
        sensitive: false,
      },
    ]);
  });

  it("fails with REQUIRED_TEMPLATE_VARIABLES when a required variable has no value, and still lists variables", async () => {
    const h = await launch();
    const v = await importOf(h, {
      "main.tf": `${MAIN_TF}\nvariable "region_zone" {}\nvariable "other" {}\n`,
    });
    expect(v.job).toMatchObject({ status: "failed", error_code: "REQUIRED_TEMPLATE_VARIABLES" });
    expect(v.job.error).toContain("required template variables need values: region_zone, other");
    const vars: AnyJson[] = await (await h.api(`/api/v2/templateversions/${v.id}/variables`)).json();
    expect(vars.filter((x) => x.required).map((x) => x.name)).toEqual(["region_zone", "other"]);
    // The CLI's recipe: a new version with the values.
    const retry = await importOf(
      h,
      { "main.tf": `${MAIN_TF}\nvariable "region_zone" {}\nvariable "other" {}\n` },
      {
        user_variable_values: [
          { name: "region_zone", value: "a" },
          { name: "other", value: "b" },
        ],
      },
    );
    expect(retry.job.status).toBe("succeeded");
  });

  it("answers /rich-parameters 425 and /variables 403 until the job completes", async () => {
    const h = await launch();
    h.faults.holdJob({ type: "template_version_import" });
    const res = await createVersion(h, { file_id: await upload(h, { "main.tf": MAIN_TF }) });
    const { id } = await res.json();
    const rich = await h.api(`/api/v2/templateversions/${id}/rich-parameters`);
    expect(rich.status).toBe(425);
    expect(await rich.json()).toEqual({ message: "Template version job has not finished" });
    const vars = await h.api(`/api/v2/templateversions/${id}/variables`);
    expect(vars.status).toBe(403);
    expect(await vars.json()).toEqual({ message: "Template version job has not finished" });
    expect((await h.api(`/api/v2/templateversions/${id}/resources`)).status).toBe(400);
  });

  it("cancels a pending job at once, and a running one through canceling", async () => {
    const h = await launch();
    h.faults.holdJob({ type: "template_version_import" });
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const pending = await (await createVersion(h, { file_id: fileId })).json();
    const cancel = await h.api(`/api/v2/templateversions/${pending.id}/cancel`, { method: "PATCH" });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({ message: "Job has been marked as canceled..." });
    const canceled = await (await h.api(`/api/v2/templateversions/${pending.id}`)).json();
    expect(canceled.job.status).toBe("canceled");
    expect(canceled.job.completed_at).toBe(canceled.job.canceled_at);
    const again = await h.api(`/api/v2/templateversions/${pending.id}/cancel`, { method: "PATCH" });
    expect(await again.json()).toEqual({ message: "Job has already completed!" });

    // "canceling" lasts one step: the clock is held, so the job moves only when stepped (a loaded machine let
    // that step pass between the cancel and the read).
    h.clock.hold();
    const running = await (await createVersion(h, { file_id: fileId })).json();
    const read = async () =>
      (await h.api(`/api/v2/templateversions/${running.id}`)).json() as Promise<AnyJson>;
    let v = await read();
    while (v.job.status === "pending") {
      await h.clock.step();
      v = await read();
    }
    await h.api(`/api/v2/templateversions/${running.id}/cancel`, { method: "PATCH" });
    v = await read();
    expect(v.job.status).toBe("canceling");
    expect(v.job.completed_at).toBeUndefined();
    const twice = await h.api(`/api/v2/templateversions/${running.id}/cancel`, { method: "PATCH" });
    expect(await twice.json()).toEqual({ message: "Job has already been marked as canceled!" });
    h.clock.release();
    v = await waitForVersion(h, running.id);
    expect(v.job.status).toBe("canceled");
  });

  it("lists import resources, presets as null and no external auth", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h);
    const resources: AnyJson[] = await (
      await h.api(`/api/v2/templateversions/${version.id}/resources`)
    ).json();
    expect(resources.map((r) => `${r.workspace_transition}:${r.type}.${r.name}`)).toEqual([
      "start:docker_container.workspace",
      "start:docker_volume.home",
      "stop:docker_volume.home",
    ]);
    expect(await (await h.api(`/api/v2/templateversions/${version.id}/presets`)).json()).toBeNull();
    expect(await (await h.api(`/api/v2/templateversions/${version.id}/external-auth`)).json()).toEqual([]);
  });

  it("runs a dry run once the import completed", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h);
    const res = await h.api(`/api/v2/templateversions/${version.id}/dry-run`, {
      method: "POST",
      json: { workspace_name: "dry", rich_parameter_values: [{ name: "repo", value: "https://x" }] },
    });
    expect(res.status).toBe(201);
    const job = await res.json();
    expect(job.type).toBe("template_version_dry_run");
    const done = await pollUntil(h, `/api/v2/templateversions/${version.id}/dry-run/${job.id}`, (j) =>
      ["succeeded", "failed"].includes(j.status),
    );
    expect(done.status).toBe("succeeded");
    const resources = await (
      await h.api(`/api/v2/templateversions/${version.id}/dry-run/${job.id}/resources`)
    ).json();
    expect(resources).toHaveLength(2);
  });
});
