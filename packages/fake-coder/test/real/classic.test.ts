/**
 * Builds of a classic-parameter template, as a real Coder answered them (`audit-answers.json`): the first
 * problem, its detail as the resolver words it (no prefix), and validation blocks that coderd leaves to the plan.
 */
import { describe, expect, it } from "vitest";
import { type AnyJson, createWorkspace, type Harness, MODES, pushTemplate, useMode } from "../helpers.js";
import { realAnswer } from "./answers.js";
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
});
