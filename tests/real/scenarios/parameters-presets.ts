// Presets (the default one, one by name, none) and template variables without a value.
import { expect } from "vitest";
import { buildValues, failure, PARAMETERS_HCL, push } from "./parameters-steps.js";
import type { Scenario } from "./scenario.js";
import { deleteTemplate, deleteWorkspace, json, up } from "./steps.js";

// Presets only name parameters that always exist: coderd refuses a version whose preset sets one that does not
// ("Unable to validate presets").
const PRESETS_HCL = `${PARAMETERS_HCL}
data "coder_workspace_preset" "big" {
  name    = "big"
  default = true
  parameters = {
    disk   = "150"
    region = "us"
  }
}

data "coder_workspace_preset" "small" {
  name = "small"
  parameters = {
    disk = "10"
  }
}
`;

interface PresetJson {
  Name: string;
  Default: boolean;
  Parameters: { Name: string; Value: string }[] | null;
}

export const presetScenarios: Scenario[] = [
  {
    name: "presets",
    key: "pset",
    title: "presets: listed with the default marked; up applies the default, a named one, or none",
    budgetMs: 300_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const dir = ctx.templateDir("pset", PRESETS_HCL);
      await push(ctx, template, dir);
      const listed = json<PresetJson[]>(await ctx.cli(["presets", template, "-o", "json"]));
      expect(
        listed
          .map((p) => ({
            name: p.Name,
            default: p.Default,
            values: Object.fromEntries((p.Parameters ?? []).map((v) => [v.Name, v.Value])),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      ).toEqual([
        { name: "big", default: true, values: { disk: "150", region: "us" } },
        { name: "small", default: false, values: { disk: "10" } },
      ]);

      const runs: [string, string[], Record<string, string>][] = [
        ["ws1", [], { region: "us", disk: "150" }],
        ["ws2", ["--preset", "small"], { region: "eu", disk: "10" }],
        ["ws3", ["--preset", "none"], { region: "eu", disk: "20" }],
      ];
      for (const [suffix, flags, expected] of runs) {
        const ws = ctx.name(suffix);
        json(await up(ctx, template, dir, ws, flags));
        expect(await buildValues(ctx, ws), `${suffix} ${flags.join(" ")}`).toEqual({
          ...expected,
          gpu: "false",
          label: ctx.owner.username,
        });
      }
      for (const [suffix] of runs) await deleteWorkspace(ctx, ctx.name(suffix));
      await deleteTemplate(ctx, template);
    },
  },
  {
    name: "variables-missing",
    key: "pvar",
    title: "a template variable without a value: push names it, then succeeds with --var",
    budgetMs: 120_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const dir = ctx.templateDir("pvar", `variable "team" {\n  type = string\n}\n`);
      const refused = failure(
        await ctx.cli(["push", template, "-d", dir, ...ctx.vars, "--yes", "-o", "json"]),
        2,
      );
      expect([refused.code, refused.validations.map((v) => v.field)]).toEqual([
        "missing_variables",
        ["team"],
      ]);
      expect(
        await ctx.client.templates.getByName(ctx.owner.organization_ids[0] as string, template),
      ).toBeUndefined();
      await push(ctx, template, dir, ["--var", "team=blue"]);
      await deleteTemplate(ctx, template);
    },
  },
];
