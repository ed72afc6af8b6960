// The CLI's entry: one run of the program over an Io. The program is built in registry.ts, each command's context
// in context.ts, and every failure is reported by failure.ts.
import { COMMANDS } from "./commands/index.js";
import type { RunState } from "./context.js";
import { UsageError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { reportFailure } from "./failure.js";
import type { Io } from "./io.js";
import { guardOutput, keepSecret, type OutputPolicy } from "./output.js";
import { buildCli } from "./registry.js";
import { shouldUseColor } from "./ui/colors.js";
import { friendlyUsageError } from "./usage.js";
import { asksForHelp, skipEagerHelp } from "./yargs-help.js";

export type { Io } from "./io.js";
export { exitWhenWritten, processIo } from "./io.js";

/**
 * Runs the CLI once and resolves with the exit code; never calls `process.exit` itself (except `io.exit` on a
 * second Ctrl-C). Every error ends up in one handler that picks the exit code and prints it Coder-style.
 */
export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  // Nothing printed may carry a control sequence from a server, nor credentials a user typed inside a URL
  // (src/output.ts). Until the flags are parsed, colour follows what reportFailure would decide.
  const colourFlag = !argv.includes("--no-color");
  const colour = (isTTY: boolean) => shouldUseColor({ flag: colourFlag, env: rawIo.env, isTTY });
  const policy: OutputPolicy = {
    colour: { stdout: colour(rawIo.isTTY.stdout), stderr: colour(rawIo.isTTY.stderr) },
    secrets: new Set(),
  };
  // Secrets known before the flags are parsed: the token in the environment, and whatever the command line holds.
  keepSecret(policy, "token", [rawIo.env.CODER_SESSION_TOKEN]);
  keepSecret(policy, "value", argv);
  const output = guardOutput(rawIo, policy);
  const io = output.io;
  const state: RunState = { output, policy };
  let text = "";
  // A bare `spt-coder` shows the command list, as `coder` does, instead of "Pick a command."
  if (argv.length === 0) argv = ["--help"];
  // yargs answers `completion --help` with the script itself.
  if (argv[0] === "completion" && argv.some((a) => a === "--help" || a === "-h")) {
    io.stdout.write((await import("./completion.js")).COMPLETION_HELP);
    return ExitCode.ok;
  }
  const cli = buildCli(
    io,
    COMMANDS,
    (args) => {
      state.args = args;
    },
    state,
  );
  if (!asksForHelp(argv)) skipEagerHelp(cli);
  try {
    await cli.parseAsync([...argv], {}, (_error, _args, rendered) => {
      text = rendered;
    });
    // yargs cannot wait for an asynchronous completion here (it validates first), so the names from the
    // server are added to its candidates afterwards (src/completion.ts).
    if (argv[0] === "--get-yargs-completions") {
      const { completeWithServer } = await import("./completion.js");
      text = await completeWithServer(io, argv.slice(1), text);
    }
    // Help, version and completion text is data: stdout.
    if (text) io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    return ExitCode.ok;
  } catch (error) {
    // A usage error before any handler ran is yargs' own text: say it in the user's terms (src/usage.ts).
    const failure =
      error instanceof UsageError && !state.args ? friendlyUsageError(error.message, argv, COMMANDS) : error;
    return reportFailure(failure, argv, io, state.args, state.tokenSource);
  }
}
