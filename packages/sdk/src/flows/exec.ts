import { randomBytes } from "node:crypto";
import { SOCKET_HANDSHAKE_TIMEOUT_MS, SOCKET_IDLE_TIMEOUT_MS } from "../client/stream.js";
import type { CoderClient } from "../coder-client.js";
import { CoderAbortError, CoderInvalidInputError } from "../errors/base.js";
import { AgentChoiceError, ExecTimeoutError, WorkspaceNotRunningError } from "../errors/exec.js";
import { AgentNotReadyError } from "../errors/flows.js";
import { MarkerScanner } from "../exec/markers.js";
import { failure, KeptOutput } from "../exec/outcome.js";
import { openPty, type PtyEnd } from "../exec/pty.js";
import {
  commandLine,
  inlineScript,
  MAX_START_MESSAGE_BYTES,
  startMessageBytes,
  typedScript,
} from "../exec/script.js";
import type { Workspace, WorkspaceAgent } from "../types.js";
import { agentsOf } from "./wait.js";

/** Options of {@link exec}. */
export interface ExecOptions {
  /** The agent's name; required when the workspace has several. */
  agent?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Give up after this long: the command is sent Ctrl-C and {@link ExecTimeoutError} thrown. No limit by default. */
  timeoutMs?: number | undefined;
  /** Columns of the terminal; default 80. */
  width?: number | undefined;
  /** Rows of the terminal; default 24. */
  height?: number | undefined;
  /** Output as it arrives: stdout and stderr merged as a terminal shows them, decoded as UTF-8, markers removed. */
  onOutput?: ((text: string) => void) | undefined;
  /**
   * Leave the terminal as the agent sets it up (`TERM=xterm-256color`, LF sent as CRLF), for output shown on a
   * terminal. Default false: `TERM=dumb` and LF kept, for output that is captured.
   */
  raw?: boolean | undefined;
  /** The most output kept in the result, in UTF-8 bytes (`onOutput` still sees everything); default 16 MiB. */
  maxOutputBytes?: number | undefined;
  /** How long the WebSocket upgrade may take; default 30 s. */
  handshakeTimeoutMs?: number | undefined;
  /** How long the connection may stay without a frame or ping (coderd pings every 15 s); default 60 s. */
  idleTimeoutMs?: number | undefined;
}

/** What {@link exec} returns once the command has ended. */
export interface ExecResult {
  /** The command's exit status, as its shell reports it (`$?`: 127 not found, 128 + n killed by signal n). */
  exitCode: number;
  /** What the command printed (up to `maxOutputBytes`). */
  output: string;
  outputTruncated: boolean;
  /** The workspace as it was read before the command ran. */
  workspace: Workspace;
  agent: WorkspaceAgent;
  durationMs: number;
}

/**
 * The longest command line, in UTF-8 bytes. One that does not fit in the agent's start message is typed into the
 * terminal instead, and reaches the user's shell as one argument (`-c`), which Linux caps at 128 KiB.
 */
export const MAX_EXEC_COMMAND_BYTES = 100_000;

const CTRL_C = "\u0003";

/**
 * Runs a command in a workspace through coderd's reconnecting-PTY WebSocket (the web terminal), with no coder
 * binary and no SSH, and returns its exit status and output. A string is a shell command line for the user's
 * shell; an array is an argument list, passed word for word. The workspace is read again first: it must be
 * running and the agent connected.
 *
 * coderd sends no exit status: the command runs inside a small `/bin/sh` script that prints markers with a random
 * nonce around it (`src/exec/script.ts`), and a connection that ends without the exit marker is an
 * {@link ExecError} whose `reason` says how it ended. The connection is never resumed: the agent starts a
 * finished session's command again for a reused `reconnect` id. Aborting or the timeout sends Ctrl-C, then
 * closes. Limits (merged stdout and stderr, stdin at end of file, the shell used) are in the SDK's README.
 */
export async function exec(
  client: CoderClient,
  workspace: Workspace,
  command: string | readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const startedAt = performance.now();
  checkCommand(command);
  const width = terminalSize("width", options.width ?? 80);
  const height = terminalSize("height", options.height ?? 24);
  const fresh = await client.workspaces.get(workspace.id, { signal: options.signal });
  const agent = chooseAgent(fresh, options.agent);
  const nonce = randomBytes(16).toString("hex");
  const raw = options.raw ?? false;
  const line = commandLine(command);
  const bytes = Buffer.byteLength(line);
  if (bytes > MAX_EXEC_COMMAND_BYTES) {
    throw new CoderInvalidInputError(
      `The command is too long: ${bytes} bytes, at most ${MAX_EXEC_COMMAND_BYTES} (the shell takes it as one argument).`,
    );
  }
  // A long command line would not reach the agent whole in its start message: it is typed in after the start.
  const inline = inlineScript(line, nonce, raw);
  const typed = startMessageBytes(inline, width, height) > MAX_START_MESSAGE_BYTES;
  const script = typed ? typedScript(bytes, nonce, raw) : inline;
  const run = await runScript(
    client,
    agent,
    { script, nonce, input: typed ? line : undefined },
    {
      ...options,
      width,
      height,
    },
  );
  return { ...run, workspace: fresh, agent, durationMs: performance.now() - startedAt };
}

function checkCommand(command: string | readonly string[]): void {
  const words = typeof command === "string" ? [command] : command;
  if (words.length === 0 || !words[0]?.trim()) throw new CoderInvalidInputError("The command is empty.");
  if (words.some((word) => word.includes("\0"))) {
    throw new CoderInvalidInputError("A command cannot contain a NUL character.");
  }
}

function terminalSize(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new CoderInvalidInputError(
      `The terminal ${name} must be a whole number from 1 to 65535, not ${value}.`,
    );
  }
  return value;
}

/** The agent to use: the named one, or the only one. It must be connected. */
function chooseAgent(workspace: Workspace, name: string | undefined): WorkspaceAgent {
  const label = `${workspace.owner_name}/${workspace.name}`;
  const build = workspace.latest_build;
  if (build.transition !== "start" || build.status !== "running") {
    throw new WorkspaceNotRunningError(label, build.status, build.transition);
  }
  const agents = agentsOf(workspace);
  const names = agents.map((a) => a.name);
  const agent =
    name === undefined ? (agents.length === 1 ? agents[0] : undefined) : agents.find((a) => a.name === name);
  if (!agent) {
    const reason = agents.length === 0 ? "none" : name === undefined ? "ambiguous" : "unknown";
    throw new AgentChoiceError({ reason, workspace: label, agents: names, requested: name });
  }
  if (agent.status !== "connected") {
    throw new AgentNotReadyError(`Agent "${agent.name}" of ${label} is ${agent.status}, not connected.`, []);
  }
  return agent;
}

/** How the wait for the exit marker ended, short of the connection ending. */
type Stop =
  | { kind: "status"; exitCode: number }
  | { kind: "timeout" }
  | { kind: "abort" }
  | { kind: "error"; error: unknown };

/** What the agent runs, its nonce, and what to type once it has started (a long command line). */
interface Run {
  script: string;
  nonce: string;
  input: string | undefined;
}

async function runScript(
  client: CoderClient,
  agent: WorkspaceAgent,
  { script, nonce, input }: Run,
  options: ExecOptions & { width: number; height: number },
): Promise<Pick<ExecResult, "exitCode" | "output" | "outputTruncated">> {
  options.signal?.throwIfAborted();
  const scanner = new MarkerScanner(nonce);
  const decoder = new TextDecoder();
  const kept = new KeptOutput(options.maxOutputBytes ?? 16 * 1024 * 1024);
  const emit = (text: string) => {
    if (!text) return;
    kept.add(text);
    options.onOutput?.(text);
  };
  let pending = input;
  let stop: (reason: Stop) => void = () => {};
  const stopped = new Promise<Stop>((resolve) => {
    stop = resolve;
  });
  const pty = openPty(
    client,
    {
      agentId: agent.id,
      command: script,
      width: options.width,
      height: options.height,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? SOCKET_HANDSHAKE_TIMEOUT_MS,
      idleTimeoutMs: options.idleTimeoutMs ?? SOCKET_IDLE_TIMEOUT_MS,
    },
    (bytes) => {
      try {
        emit(decoder.decode(scanner.push(bytes), { stream: true }));
      } catch (error) {
        stop({ kind: "error", error }); // the caller's onOutput threw
      }
      if (scanner.started && pending !== undefined) {
        pty.type(pending);
        pending = undefined;
      }
      if (scanner.exitCode !== undefined) stop({ kind: "status", exitCode: scanner.exitCode });
    },
  );
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => stop({ kind: "timeout" }), options.timeoutMs);
  const onAbort = () => stop({ kind: "abort" });
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const outcome: Stop | PtyEnd = await Promise.race([stopped, pty.ended]);
    if (outcome.kind === "timeout" || outcome.kind === "abort") pty.type(CTRL_C);
    pty.close();
    // Bytes held back as a possible marker that never completed were output after all.
    if (scanner.exitCode === undefined) emit(decoder.decode(scanner.flush(), { stream: true }));
    emit(decoder.decode());
    if (outcome.kind === "status") {
      return { exitCode: outcome.exitCode, output: kept.text(), outputTruncated: kept.truncated };
    }
    const where = `agent "${agent.name}"`;
    switch (outcome.kind) {
      case "timeout":
        throw new ExecTimeoutError(
          `The command on ${where} did not finish within ${options.timeoutMs} ms; it was sent Ctrl-C.`,
          options.timeoutMs ?? 0,
          kept.text(),
        );
      case "abort":
        throw new CoderAbortError(`The command on ${where} was aborted; it was sent Ctrl-C.`);
      case "error":
        throw outcome.error;
      default:
        throw failure(outcome, where, agent.id, scanner.started, kept.text());
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
