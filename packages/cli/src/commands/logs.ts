import type { ProvisionerJobLog } from "@spt-coder/sdk";
import { defineCommand } from "../command.js";
import { CliError, InterruptedError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { openSession } from "../session.js";
import { createColors } from "../ui/colors.js";
import { createLineSink } from "../ui/lines.js";
import { StageRenderer } from "../ui/stages.js";
import { renderJson } from "../ui/table.js";
import { findWorkspace } from "../workspaces.js";
import { outputArg, type WorkspaceArgs, workspacePositional } from "./shared.js";

interface LogsArgs extends WorkspaceArgs {
  output: "text" | "json";
}

/**
 * `spt-coder logs <workspace>`: the current build's provisioner logs, followed until the build ends. Here the
 * logs are the data asked for, so they go to stdout (stage lines included); `-o json` prints them as one array
 * when the build has ended.
 */
export const logsCommand = defineCommand<LogsArgs>({
  command: "logs <workspace>",
  describe: "Follow the logs of a workspace's current build until it ends",
  positionals: workspacePositional,
  args: outputArg(["text", "json"]),
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const sdk = await ctx.sdk();
    const workspace = await findWorkspace(session, args.workspace);
    const build = workspace.latest_build;
    const json = args.output === "json";
    const renderer = new StageRenderer({
      sink: createLineSink(ctx.stdout, { tty: false }),
      colors: ctx.isTTY.stdout ? ctx.colors : createColors(false),
      verbose: ctx.verbose,
    });
    const collected: ProvisionerJobLog[] = [];
    const scope = ctx.trapInterrupts();
    try {
      const stream = sdk.followJobLogs(session.client, {
        job: { kind: "workspace-build", id: build.id },
        signal: scope.signal,
      });
      for await (const log of stream) {
        if (json) collected.push(log);
        else renderer.handle({ type: "log", source: "build", log });
        await ctx.drained();
      }
      // The last stage of a finished build ends when its job completed, not when we finished reading.
      const completed = (await session.client.builds.get(build.id)).job.completed_at;
      renderer.close(completed ? Date.parse(completed) : undefined);
    } catch (error) {
      if (scope.interrupted) {
        throw new InterruptedError(
          `Stopped following the build of ${args.workspace}; it keeps running on the server.`,
          { signal: scope.received },
        );
      }
      throw error;
    } finally {
      scope.dispose();
    }
    const ended = await session.client.builds.get(build.id);
    if (json) ctx.stdout(renderJson({ build: ended, logs: collected }));
    if (ended.job.status !== "succeeded") {
      throw new CliError(
        `The ${ended.transition} build #${ended.build_number} of ${args.workspace} ${ended.job.status === "canceled" ? "was canceled" : `failed: ${ended.job.error || "no error message"}`}.`,
        { exitCode: ExitCode.jobFailed },
      );
    }
  },
});
