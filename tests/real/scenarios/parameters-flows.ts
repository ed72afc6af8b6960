// The two parameter flows of a template: dynamic (the default for a new template: the server renders the
// template for the owner and the values given) and classic (`use_classic_parameter_flow`: the version's rich
// parameters, checked at build time). Bad values are refused with every problem as the server words it, good
// ones reach the build, and the owner-derived default is resolved for the owner.

import { CoderApiError } from "@spt-coder/sdk";
import { expect } from "vitest";
import type { ScenarioContext } from "../support/context.js";
import { buildValues, editTemplate, failure, PARAMETERS_HCL, push, templateId } from "./parameters-steps.js";
import type { Scenario } from "./scenario.js";
import { deleteTemplate, deleteWorkspace, json, up } from "./steps.js";

/** Creates a workspace with the SDK alone (no client-side checks) and returns the server's refusal. */
async function refusal(ctx: ScenarioContext, template: string, ws: string, values: Record<string, string>) {
  const error = await ctx.client.workspaces
    .create("me", {
      template_id: await templateId(ctx, template),
      name: ws,
      rich_parameter_values: Object.entries(values).map(([name, value]) => ({ name, value })),
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(CoderApiError);
  return error as CoderApiError;
}

export const parameterFlowScenarios: Scenario[] = [
  {
    name: "parameters-dynamic",
    key: "pdyn",
    title:
      "dynamic parameters: every problem at once as the server words it, then valid values and the owner's default",
    budgetMs: 180_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      const dir = ctx.templateDir("pdyn", PARAMETERS_HCL);
      const bad = ["region=mars", "gpu=true", "gpu_count=9", "disk=500"].flatMap((p) => ["--param", p]);
      const refused = failure(await up(ctx, template, dir, ws, bad), 2);
      expect(refused.validations.map((v) => v.field)).toEqual(["disk", "gpu_count", "region"]);
      expect(await ctx.client.workspaces.getByName("me", ws)).toBeUndefined();

      // The server's own check of the same values, without ours in front: one 400 naming every parameter.
      const server = await refusal(ctx, template, ws, {
        region: "mars",
        gpu: "true",
        gpu_count: "9",
        disk: "500",
      });
      expect(server.status).toBe(400);
      expect(server.apiMessage).toBe("Unable to validate parameters");
      expect(server.validations.map((v) => v.field)).toEqual(["disk", "gpu_count", "region"]);

      json(await up(ctx, template, dir, ws, ["--param", "gpu=true", "--param", "gpu_count=2"]));
      expect(await buildValues(ctx, ws)).toEqual({
        region: "eu",
        disk: "20",
        gpu: "true",
        gpu_count: "2",
        label: ctx.owner.username,
      });
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
  {
    name: "parameters-classic",
    key: "pcls",
    title:
      "classic parameters: values out of range refused up front, the server's own refusal, then valid values",
    budgetMs: 180_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      const dir = ctx.templateDir("pcls", PARAMETERS_HCL);
      await push(ctx, template, dir);
      const edited = await editTemplate(ctx, template, { use_classic_parameter_flow: true });
      expect(edited.status, JSON.stringify(edited.body)).toBe(200);
      expect(edited.body?.use_classic_parameter_flow).toBe(true);

      const bad = ["--param", "disk=500", "--param", "region=mars"];
      const refused = failure(await up(ctx, template, dir, ws, bad), 2);
      expect(refused.validations.map((v) => v.field)).toEqual(["disk", "region"]);
      expect(await ctx.client.workspaces.getByName("me", ws)).toBeUndefined();
      // The server checks one parameter at a time and skips a min or max without an error message (its
      // classic rules drop such a block; the plan would fail the build): region is the one it refuses.
      const server = await refusal(ctx, template, ws, { disk: "500", region: "mars" });
      expect([server.status, server.apiMessage, server.detail]).toEqual([
        400,
        'Unable to validate parameter "region"',
        'can\'t validate build parameter "region": parameter value must match one of options: [eu us]',
      ]);

      json(await up(ctx, template, dir, ws, ["--param", "disk=150", "--param", "region=us"]));
      expect(await buildValues(ctx, ws)).toEqual({
        region: "us",
        disk: "150",
        gpu: "false",
        // A classic template's defaults are the import's: there is no owner then, and the provider says
        // "default" for data.coder_workspace_owner.me.name.
        label: "default",
      });
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
];
