import { defineCommand } from "../command.js";
import { runFlow } from "../flow-runner.js";
import { confirmOrStop, needsPrompter, reportBuild } from "../lifecycle.js";
import { paramArgs, parameterInputs } from "../params.js";
import { openSession } from "../session.js";
import { findWorkspace } from "../workspaces.js";
import { buildWaitArg, outputArg, type WorkspaceArgs, workspacePositional, yesArg } from "./shared.js";

interface RestartArgs extends WorkspaceArgs {
  param?: string[];
  paramFile?: string;
  wait: boolean;
  yes: boolean;
  output: "text" | "json";
}

/** `spt-coder restart <workspace>`: a stop followed to its end, then a start, as `coder restart`. */
export const restartCommand = defineCommand<RestartArgs>({
  command: "restart <workspace>",
  describe: "Restart a workspace: stop it, then start it (asks first unless --yes)",
  positionals: workspacePositional,
  args: { ...paramArgs, ...buildWaitArg, ...yesArg, ...outputArg(["text", "json"]) },
  examples: [
    ["spt-coder restart dev", "Stop and start dev, after a confirmation"],
    ["spt-coder restart dev --yes -o json", "Without asking; the start build as JSON"],
  ],
  epilogue:
    "The start uses the template's active version when the workspace has automatic updates or the template requires the active version, like `coder restart`.",
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const sdk = await ctx.sdk();
    const workspace = await findWorkspace(session, args.workspace);
    const inputs = await parameterInputs(args);
    ctx.keepSecrets(Object.values(inputs.values));
    const parameters = inputs.values;
    await confirmOrStop(
      ctx,
      args.yes,
      "Restart workspace?",
      `restart ${workspace.owner_name}/${workspace.name}`,
    );
    const build = await runFlow(ctx, { workspace: args.workspace }, async (signal, onEvent) => {
      const started = await sdk.restartWorkspace(session.client, workspace, {
        parameters,
        askParameters: args.output === "json" ? undefined : needsPrompter(ctx),
        signal,
        onEvent,
      });
      return args.wait ? sdk.waitForBuild(session.client, started.id, { signal, onEvent }) : started;
    });
    reportBuild(ctx, args.output === "json", build, `The ${workspace.name} workspace has been restarted.`);
  },
});
