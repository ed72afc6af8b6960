/**
 * Builds of a classic-parameter template, as a real Coder answered them (`audit-answers.json`): the first
 * problem, its detail as the resolver words it (no prefix), and validation blocks that coderd leaves to the plan.
 */
import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createWorkspace,
  type Harness,
  MODES,
  pushTemplate,
  useMode,
  waitForBuild,
} from "../helpers.js";
import { buildOutcome, realAnswer } from "./answers.js";
import { CLASSIC_TF } from "./audit-templates.js";

describe.each(MODES)("classic parameters as a real Coder answers them (%s)", (mode) => {
  const launch = useMode(mode);

  async function classic(h: Harness): Promise<AnyJson> {
    const { template } = await pushTemplate(
      h,
      "classic",
      { "main.tf": CLASSIC_TF },
      { template_use_classic_parameter_flow: true },
    );
    return template;
  }

  it.each([
    ["classic.create-no-values", []],
    [
      "classic.create-region-mars",
      [
        { name: "repo", value: "x" },
        { name: "region", value: "mars" },
      ],
    ],
    ["classic.create-repo-empty", [{ name: "repo", value: "" }]],
  ])("answers %s as recorded", async (key, values) => {
    const h = await launch();
    const template = await classic(h);
    const res = await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: values,
    });
    const recorded = realAnswer(key);
    expect({ status: res.status, body: await res.json() }).toEqual(recorded);
  });

  it("leaves a min or max without an error, regex or monotonic rule to the plan, which fails the build", async () => {
    const h = await launch();
    const template = await classic(h);
    const values = [
      { name: "repo", value: "x" },
      { name: "size", value: "50" },
    ];
    const res = await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: values,
    });
    const { status, ...recorded } = realAnswer("classic.create-size-50");
    expect(res.status).toBe(status);
    const ws = await res.json();
    expect(await buildOutcome(h, ws.latest_build.id)).toEqual(recorded);
    // The failed build's values stand: the immutable size is 50 now.
    const start = await h.api(`/api/v2/workspaces/${ws.id}/builds`, {
      method: "POST",
      json: { transition: "start", rich_parameter_values: [{ name: "size", value: "6" }] },
    });
    expect({ status: start.status, body: await start.json() }).toEqual(
      realAnswer("classic.start-size-changed"),
    );
    const del = await (
      await h.api(`/api/v2/workspaces/${ws.id}/builds`, { method: "POST", json: { transition: "delete" } })
    ).json();
    const deleted = await buildOutcome(h, del.id);
    const { status: deletedStatus, ...rest } = realAnswer("classic.delete-after-plan-failure");
    expect({ job: { status: deleted.job.status }, parameters: deleted.parameters }).toEqual(rest);
    expect((await waitForBuild(h, del.id)).status).toBe(deletedStatus);
  });
});
