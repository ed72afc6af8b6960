import { Writable } from "node:stream";
import type { RetryInfo } from "@spt-coder/sdk";
import type { Argv } from "yargs";
import yargs from "yargs";
import type { CommandDef, Ctx, GlobalArgs, InterruptScope, Sdk } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { type ConfigSource, resolveConfig } from "./config.js";
import { AlreadyReportedError, UsageError } from "./errors.js";
import { EXAMPLES } from "./examples.js";
import { ExitCode, exitCodeHelp } from "./exit-codes.js";
import type { Io } from "./io.js";
import { type GuardedOutput, guardOutput, type OutputPolicy } from "./output.js";
import { createColors, shouldUseColor } from "./ui/colors.js";
import { createLineSink } from "./ui/lines.js";
import { createConfirm, createPrompt, type PromptFn } from "./ui/prompt.js";
import { renderJson } from "./ui/table.js";
import { friendlyUsageError, GLOBAL_FLAGS } from "./usage.js";

import { VERSION } from "./version.js";
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
  };
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

/**
 * One run: the guarded output and its policy (set from the flags once parsed), and what a failed run's report
 * needs to know: its arguments and where the token came from.
 */
interface RunState {
  output: GuardedOutput;
  policy: OutputPolicy;
  args?: GlobalArgs & { output?: string };
  tokenSource?: ConfigSource | undefined;
}

/** Builds the yargs program from the command list; `onRun` sees the parsed arguments (for error output). */
function buildCli(
  io: Io,
  commands: readonly CommandDef<never>[],
  onRun: (args: GlobalArgs) => void,
  state: RunState,
): Argv {
  const cli = yargs()
    .scriptName("spt-coder")
    .usage(
      "spt-coder <command> [options]\n\nProvision Coder workspaces from a template and a git repository.",
    )
    .strict()
    .exitProcess(false)
    .wrap(Math.min(110, io.columns ?? 100))
    .option("url", { type: "string", describe: "Coder deployment URL [env: CODER_URL]", global: true })
    .option("token", { type: "string", describe: "Session token [env: CODER_SESSION_TOKEN]", global: true })
    .option("verbose", {
      type: "boolean",
      default: false,
      describe: "Print a request trace (token redacted) and stack traces",
      global: true,
    })
    .option("request-timeout", {
      type: "number",
      default: 30,
      describe: "Seconds one request to Coder may take, answer included, before it fails or is retried",
      global: true,
    })
    .option("color", {
      type: "boolean",
      default: true,
      describe: "Colour on a terminal; --no-color or NO_COLOR turn it off",
      global: true,
    })
    // Listed once under their own heading, apart from each command's own options.
    .group([...GLOBAL_FLAGS], "Global options:")
    .demandCommand(1, "Pick a command.")
    .version(VERSION)
    .help()
    .alias("h", "help")
    .epilogue(exitCodeHelp())
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  for (const def of commands) registerCommand(cli, io, def, onRun, state);
  cli.completion("completion", "Print a shell completion script (bash; zsh when $SHELL is zsh)");
  return cli;
}

/** Adds one command, and its subcommands (`templates versions list`), to a yargs program or command. */
function registerCommand(
  cli: Argv,
  io: Io,
  def: CommandDef<never>,
  onRun: (args: GlobalArgs) => void,
  state: RunState,
): void {
  const command = def as unknown as CommandDef<Record<string, unknown>>;
  cli.command({
    command: command.command,
    describe: command.describe,
    builder: (y: Argv) => {
      for (const [name, options] of Object.entries(command.positionals ?? {})) y.positional(name, options);
      y.options(command.args ?? {});
      for (const [example, text] of command.examples ?? EXAMPLES[command.command.split(" ")[0]!] ?? [])
        y.example(example, text);
      for (const sub of command.subcommands ?? []) registerCommand(y, io, sub, onRun, state);
      if (command.subcommands?.length) y.demandCommand(1, "Pick a subcommand.");
      y.epilogue(command.epilogue ? `${command.epilogue}\n\n${exitCodeHelp()}` : exitCodeHelp());
      return y;
    },
    handler: async (raw: Record<string, unknown>) => {
      const args = raw as GlobalArgs & Record<string, unknown>;
      onRun(args);
      await command.handler(args, createContext(io, args, args.output === "json", state));
    },
  });
}

function createContext(io: Io, args: GlobalArgs, json: boolean, state: RunState): Ctx {
  const colors = createColors(shouldUseColor({ flag: args.color, env: io.env, isTTY: io.isTTY.stderr }));
  state.policy.colour = {
    stdout: shouldUseColor({ flag: args.color, env: io.env, isTTY: io.isTTY.stdout }),
    stderr: colors.enabled,
  };
  const { control, printable } = state.output;
  const canPrompt = io.isTTY.stdin && io.isTTY.stderr && !json;
  let prompt: PromptFn | undefined = io.prompt;
  const getPrompt = (): PromptFn => {
    if (!prompt) {
      // readline needs a real stream to draw on; processIo() passes process.stderr, tests inject io.prompt.
      if (!(io.stderr instanceof Writable)) throw new UsageError("No terminal to prompt on.");
      prompt = createPrompt(io.stdin(), io.stderr);
    }
    return prompt;
  };
  const warned = new Set<string>();
  const warn = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    io.stderr.write(`${colors.yellow("WARN:")} ${message}\n`);
  };
  let sdk: Promise<Sdk> | undefined;
  const loadSdk = () => {
    sdk ??= import("@spt-coder/sdk");
    return sdk;
  };
  return {
    stdout: (text) => io.stdout.write(text),
    stderr: (text) => io.stderr.write(text),
    drained: () => io.drained?.() ?? Promise.resolve(),
    env: io.env,
    cwd: io.cwd,
    home: io.home,
    isTTY: io.isTTY,
    colors,
    verbose: args.verbose,
    canPrompt,
    // readline draws the question itself, past the guarded stderr: it is made printable here.
    prompt: (question, options) => {
      if (!canPrompt) throw new UsageError(`Cannot ask "${question}" without a terminal.`);
      const shown =
        options?.default === undefined ? options : { ...options, default: printable(options.default) };
      return getPrompt()(printable(question), shown);
    },
    confirm: (question, defaultYes) => {
      if (!canPrompt) throw new UsageError(`Cannot ask "${question}" without a terminal; pass --yes.`);
      return (io.confirm ?? createConfirm(getPrompt()))(printable(question), defaultYes);
    },
    lines: () => createLineSink((text) => io.stderr.write(text), { tty: io.isTTY.stderr && !json, control }),
    control,
    warn,
    sdk: loadSdk,
    resolveConfig: async (flags) => {
      const config = await resolveConfig({ flags, env: io.env, home: io.home });
      state.tokenSource = config.token?.source;
      for (const warning of config.warnings) warn(warning);
      return config;
    },
    connect: async ({ url, token }) => {
      const { createCoderClient } = await loadSdk();
      return createCoderClient({
        url,
        ...(token ? { token } : {}),
        ...(io.fetch ? { fetch: io.fetch } : {}),
        ...(io.webSocket ? { webSocket: io.webSocket } : {}),
        userAgent: `spt-coder/${VERSION}`,
        onWarning: (w) => warn(w.message),
        ...requestTimeout(args),
        // A long wait is never silent: without --verbose, a pause of more than a few seconds still says why.
        ...(args.verbose ? {} : { onRetry: (r) => noteLongWait(r, (text) => io.stderr.write(text)) }),
        ...(args.verbose
          ? {
              onRequest: (t) =>
                io.stderr.write(
                  colors.dim(
                    `--> ${t.method} ${t.url} ${t.status ?? t.error ?? "?"} (${Math.round(t.durationMs)}ms` +
                      `${t.attempt > 1 ? `, attempt ${t.attempt}` : ""})\n`,
                  ),
                ),
              onRetry: (r) =>
                io.stderr.write(
                  colors.dim(`--> retrying ${r.method} ${r.url} in ${r.delayMs}ms: ${r.reason}\n`),
                ),
            }
          : {}),
      });
    },
    trapInterrupts: (onFirst) => trapInterrupts(io, onFirst),
    exit: (code) => io.exit(code),
    ...(io.spawn ? { spawn: io.spawn } : {}),
  };
}

/** The `--request-timeout` flag as the client's `timeoutMs` (it must be a positive number of seconds). */
function requestTimeout(args: GlobalArgs): { timeoutMs?: number } {
  const seconds = args["request-timeout"];
  if (seconds === undefined) return {};
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--request-timeout must be a positive number of seconds, not ${seconds}.`);
  }
  return { timeoutMs: Math.round(seconds * 1000) };
}

/** Waits shorter than this are routine backoff and stay quiet without --verbose. */
const LONG_WAIT_MS = 3000;

function noteLongWait(retry: RetryInfo, write: (text: string) => void): void {
  if (retry.delayMs < LONG_WAIT_MS) return;
  const why =
    retry.reason === "status 429"
      ? "Coder is rate-limiting these requests (it said when to come back)"
      : `the server answered ${retry.reason} and said when to come back`;
  write(
    `Waiting ${Math.round(retry.delayMs / 1000)}s before retrying ${retry.method} ${new URL(retry.url).pathname}: ${why}.\n`,
  );
}

function trapInterrupts(io: Io, onFirst?: () => void): InterruptScope {
  const controller = new AbortController();
  let interrupted = false;
  const off = io.onInterrupt(() => {
    if (interrupted) {
      io.stderr.write("\nInterrupted again: exiting now.\n");
      io.exit(ExitCode.interrupted);
    }
    interrupted = true;
    onFirst?.();
    controller.abort();
  });
  return {
    signal: controller.signal,
    get interrupted() {
      return interrupted;
    },
    dispose: off,
  };
}

/** The one error handler: exit code from the error's class; text on stderr, or `{ "error": … }` with -o json. */
async function reportFailure(
  error: unknown,
  argv: readonly string[],
  io: Io,
  args: (GlobalArgs & { output?: string }) | undefined,
  tokenSource: ConfigSource | undefined,
): Promise<number> {
  if (error instanceof AlreadyReportedError) return error.exitCode;
  const { reportError, formatErrorText, errorJson } = await import("./report.js");
  const report = reportError(error, { tokenSource });
  const json = args ? args.output === "json" : wantsJson(argv);
  const verbose = args?.verbose ?? argv.includes("--verbose");
  if (json) {
    io.stdout.write(renderJson(errorJson(report)));
    return report.exitCode;
  }
  const colorFlag = args ? args.color : !argv.includes("--no-color");
  const colors = createColors(shouldUseColor({ flag: colorFlag, env: io.env, isTTY: io.isTTY.stderr }));
  io.stderr.write(formatErrorText(report, error, colors, verbose));
  if (error instanceof UsageError && !args && !error.suggestion) {
    io.stderr.write(colors.dim("Run 'spt-coder --help' (or 'spt-coder <command> --help') for usage.\n"));
  }
  return report.exitCode;
}

/** `-o json` before yargs has parsed (a usage error), so even that failure is one JSON document. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some(
    (a, i) =>
      a === "-ojson" ||
      a === "--output=json" ||
      a === "-o=json" ||
      ((a === "-o" || a === "--output") && argv[i + 1] === "json"),
  );
}
