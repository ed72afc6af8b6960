import type { Readable, Writable } from "node:stream";
import type { WebSocketDialer } from "@spt-coder/sdk";
import type { SpawnFn } from "./command.js";
import type { InterruptSignal } from "./exit-codes.js";
import type { ConfirmFn, PromptFn } from "./ui/prompt.js";

const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

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
  /**
   * Resolves once stdout and stderr can take more (at once when they can): a command that prints a stream of
   * lines awaits it, so a stalled reader holds the command instead of an ever-growing buffer. Tests may leave it
   * out.
   */
  drained?(): Promise<void>;
  /** Subscribes to SIGINT, SIGTERM and SIGHUP; returns the unsubscribe function. */
  onInterrupt(listener: (signal: InterruptSignal) => void): () => void;
  /** Hard exit (a second Ctrl-C or signal). */
  exit(code: number): never;
  /** Test hooks. */
  fetch?: typeof fetch;
  webSocket?: WebSocketDialer;
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
    drained: drainedOf([process.stdout, process.stderr]),
    onInterrupt(listener) {
      // While subscribed these signals no longer end the process on their own: the command stops as for Ctrl-C.
      const handlers = INTERRUPT_SIGNALS.map((signal) => [signal, () => listener(signal)] as const);
      for (const [signal, handler] of handlers) process.on(signal, handler);
      return () => {
        for (const [signal, handler] of handlers) process.off(signal, handler);
      };
    },
    exit: (code) => process.exit(code),
  };
}

/** `Io.drained` over these streams. */
export function drainedOf(streams: readonly Writable[]): () => Promise<void> {
  return () => Promise.all(streams.map(room)).then(() => {});
}

/** Resolves when `stream` is below its high-water mark again, or can no longer be written. */
function room(stream: Writable): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done).off("close", done).off("error", done);
      resolve();
    };
    stream.on("drain", done).on("close", done).on("error", done);
  });
}

/** Resolves once everything written to `stream` so far has been handed to the system (or the reader went away). */
function written(stream: Writable): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off("close", done).off("error", done);
      resolve();
    };
    stream.on("close", done).on("error", done);
    stream.write("", done); // called after every write before it
  });
}

/**
 * Ends the process with `code` once stdout and stderr hold nothing unwritten, however long a slow reader takes
 * (`list -o json | (sleep 2; wc -c)` lost all but 64 KiB when the exit came 200 ms after the command). Only then
 * may a stray keep-alive socket or timer be cut short: after `graceMs`, `exit` ends what is left.
 */
export async function exitWhenWritten(
  code: number,
  streams: readonly Writable[],
  exit: (code: number) => void,
  graceMs = 200,
): Promise<void> {
  await Promise.all(streams.map(written));
  setTimeout(() => exit(code), graceMs).unref();
}
