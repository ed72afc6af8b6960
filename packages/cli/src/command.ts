import type { CoderClient } from "@spt-coder/sdk";
import type { Options, PositionalOptions } from "yargs";
import type { ResolvedConfig } from "./config.js";
import type { InterruptSignal } from "./exit-codes.js";
import type { Colors } from "./ui/colors.js";
import type { LineSink } from "./ui/lines.js";
import type { ConfirmFn, PromptFn } from "./ui/prompt.js";

/** The SDK module, loaded on first use so `--help` and `--version` never pay for it. */
export type Sdk = typeof import("@spt-coder/sdk");

/** Flags every command accepts. */
export interface GlobalArgs {
  url?: string | undefined;
  token?: string | undefined;
  verbose: boolean;
  color: boolean;
  /** Seconds one HTTP attempt may take, answer body included. */
  "request-timeout"?: number | undefined;
}

/**
 * Ctrl-C handling for one long operation (SIGTERM and SIGHUP alike): the first aborts `signal`, a second exits at
 * once (130, 143 or 129).
 */
export interface InterruptScope {
  readonly signal: AbortSignal;
  /** True once Ctrl-C was pressed (or another interrupt signal came). */
  readonly interrupted: boolean;
  /** The first interrupt signal, once one came. */
  readonly received: InterruptSignal | undefined;
  dispose(): void;
}

/** Everything a command touches outside its arguments; injected so commands run in-process in tests. */
export interface Ctx {
  /** Data (the result, a table, JSON). Nothing else goes to stdout. */
  stdout(text: string): void;
  /** Progress, logs, warnings, prompts. */
  stderr(text: string): void;
  /**
   * Resolves once stdout and stderr can take more: a command printing a stream of lines (logs) awaits it after
   * each, so a stalled reader holds the command, and its memory stays bounded.
   */
  drained(): Promise<void>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly home: string;
  readonly isTTY: { readonly stdin: boolean; readonly stdout: boolean; readonly stderr: boolean };
  /** Styling for stderr (off with NO_COLOR, --no-color, or no terminal). */
  readonly colors: Colors;
  readonly verbose: boolean;
  /** True when a person can answer prompts: stdin and stderr are terminals. JSON mode must not prompt. */
  readonly canPrompt: boolean;
  prompt: PromptFn;
  confirm: ConfirmFn;
  /** A stderr line writer, with a spinner status line on a terminal. */
  lines(): LineSink;
  /**
   * Writes one of our own cursor controls (clear line, cursor up) to stderr as it is. Everything else, stdout and
   * stderr, passes the output sanitiser (src/output.ts); never pass text here.
   */
  control(sequence: string): void;
  /** `WARN: …` on stderr. */
  warn(message: string): void;
  sdk(): Promise<Sdk>;
  /** URL, token and organization from flags, env, spt-coder's config and coder's config. */
  resolveConfig(flags: {
    url?: string | undefined;
    token?: string | undefined;
    org?: string | undefined;
  }): Promise<ResolvedConfig>;
  /**
   * Never prints the credentials inside these values (a URL's password, a token as a URL's user), however they
   * come back: for values read from files; the command line's are known already.
   */
  keepSecrets(values: Iterable<string>): void;
  /** All of standard input, as text (a token piped in); at most 64 KiB. */
  readStdin(): Promise<string>;
  /**
   * The `fetch` every request of the run goes through: Node's own HTTP client (`createNodeFetch`; a CLI run is a
   * short process, and undici's start and exit cost it the most), or the test hook.
   */
  httpFetch(): Promise<typeof fetch>;
  /** A client with the CLI's hooks: warnings on stderr, request traces with `--verbose`. */
  connect(opts: { url: string; token?: string | undefined }): Promise<CoderClient>;
  /** Starts Ctrl-C (SIGTERM, SIGHUP) handling; call `dispose()` when the operation ends. */
  trapInterrupts(onFirst?: (signal: InterruptSignal) => void): InterruptScope;
  /** Ends the process at once (second Ctrl-C). */
  exit(code: number): never;
  /** Starts a child process (docker); injectable for tests. */
  spawn?: SpawnFn;
}

/** A minimal `child_process.spawn` wrapper: runs a command with inherited stderr and resolves its exit code. */
export type SpawnFn = (command: string, args: string[]) => Promise<{ code: number; stdout: string }>;

/** One command, as data (wrangler's createCommand): the registry in main.ts turns it into yargs calls. */
export interface CommandDef<A = Record<string, unknown>> {
  /** yargs syntax: `status <workspace>`, `login [url]`. */
  command: string;
  describe: string;
  positionals?: Record<string, PositionalOptions>;
  args?: Record<string, Options>;
  examples?: readonly (readonly [string, string])[];
  epilogue?: string;
  /**
   * The command takes free words after `--` (exec's command): its usage line, which a usage error shows when
   * `--` is missing (the words would otherwise read as unknown options).
   */
  afterDashes?: string;
  /** Nested commands (`templates versions list`); the parent's own handler then only runs when none matches. */
  subcommands?: readonly CommandDef<never>[];
  handler(args: A & GlobalArgs, ctx: Ctx): Promise<void>;
}

/** Declares a command; the identity function that gives `handler` its argument type. */
export function defineCommand<A>(def: CommandDef<A>): CommandDef<A> {
  return def;
}
