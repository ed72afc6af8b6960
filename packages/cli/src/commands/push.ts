import { basename, resolve } from "node:path";
import { defineCommand } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { runFlow } from "../flow-runner.js";
import { parsePairs } from "../params.js";
import { openSession } from "../session.js";
import { templateDirProblem } from "../template-dir.js";
import { renderJson } from "../ui/table.js";
import { orgArg, outputArg, yesArg } from "./shared.js";

interface PushArgs {
  name?: string;
  template?: string;
  templateDir: string;
  var?: string[];
  message?: string;
  activate: boolean;
  force: boolean;
  org?: string;
  yes: boolean;
  output: "text" | "json";
}

/** `spt-coder push`: `coder templates push`, from a folder. */
export const pushCommand = defineCommand<PushArgs>({
  command: "push [name]",
  describe: "Push a template from a folder: create it, or add a version and make it active",
  positionals: {
    name: { type: "string", describe: "Template name (default: --template, else the folder's name)" },
  },
  args: {
    template: { alias: "t", type: "string", describe: "Template name (same as the positional)" },
    "template-dir": {
      alias: ["d", "directory"],
      type: "string",
      default: ".",
      describe: "Folder with the template's .tf files",
    },
    var: { type: "string", array: true, describe: "Template variable name=value (repeatable)" },
    message: { alias: "m", type: "string", describe: "Version message" },
    activate: {
      type: "boolean",
      default: true,
      describe: "Make the new version active (--no-activate keeps it aside)",
    },
    force: {
      type: "boolean",
      default: false,
      describe: "Create a version even when the folder is unchanged",
    },
    ...orgArg,
    ...yesArg,
    ...outputArg(["text", "json"]),
  },
  async handler(args, ctx) {
    const dir = resolve(ctx.cwd, args.templateDir);
    const problem = templateDirProblem("-d", dir);
    if (problem) throw new UsageError(problem);
    const name = args.name ?? args.template ?? basename(dir);
    const variables = parsePairs("--var", args.var);
    const session = await openSession(ctx, args);
    if (ctx.canPrompt && !args.yes) {
      const shown = dir.startsWith(ctx.home) ? `~${dir.slice(ctx.home.length)}` : dir;
      if (!(await ctx.confirm(`Upload "${shown}"?`, true)))
        throw new CliError("Canceled: nothing was pushed.", { exitCode: 1 });
    }
    const sdk = await ctx.sdk();
    const result = await runFlow(ctx, {}, (signal, onEvent) =>
      sdk.pushTemplate(session.client, {
        org: session.org,
        name,
        dir,
        variables: Object.keys(variables).length ? variables : undefined,
        message: args.message,
        activate: args.activate,
        force: args.force,
        signal,
        // The result line below says "unchanged" on stdout; the SDK's progress note would say it a second time.
        onEvent: (event) => {
          if (event.type === "info" && event.message.endsWith(" is unchanged; no new version was created."))
            return;
          onEvent(event);
        },
      }),
    );
    if (args.output === "json") {
      ctx.stdout(
        renderJson({
          template: result.template,
          version: result.version,
          created: result.created,
          unchanged: result.unchanged,
        }),
      );
      return;
    }
    const what = result.unchanged
      ? "is unchanged; no new version was created (--force creates one anyway)"
      : result.created
        ? "has been created"
        : `has a new version ${result.version.name}${args.activate ? " (active)" : ""}`;
    ctx.stdout(`Template ${result.template.name} ${what}.\n`);
    if (result.created)
      ctx.stdout(
        `Create a workspace with: spt-coder up --template ${result.template.name} --repo <git url>\n`,
      );
  },
});
