/**
 * The agents' reconnecting terminals (`agent/reconnectingpty`, the `buffered` backend), as the PTY route serves
 * them. A session is keyed by agent and `reconnect` id: attaching to a running one replays its last 64 KiB and
 * then follows it; a session whose command ended is gone, so the same id starts the command again, as the real
 * agent does. The command runs in the fake shell (`shell/`), which asks the fake's `exec` option what each
 * command does. The terminal's modes, as `stty` sets them: output processing (LF → CRLF), echo of what is typed,
 * and signals (Ctrl-C echoes `^C` and ends the session, as SIGINT ends the foreground group); `raw` turns off the
 * first and the last, `sane` turns all on. When the command ends, every connection is ended without a close
 * frame, as coderd does (the client sees 1006).
 */
import { runShell, type ScriptedResult, SessionEnded, type ShellIo } from "./shell/run.js";

export type { ScriptedResult } from "./shell/run.js";

/** What an `exec` script sees of the command it is asked about. */
export interface FakeExecContext {
  /** The words of a simple command; undefined for a command line given to a shell with `-c`. */
  argv: string[] | undefined;
  workspace: { owner: string; name: string };
  agent: string;
  /** The command's environment (`USER`, `HOME`, `SHELL`, `TERM`, the agent's `env`, assignments). */
  env: Readonly<Record<string, string>>;
  terminal: { width: number; height: number };
  /** Aborted on Ctrl-C and when the session ends. */
  signal: AbortSignal;
  /** Prints now, before the result (for streamed output). */
  write(text: string): void;
}

/** Scripts a command: a result, or `undefined` to leave it to the fake shell (builtins, else 127 "not found"). */
export type FakeExecHandler = (
  command: string,
  ctx: FakeExecContext,
) => ScriptedResult | undefined | Promise<ScriptedResult | undefined>;

/** The `exec` option: a function, or a table from exact command to result. */
export type FakeExecOption = FakeExecHandler | Record<string, ScriptedResult>;

/** Where a session's output goes: one connection. */
export interface TerminalSink {
  sendBytes(data: Uint8Array): void;
  drop(): void;
}

/** What starting a session needs. */
export interface TerminalInit {
  command: string;
  width: number;
  height: number;
  env: Record<string, string>;
  workspace: { owner: string; name: string };
  agent: string;
}

/** One attached connection. */
export interface TerminalAttachment {
  /** Input typed into the terminal. */
  input(data: string): void;
  detach(): void;
}

/** The agent's replay buffer (`circbuf.NewBuffer(64 << 10)`). */
const REPLAY_BYTES = 64 * 1024;
const SHELL_WORDS = /^(?:sh|bash|dash|ash|zsh|ksh|fish)$/;

/** Every terminal session of one fake. */
export class Terminals {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly exec: FakeExecOption | undefined,
    /** The largest output frame (the agent reads 1 KiB at a time). */
    private readonly frameBytes: number,
  ) {}

  /** Attaches to the session `key`, starting it when there is none. */
  attach(key: string, init: TerminalInit, sink: TerminalSink): TerminalAttachment {
    let session = this.sessions.get(key);
    if (!session) {
      const created = new Session(init, this.frameBytes, () => this.sessions.delete(key));
      this.sessions.set(key, created);
      session = created;
      void created.start((command, ctx) => this.ask(command, ctx));
    }
    return session.attach(sink);
  }

  /** Ends every session (the fake is closing). */
  dispose(): void {
    for (const session of this.sessions.values()) session.end();
  }

  private ask(command: string, ctx: FakeExecContext) {
    if (typeof this.exec === "function") return this.exec(command, ctx);
    return this.exec && Object.hasOwn(this.exec, command) ? this.exec[command] : undefined;
  }
}

class Session {
  private readonly sinks = new Set<TerminalSink>();
  private readonly controller = new AbortController();
  private replay: Uint8Array = new Uint8Array(0);
  private readonly modes = { opost: true, onlcr: true, echo: true, isig: true };
  /** What was typed and not read yet, and a reader waiting for more. */
  private typed = Buffer.alloc(0);
  private reader: { bytes: number; resolve: (text: string) => void } | undefined;
  private ended = false;

  constructor(
    private readonly init: TerminalInit,
    private readonly frameBytes: number,
    private readonly forget: () => void,
  ) {}

  attach(sink: TerminalSink): TerminalAttachment {
    if (this.replay.length > 0) this.send(sink, this.replay);
    if (this.ended) sink.drop();
    else this.sinks.add(sink);
    return {
      input: (data) => this.input(data),
      detach: () => this.sinks.delete(sink),
    };
  }

  /** Runs the command as the agent does: a `#!` script with that interpreter, anything else with `$SHELL -c`. */
  async start(ask: FakeExecHandler): Promise<void> {
    const { command, env } = this.init;
    const io: ShellIo = {
      write: (text) => this.write(text),
      stty: (settings) => this.stty(settings),
      read: (bytes) => this.read(bytes),
      signal: this.controller.signal,
      script: (line, argv, commandEnv) =>
        ask(line, {
          argv,
          workspace: this.init.workspace,
          agent: this.init.agent,
          env: commandEnv,
          terminal: { width: this.init.width, height: this.init.height },
          signal: this.controller.signal,
          write: (text) => this.write(text),
        }),
    };
    try {
      const shebang = /^\s*#!\s*(\S+)/.exec(command)?.[1];
      const shell = env.SHELL ?? "/bin/sh";
      if (command.trim() === "") {
        // A real agent starts an interactive login shell here; the fake has none.
      } else if (shebang && SHELL_WORDS.test(shebang.split("/").pop() ?? ""))
        await runShell(command, env, io);
      else await runShell(`${shebang ?? shell} -c ${quote(command)}`, env, io);
    } catch (error) {
      if (!(error instanceof SessionEnded)) this.write(`fake-coder: ${String(error)}\n`);
    }
    this.end();
  }

  /** Ends the session: every connection is ended, without a close frame, as coderd does. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.controller.abort();
    this.forget();
    for (const sink of this.sinks) sink.drop();
    this.sinks.clear();
  }

  private stty(settings: string[]): void {
    for (const setting of settings) {
      const on = !setting.startsWith("-");
      const name = setting.replace(/^-/, "");
      if (name === "raw") {
        // `raw` is no output processing and no signals (and no line editing, which the fake has not).
        this.modes.opost = !on;
        this.modes.isig = !on;
      } else if (name === "cooked") {
        this.modes.opost = this.modes.isig = on;
      } else if (name === "sane")
        Object.assign(this.modes, { opost: true, onlcr: true, echo: true, isig: true });
      else if (name in this.modes) this.modes[name as keyof typeof this.modes] = on;
    }
  }

  private input(data: string): void {
    if (this.ended) return;
    for (const c of data) {
      if (c === "\u0003" && this.modes.isig) {
        if (this.modes.echo) this.write("^C");
        this.end();
        return;
      }
      if (this.modes.echo) this.write(c);
      this.typed = Buffer.concat([this.typed, Buffer.from(c)]);
    }
    this.deliver();
  }

  private read(bytes: number): Promise<string> {
    return new Promise((resolve) => {
      this.reader = { bytes, resolve };
      this.deliver();
    });
  }

  private deliver(): void {
    const reader = this.reader;
    if (!reader || this.typed.length < reader.bytes) return;
    this.reader = undefined;
    reader.resolve(this.typed.subarray(0, reader.bytes).toString("utf8"));
    this.typed = this.typed.subarray(reader.bytes);
  }

  private write(text: string): void {
    if (this.ended || text === "") return;
    const crlf = this.modes.opost && this.modes.onlcr;
    const bytes = Buffer.from(crlf ? text.replace(/\n/g, "\r\n") : text);
    const joined = Buffer.concat([this.replay, bytes]);
    this.replay = joined.subarray(Math.max(0, joined.length - REPLAY_BYTES));
    for (const sink of this.sinks) this.send(sink, bytes);
  }

  private send(sink: TerminalSink, bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += this.frameBytes)
      sink.sendBytes(bytes.subarray(at, at + this.frameBytes));
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
