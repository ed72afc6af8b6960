import { defineCommand } from "../command.js";
import { runFlow } from "../flow-runner.js";
import { confirmOrStop, needsPrompter, templateVersionArg, versionIdByName } from "../lifecycle.js";
import { paramArgs, parameterInputs } from "../params.js";
import { openSession } from "../session.js";
import { renderJson } from "../ui/table.js";
import { findWorkspace } from "../workspaces.js";
import { buildWaitArg, outputArg, type WorkspaceArgs, workspacePositional, yesArg } from "./shared.js";

interface UpdateArgs extends WorkspaceArgs {
  param?: string[];
  paramFile?: string;
  templateVersion?: string;
  wait: boolean;
  yes: boolean;
  output: "text" | "json";
}

/** `spt-coder update <workspace>`: move a workspace to the template's active version, as `coder update`. */
export const updateCommand = defineCommand<UpdateArgs>({
  command: "update <workspace>",
  describe: "Move a workspace to the template's active version (stop, then start on the new version)",
  positionals: workspacePositional,
  args: { ...paramArgs, ...templateVersionArg, ...buildWaitArg, ...yesArg, ...outputArg(["text", "json"]) },
  examples: [
    ["spt-coder update dev", "Rebuild dev on the active version, asking for any new parameter"],
    ["spt-coder update dev --param zone=eu-1 --yes", "Non-interactive: give what the new version needs"],
    ["spt-coder update dev --template-version brave_curie3 -o json", "Move to a named version"],
  ],
  epilogue:
    "Parameters the new version needs that the last build lacks (or whose old value is no longer valid) are asked for on a terminal; without one they are listed and the command exits 2 before anything is built.",
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const sdk = await ctx.sdk();
    const workspace = await findWorkspace(session, args.workspace);
    const inputs = await parameterInputs(args);
    ctx.keepSecrets(Object.values(inputs.values));
    const parameters = inputs.values;
    const versionId = args.templateVersion
      ? await versionIdByName(session, sdk, workspace, args.templateVersion)
      : undefined;
    const target = versionId ?? workspace.template_active_version_id;
    if (target === workspace.latest_build.template_version_id && Object.keys(parameters).length === 0) {
      if (args.output === "json") ctx.stdout(renderJson({ updated: false, build: workspace.latest_build }));
      else ctx.stdout("Workspace is up-to-date.\n");
      return;
    }
    if (workspace.latest_build.status === "running") {
      await confirmOrStop(
        ctx,
        args.yes,
        "Updating your workspace will start the workspace on the selected template version. This can delete non-persistent data. Continue?",
        `restart ${workspace.owner_name}/${workspace.name} on a new version`,
      );
    }
    const result = await runFlow(ctx, { workspace: args.workspace }, async (signal, onEvent) => {
      const update = await sdk.updateWorkspace(session.client, workspace, {
        parameters,
        templateVersionId: versionId,
        askParameters: args.output === "json" ? undefined : needsPrompter(ctx),
        signal,
        onEvent,
      });
      const build = args.wait
        ? await sdk.waitForBuild(session.client, update.build.id, { signal, onEvent })
        : update.build;
      return { ...update, build };
    });
    if (args.output === "json") ctx.stdout(renderJson(result));
    else
      ctx.stdout(
        `The ${workspace.name} workspace has been updated to the ${args.templateVersion ?? "active"} version.\n`,
      );
  },
});
