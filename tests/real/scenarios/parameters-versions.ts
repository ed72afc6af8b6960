// A workspace meeting a new template version: `update` to a version with a new required parameter, and a start
// after the template was told to require its active version.
import { expect } from "vitest";
import { buildValues, editTemplate, failure, PARAMETERS_HCL, push, templateId } from "./parameters-steps.js";
import type { Scenario } from "./scenario.js";
import { deleteTemplate, deleteWorkspace, exits, json, up } from "./steps.js";

const ZONE_HCL = `${PARAMETERS_HCL}
data "coder_parameter" "zone" {
  name    = "zone"
  type    = "string"
  mutable = true
}
`;

export const versionScenarios: Scenario[] = [
  {
    name: "update-new-parameter",
    key: "pupd",
    title: "update to a version with a new required parameter: refused without it, done with --param",
    budgetMs: 240_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      json(await up(ctx, template, ctx.templateDir("pupd-v1", PARAMETERS_HCL), ws, ["--param", "disk=30"]));
      await push(ctx, template, ctx.templateDir("pupd-v2", ZONE_HCL));

      const refused = failure(await ctx.cli(["update", ws, "--yes", "-o", "json"]), 2);
      expect(refused.validations.map((v) => v.field)).toEqual(["zone"]);
      const active = (await ctx.client.templates.get(await templateId(ctx, template))).active_version_id;
      let workspace = await ctx.client.workspaces.getByName("me", ws);
      expect(workspace?.latest_build.template_version_id).not.toBe(active);

      json(await ctx.cli(["update", ws, "--param", "zone=z1", "--yes", "-o", "json"]));
      workspace = await ctx.client.workspaces.getByName("me", ws);
      expect([workspace?.latest_build.template_version_id, workspace?.latest_build.status]).toEqual([
        active,
        "running",
      ]);
      expect(await buildValues(ctx, ws)).toEqual({
        region: "eu",
        disk: "30",
        gpu: "false",
        label: ctx.owner.username,
        zone: "z1",
      });
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
  {
    name: "require-active-version",
    key: "prav",
    title:
      "require_active_version on a Coder without a licence: accepted, not kept; a start keeps the last version",
    budgetMs: 240_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      json(await up(ctx, template, ctx.templateDir("prav", ""), ws));
      const v1 = (await ctx.client.workspaces.getByName("me", ws))?.latest_build.template_version_id;
      await push(ctx, template, ctx.templateDir("prav", "# v2"));
      const v2 = (await ctx.client.templates.get(await templateId(ctx, template))).active_version_id;
      expect(v2).not.toBe(v1);

      // An AGPL Coder answers 200 and leaves the setting off (its access-control store ignores it).
      const edited = await editTemplate(ctx, template, { require_active_version: true });
      expect([edited.status, edited.body?.require_active_version]).toEqual([200, false]);

      exits(await ctx.cli(["stop", ws]), 0);
      exits(await ctx.cli(["start", ws]), 0);
      const started = await ctx.client.workspaces.getByName("me", ws);
      expect([started?.latest_build.template_version_id, started?.latest_build.status]).toEqual([
        v1,
        "running",
      ]);
      expect(started?.outdated).toBe(true);
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
];
