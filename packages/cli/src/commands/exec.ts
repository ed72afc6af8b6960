import { defineCommand } from "../command.js";
import { badNumberFlag, ExitStatus, InterruptedError, interruptedBy, UsageError } from "../errors.js";
import { openSession } from "../session.js";
import { StreamedText } from "../ui/streamed-text.js";
import { renderJson } from "../ui/table.js";
import { findWorkspace } from "../workspaces.js";
import { outputArg, type WorkspaceArgs, workspacePositional } from "./shared.js";

interface ExecArgs extends WorkspaceArgs {
  agent?: string;
  timeout?: number;
  output: "text" | "json";
  /** yargs leaves the words after `--` here, after the command's own name. */
  _: (string | number)[];
}

const USAGE = "spt-coder exec <workspace> [--agent NAME] -- <command…>";

/**
 * `spt-coder exec <workspace> -- <command…>`: runs a command in a workspace through Coder's web terminal (the SDK's
 * `exec`) and exits with its status. Its output (stdout and stderr merged, as a terminal has them) goes to stdout
 * as it comes, through the same sanitiser as everything the CLI prints: it is the workspace's text, so a control
 * sequence in it is shown escaped (plain colours pass where colour is on). There is no raw mode: the command gets
 * no input, so a full-screen program is of no use here (`coder ssh` is for that). `-o json` prints the output and
 * the status as one document, exact.
 */
export const execCommand = defineCommand<ExecArgs>({
  command: "exec <workspace>",
  describe: "Run a command in a workspace and exit with its status",
  positionals: workspacePositional,
  afterDashes: USAGE,
  examples: [
    ["spt-coder exec dev -- kvm-ok", "Run kvm-ok in dev; exits with its status"],
    ["spt-coder exec dev -- 'cd /src && make test'", "One word is a command line for the workspace's shell"],
    ["spt-coder exec dev --agent main -o json -- uname -a", "Output and status as JSON, on a named agent"],
  ],
  epilogue:
    "The command comes after --. Several words are passed as they are, one argument each; a single word is a " +
    "command line for your shell in the workspace. It runs in a terminal with no input: stdout and stderr arrive " +
    "merged. The exit code is the command's own; spt-coder's codes below mean it could not run or its status is " +
    "unknown.",
  args: {
    agent: { type: "string", describe: "The agent to run on, when the workspace has several" },
    timeout: {
      type: "number",
      describe: "Seconds the command may run; then it is sent Ctrl-C and spt-coder exits 1",
    },
    ...outputArg(["text", "json"]),
  },
  async handler(args, ctx) {
    const command = commandOf(args);
    const timeoutMs = timeoutOf(args.timeout);
    const session = await openSession(ctx, args);
    const sdk = await ctx.sdk();
    const workspace = await findWorkspace(session, args.workspace);
    const json = args.output === "json";
    const text = new StreamedText();
    const scope = ctx.trapInterrupts();
    let result: Awaited<ReturnType<typeof sdk.exec>>;
    try {
      result = await sdk.exec(session.client, workspace, command.length === 1 ? command[0]! : command, {
        agent: args.agent,
        signal: scope.signal,
        timeoutMs,
        maxOutputBytes: json ? undefined : 0,
        onOutput: json ? undefined : (chunk) => ctx.stdout(text.push(chunk)),
      });
    } catch (error) {
      if (scope.interrupted) {
        throw new InterruptedError(
          `${interruptedBy(scope.received)}: the command in ${args.workspace} was sent Ctrl-C.`,
          { signal: scope.received },
        );
      }
      throw error;
    } finally {
      scope.dispose();
      if (!json) ctx.stdout(text.end());
    }
    if (json) {
      ctx.stdout(
        renderJson({
          workspace: `${result.workspace.owner_name}/${result.workspace.name}`,
          agent: result.agent.name,
          command,
          exit_code: result.exitCode,
          output: result.output,
          output_truncated: result.outputTruncated,
          duration_ms: Math.round(result.durationMs),
        }),
      );
    }
    if (result.exitCode !== 0) throw new ExitStatus(result.exitCode);
  },
});

/** The words after `--` (words before it are a usage error already, see `afterDashes`); none is a usage error. */
function commandOf(args: ExecArgs): string[] {
  const after = args._.slice(1).map(String);
  if (after.length === 0 || after[0]!.trim() === "") {
    throw new UsageError("spt-coder exec needs a command after --.", {
      suggestion: `Usage: ${USAGE}, e.g. spt-coder exec ${args.workspace} -- kvm-ok`,
    });
  }
  return after;
}

function timeoutOf(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw badNumberFlag("--timeout", "a positive number of seconds", "60", seconds);
  }
  return Math.round(seconds * 1000);
}
