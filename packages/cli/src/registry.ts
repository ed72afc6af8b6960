// The yargs program, built from the command list (commands/index.ts): global flags, each command with its
// positionals, options, examples and subcommands, and its handler called with a fresh context.
import type { Argv } from "yargs";
import yargs from "yargs";
import type { CommandDef, GlobalArgs } from "./command.js";
import { createContext, type RunState } from "./context.js";
import { UsageError } from "./errors.js";
import { EXAMPLES } from "./examples.js";
import { exitCodeHelp } from "./exit-codes.js";
import type { Io } from "./io.js";
import { GLOBAL_FLAGS } from "./usage.js";
import { VERSION } from "./version.js";

/** Builds the yargs program from the command list; `onRun` sees the parsed arguments (for error output). */
export function buildCli(
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
    .option("token", {
      type: "string",
      describe:
        "Session token; other users see it in `ps`: prefer CODER_SESSION_TOKEN [env: CODER_SESSION_TOKEN]",
      global: true,
    })
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

/**
 * The examples, each command on a line of its own with what it does under it. yargs' own examples section puts
 * them in two columns, the first at most half the width, so a longer command wrapped in the middle.
 */
function examplesHelp(examples: readonly (readonly [string, string])[]): string {
  if (examples.length === 0) return "";
  return `Examples:\n${examples.map(([example, text]) => `  ${example}\n      ${text}`).join("\n")}`;
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
      for (const sub of command.subcommands ?? []) registerCommand(y, io, sub, onRun, state);
      if (command.subcommands?.length) y.demandCommand(1, "Pick a subcommand.");
      const examples = command.examples ?? EXAMPLES[command.command.split(" ")[0]!] ?? [];
      y.epilogue(
        [examplesHelp(examples), command.epilogue, exitCodeHelp()].filter((part) => part).join("\n\n"),
      );
      return y;
    },
    handler: async (raw: Record<string, unknown>) => {
      const args = raw as GlobalArgs & Record<string, unknown>;
      onRun(args);
      await command.handler(args, createContext(io, args, args.output === "json", state));
    },
  });
}
