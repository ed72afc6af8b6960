import type { Readable } from "node:stream";
import type { SpawnFn } from "./command.js";
import type { ConfirmFn, PromptFn } from "./ui/prompt.js";

/** The outside world of one `main()` run. `processIo()` wires it to the real process; tests pass fakes. */
export interface Io {
  stdout: { write(text: string): unknown };
  /** process.stderr in real runs: prompts need the stream itself, not only `write`. */
  stderr: { write(text: string): unknown };
  /** Resolved lazily: touching `process.stdin` has a cost and side effects. */
  stdin: () => Readable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  columns?: number | undefined;
  /** Subscribes to SIGINT; returns the unsubscribe function. */
  onInterrupt(listener: () => void): () => void;
  /** Hard exit (second Ctrl-C). */
  exit(code: number): never;
  /** Test hooks. */
  fetch?: typeof fetch;
  prompt?: PromptFn;
  confirm?: ConfirmFn;
  spawn?: SpawnFn;
}

/** The real process. */
export async function processIo(): Promise<Io> {
  const [{ homedir }, { isatty }] = await Promise.all([import("node:os"), import("node:tty")]);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: () => process.stdin,
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
    isTTY: {
      stdin: isatty(0),
      stdout: isatty(1),
      stderr: isatty(2),
    },
    columns: process.stdout.columns,
    onInterrupt(listener) {
      process.on("SIGINT", listener);
      return () => process.off("SIGINT", listener);
    },
    exit: (code) => process.exit(code),
  };
}
