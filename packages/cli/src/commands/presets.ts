import { DEFAULT_TEMPLATE, type Preset } from "@spt-coder/sdk";
import { defineCommand } from "../command.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { openSession } from "../session.js";
import { renderJson, renderTable } from "../ui/table.js";
import { orgArg, outputArg } from "./shared.js";

interface PresetsArgs {
  template: string;
  org?: string;
  output: "table" | "json";
}

/** `key=value, ...` of a preset's parameters. */
function values(p: Preset): string {
  return (p.Parameters ?? []).map((v) => `${v.Name}=${v.Value}`).join(", ");
}

/** `spt-coder presets [TEMPLATE]`: the presets of a template's active version, marking the default one. */
export const presetsCommand = defineCommand<PresetsArgs>({
  command: "presets [template]",
  describe: "List a template's presets (named sets of parameter values), marking the default one",
  positionals: {
    template: { type: "string", default: DEFAULT_TEMPLATE, describe: "Template name" },
  },
  args: { ...orgArg, ...outputArg(["table", "json"]) },
  examples: [
    ["spt-coder presets spt-flow", "The presets `up` can apply with --preset NAME"],
    ["spt-coder presets -o json", "The same as JSON (Coder's own PascalCase keys)"],
  ],
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const sdk = await ctx.sdk();
    const org = await sdk.resolveOrganization(session.client, session.org);
    const template = await session.client.templates.getByName(org.id, args.template);
    if (!template) {
      throw new CliError(`Template "${args.template}" was not found in organization "${org.name}".`, {
        exitCode: ExitCode.notFound,
        suggestion: "Check the name with the Coder dashboard, or push it with: spt-coder push",
      });
    }
    const presets = await session.client.templateVersions.presets(template.active_version_id);
    if (args.output === "json") {
      ctx.stdout(renderJson(presets));
      return;
    }
    if (presets.length === 0) {
      ctx.stderr(`Template "${template.name}" has no presets.\n`);
      return;
    }
    const rows = presets.map((p) => [
      p.Name,
      p.Default ? "yes" : "",
      p.DesiredPrebuildInstances ? `${p.DesiredPrebuildInstances}` : "",
      values(p),
      p.Description,
    ]);
    ctx.stdout(renderTable(["Preset", "Default", "Prebuilds", "Parameters", "Description"], rows));
    const fallback = presets.find((p) => p.Default);
    ctx.stderr(
      fallback
        ? `spt-coder up applies "${fallback.Name}" unless you pass --preset NAME or --preset none.\n`
        : "Apply one with: spt-coder up --preset NAME\n",
    );
  },
});
