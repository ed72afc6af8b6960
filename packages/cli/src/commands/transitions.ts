import type { Workspace, WorkspaceBuild } from "@spt-coder/sdk";
import { type CommandDef, type Ctx, defineCommand } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { runFlow } from "../flow-runner.js";
import { needsPrompter, templateVersionArg, versionIdByName } from "../lifecycle.js";
import { openSession } from "../session.js";
import { renderJson } from "../ui/table.js";
import { findWorkspace } from "../workspaces.js";
import { buildWaitArg, outputArg, type WorkspaceArgs, workspacePositional, yesArg } from "./shared.js";

interface TransitionArgs extends WorkspaceArgs {
  templateVersion?: string;
  wait: boolean;
  yes: boolean;
  output: "text" | "json";
}

type Transition = "start" | "stop" | "delete";

const WORDS: Record<Transition, { verb: string; ing: string; done: string; settled: string }> = {
  start: { verb: "Start", ing: "Starting", done: "started", settled: "running" },
  stop: { verb: "Stop", ing: "Stopping", done: "stopped", settled: "stopped" },
  delete: { verb: "Delete", ing: "Deleting", done: "deleted", settled: "deleted" },
};

const EXAMPLES: Record<Transition, [string, string][]> = {
  start: [
    ["spt-coder start dev", "Start dev on the version Coder's rules pick (the active one if required)"],
    ["spt-coder start dev --template-version brave_curie3 -o json", "Start on a named version"],
  ],
  stop: [["spt-coder stop dev --no-wait", "Queue the stop and return"]],
  delete: [["spt-coder delete dev --yes", "Delete without asking"]],
};

/**
 * One build transition as a command: find the workspace, skip when it is already there (coder's "already
 * running!"), create the build, follow it. Ctrl-C stops following; the build keeps running, as with coder.
 */
function transitionCommand(transition: Transition): CommandDef<TransitionArgs> {
  const words = WORDS[transition];
  return defineCommand<TransitionArgs>({
    command: `${transition} <workspace>`,
    describe:
      transition === "delete"
        ? "Delete a workspace (asks first unless --yes)"
        : `${words.verb} a workspace and follow the build`,
    positionals: workspacePositional,
    examples: EXAMPLES[transition],
    args: {
      ...buildWaitArg,
      ...(transition === "delete" ? yesArg : {}),
      ...(transition === "start" ? templateVersionArg : {}),
      ...outputArg(["text", "json"]),
    },
    async handler(args, ctx) {
      const session = await openSession(ctx, args);
      const sdk = await ctx.sdk();
      const workspace = await findWorkspace(session, args.workspace);
      if (transition === "delete") await confirmDelete(ctx, args, workspace);
      const current = workspace.latest_build;
      const versionId = args.templateVersion
        ? await versionIdByName(session, sdk, workspace, args.templateVersion)
        : undefined;
      if (current.transition === transition && current.status === words.settled && !versionId) {
        report(ctx, args, current, `The ${workspace.name} workspace is already ${words.settled}!`);
        return;
      }
      const build = await runFlow(ctx, { workspace: args.workspace }, async (signal, onEvent) => {
        return sdk.stage(onEvent, transition, `${words.ing} workspace ${workspace.name}`, async () => {
          const queued = await (transition === "start"
            ? sdk.startWorkspace(session.client, workspace, {
                templateVersionId: versionId,
                askParameters: args.output === "json" ? undefined : needsPrompter(ctx),
                signal,
                onEvent,
              })
            : transition === "stop"
              ? sdk.stopWorkspace(session.client, workspace, { signal })
              : sdk.deleteWorkspace(session.client, workspace, { signal }));
          return args.wait ? await sdk.waitForBuild(session.client, queued.id, { signal, onEvent }) : queued;
        });
      });
      report(
        ctx,
        args,
        build,
        args.wait
          ? `The ${workspace.name} workspace has been ${words.done}.`
          : `The ${workspace.name} workspace is being ${words.done} in the background. Follow it with: spt-coder logs ${args.workspace}`,
      );
    },
  });
}

async function confirmDelete(ctx: Ctx, args: TransitionArgs, workspace: Workspace): Promise<void> {
  if (args.yes) return;
  if (!ctx.canPrompt) {
    throw new UsageError(
      `Refusing to delete ${workspace.owner_name}/${workspace.name} without confirmation.`,
      {
        suggestion: "Pass --yes to delete without asking.",
      },
    );
  }
  const ok = await ctx.confirm(`Confirm delete workspace ${workspace.owner_name}/${workspace.name}?`, false);
  if (!ok) throw new CliError("Canceled: the workspace was not deleted.", { exitCode: 1 });
}

function report(ctx: Ctx, args: TransitionArgs, build: WorkspaceBuild, text: string): void {
  if (args.output === "json") ctx.stdout(renderJson(build));
  else ctx.stdout(`${text}\n`);
}

/** `spt-coder start <workspace>`. */
export const startCommand = transitionCommand("start");
/** `spt-coder stop <workspace>`. */
export const stopCommand = transitionCommand("stop");
/** `spt-coder delete <workspace>`. */
export const deleteCommand = transitionCommand("delete");
