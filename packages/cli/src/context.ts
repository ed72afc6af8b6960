// What a command touches outside its arguments (Ctx, command.ts), built once per run from the Io: output through
// the sanitiser, prompts, the lazily loaded SDK, clients with the CLI's hooks, Ctrl-C handling.
import { Writable } from "node:stream";
import type { RetryInfo } from "@spt-coder/sdk";
import type { Ctx, GlobalArgs, InterruptScope, Sdk } from "./command.js";
import { type ConfigSource, resolveConfig } from "./config.js";
import { badNumberFlag, interruptedBy, UsageError } from "./errors.js";
import { type InterruptSignal, interruptExitCode } from "./exit-codes.js";
import type { Io } from "./io.js";
import { type GuardedOutput, keepSecret, type OutputPolicy } from "./output.js";
import { createColors, shouldUseColor } from "./ui/colors.js";
import { createLineSink } from "./ui/lines.js";
import { createConfirm, createPrompt, type PromptFn } from "./ui/prompt.js";
import { VERSION } from "./version.js";

/**
 * One run: the guarded output and its policy (set from the flags once parsed), and what a failed run's report
 * needs to know: its arguments and where the token came from.
 */
export interface RunState {
  output: GuardedOutput;
  policy: OutputPolicy;
  args?: GlobalArgs & { output?: string };
  tokenSource?: ConfigSource | undefined;
}

/** The context of one command run: `json` (-o json) turns prompts and the live status line off. */
export function createContext(io: Io, args: GlobalArgs, json: boolean, state: RunState): Ctx {
  const colors = createColors(shouldUseColor({ flag: args.color, env: io.env, isTTY: io.isTTY.stderr }));
  state.policy.colour = {
    stdout: shouldUseColor({ flag: args.color, env: io.env, isTTY: io.isTTY.stdout }),
    stderr: colors.enabled,
  };
  const { control, printable } = state.output;
  const secret = (kind: "token" | "value", values: Iterable<unknown>) =>
    keepSecret(state.policy, kind, values);
  secret("token", [args.token]);
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
  let transport: typeof fetch | undefined;
  const httpFetch = async () => {
    transport ??= io.fetch ?? (await loadSdk()).createNodeFetch();
    return transport;
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
      secret("token", [config.token?.value]);
      state.tokenSource = config.token?.source;
      for (const warning of config.warnings) warn(warning);
      return config;
    },
    keepSecrets: (values) => secret("value", values),
    readStdin: () => readAll(io.stdin()),
    httpFetch,
    connect: async ({ url, token }) => {
      secret("token", [token]);
      const { createCoderClient } = await loadSdk();
      return createCoderClient({
        url,
        ...(token ? { token } : {}),
        fetch: await httpFetch(),
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
    throw badNumberFlag("--request-timeout", "a positive number of seconds", "60", seconds);
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

function trapInterrupts(io: Io, onFirst?: (signal: InterruptSignal) => void): InterruptScope {
  const controller = new AbortController();
  let received: InterruptSignal | undefined;
  const off = io.onInterrupt((signal) => {
    if (received) {
      io.stderr.write(`\n${interruptedBy(signal)} again: exiting now.\n`);
      io.exit(interruptExitCode(signal));
    }
    received = signal;
    onFirst?.(signal);
    controller.abort();
  });
  return {
    signal: controller.signal,
    get interrupted() {
      return received !== undefined;
    },
    get received() {
      return received;
    },
    dispose: off,
  };
}

/** The most a command reads from standard input (a token piped in is a few dozen bytes). */
const MAX_STDIN_BYTES = 64 * 1024;

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of input) {
    text += String(chunk);
    if (text.length > MAX_STDIN_BYTES) throw new UsageError("Standard input is larger than a session token.");
  }
  return text;
}
