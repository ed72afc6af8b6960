/**
 * Parameter blocks no value can fix (a block without `name`, a name used twice), as a real Coder answered them
 * (`audit-answers.json`): a dynamic template's version is refused when it is created; a classic template's
 * import fails in Terraform; evaluating such a version answers the static fallback's warning.
 */
import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createVersion,
  type Harness,
  MODES,
  pushTemplate,
  upload,
  useMode,
  waitForVersion,
} from "../helpers.js";
import { realAnswer } from "./answers.js";
import { CLASSIC_TF, DUP_TF, NONAME_TF } from "./audit-templates.js";

describe.each(MODES)("parameter block diagnostics as a real Coder answers them (%s)", (mode) => {
  const launch = useMode(mode);

  async function create(h: Harness, tf: string, body: Record<string, unknown> = {}) {
    const res = await createVersion(h, { file_id: await upload(h, { "main.tf": tf }), ...body });
    return { status: res.status, body: await res.json() };
  }

  it.each([
    ["diagnostics.dynamic-duplicate-names", DUP_TF],
    ["diagnostics.dynamic-no-name", NONAME_TF],
  ])("refuses a dynamic version when it is created: %s", async (key, tf) => {
    const h = await launch();
    expect(await create(h, tf)).toEqual(realAnswer(key));
  });

  it("says the first diagnostic and how many others", async () => {
    const h = await launch();
    const both = `${DUP_TF}\ndata "coder_parameter" "c" {\n  default = "3"\n}\n`;
    const { status, body } = await create(h, both);
    expect(status).toBe(400);
    expect(body.detail).toBe(
      'Missing required attribute "name" for block "coder_parameter.c"; The name attribute is required, and 1 other diagnostic(s)',
    );
  });

  it.each([
    ["diagnostics.classic-duplicate-names", DUP_TF],
    ["diagnostics.classic-no-name", NONAME_TF],
  ])("fails a classic template's import: %s", async (key, tf) => {
    const h = await launch();
    const { template } = await pushTemplate(
      h,
      "classic",
      { "main.tf": CLASSIC_TF },
      { template_use_classic_parameter_flow: true },
    );
    const created = await create(h, tf, { template_id: template.id });
    expect(created.status).toBe(201);
    const version: AnyJson = await waitForVersion(h, created.body.id);
    const recorded = realAnswer(key);
    expect({ status: version.job.status, error: version.job.error }).toEqual(recorded.job);
    const logs: AnyJson[] = await (await h.api(`/api/v2/templateversions/${version.id}/logs`)).json();
    const errors = logs.filter((l) => l.log_level === "error").map((l) => l.output);
    expect(errors).toEqual(recorded.errorLogs ?? [version.job.error]);
    const me = h.state.userByName("admin")!;
    const evaluated = await h.api(`/api/v2/templateversions/${version.id}/dynamic-parameters/evaluate`, {
      method: "POST",
      json: { id: 1, owner_id: me.id, inputs: {} },
    });
    expect({ status: evaluated.status, body: await evaluated.json() }).toEqual(
      realAnswer("diagnostics.evaluate-failed-import"),
    );
  });
});
