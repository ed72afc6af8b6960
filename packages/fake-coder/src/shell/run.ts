/**
 * The fake agent's shell, part two: runs what `parse.ts` read. Builtins: `echo`, `printf`, `true`, `false`, `:`,
 * `exit`, `export`, `stty` (the terminal's modes, see terminals.ts), `head -c N` (N bytes typed into the terminal),
 * and `<shell> -c <command line>` for any `sh`-like program. Every other command, and every `-c` command line, is
 * first offered to the fake's user through `script`; what they leave (`undefined`) is "not found" (127), as dash
 * says it.
 */
import { type AndOr, parseCommandLine, ShellSyntaxError, type SimpleCommand, type Word } from "./parse.js";

/** What a scripted command does. */
export interface ScriptedResult {
  /** Printed on the terminal (stdout and stderr are one stream there). */
  output?: string;
  /** Default 0. */
  exit_code?: number;
  /** The whole session ends here, before any shell finishes (as when the agent stops or kills the shell). */
  hangup?: boolean;
}

/** Where the shell writes and what it asks its user. */
export interface ShellIo {
  /** Writes to the terminal. */
  write(text: string): void;
  /** `stty <settings>`. */
  stty(settings: string[]): void;
  /** The next `bytes` bytes typed into the terminal, once they have been. */
  read(bytes: number): Promise<string>;
  /** Ctrl-C, or the session's end. */
  signal: AbortSignal;
  /** The fake's user decides what `command` does; `argv` is set for a simple command, not a `-c` line. */
  script(
    command: string,
    argv: string[] | undefined,
    env: Record<string, string>,
  ): Promise<ScriptedResult | undefined> | ScriptedResult | undefined;
}

/** Thrown when the session ends before the shell finishes: a scripted hangup, or Ctrl-C. */
export class SessionEnded extends Error {}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "fish"]);

/** Runs a command line as `sh -c` would and resolves with its exit status. */
export async function runShell(line: string, env: Record<string, string>, io: ShellIo): Promise<number> {
  let lists: AndOr[];
  try {
    lists = parseCommandLine(line);
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    io.write(`sh: 1: ${error.message}\n`);
    return 2;
  }
  const shell = new Shell({ ...env }, io);
  try {
    for (const list of lists) await shell.runList(list);
  } catch (error) {
    if (error instanceof Exit) return error.code;
    throw error;
  }
  return shell.status;
}

class Shell {
  status = 0;
  constructor(
    private readonly env: Record<string, string>,
    private readonly io: ShellIo,
  ) {}

  async runList(list: AndOr): Promise<void> {
    this.status = await this.run(list.first);
    for (const { op, command } of list.rest) {
      if ((op === "&&") === (this.status === 0)) this.status = await this.run(command);
    }
  }

  /** A word's text; a command substitution runs its command and takes its output, trailing newlines cut. */
  private async expand(word: Word, substituted: { status?: number }): Promise<string> {
    let text = "";
    for (const s of word) {
      if ("text" in s) text += s.text;
      else if ("command" in s) {
        let output = "";
        substituted.status = await runShell(s.command, this.env, { ...this.io, write: (t) => (output += t) });
        text += output.replace(/\n+$/, "");
      } else {
        const value = s.param === "?" ? String(this.status) : this.env[s.param];
        text += s.fallback !== undefined && !value ? s.fallback : (value ?? "");
      }
    }
    return text;
  }

  private async run(command: SimpleCommand): Promise<number> {
    const substituted: { status?: number } = {};
    const assigned: Record<string, string> = {};
    for (const a of command.assignments) assigned[a.name] = await this.expand(a.value, substituted);
    const argv: string[] = [];
    for (const w of command.words) argv.push(await this.expand(w, substituted));
    if (argv.length === 0) {
      Object.assign(this.env, assigned);
      return substituted.status ?? 0;
    }
    const outputs: Record<number, boolean> = { 1: true, 2: true };
    for (const r of command.redirects) {
      const target = await this.expand(r.target, substituted);
      if (r.op === ">&") outputs[r.fd] = outputs[Number(target)] ?? true;
      else if (target === "/dev/null") outputs[r.fd] = false;
      else {
        this.io.write(`sh: 1: cannot ${r.op === "<" ? "open" : "create"} ${target}: Permission denied\n`);
        return 2;
      }
    }
    const out = (text: string) => outputs[1] && this.io.write(text);
    const err = (text: string) => outputs[2] && this.io.write(text);
    const env = { ...this.env, ...assigned };
    const [name, ...args] = argv as [string, ...string[]];
    switch (name) {
      case "true":
      case ":":
        return 0;
      case "false":
        return 1;
      case "echo":
        out(args[0] === "-n" ? args.slice(1).join(" ") : `${args.join(" ")}\n`);
        return 0;
      case "printf":
        if (args.length === 0) {
          err("printf: usage: printf format [arg ...]\n");
          return 2;
        }
        out(printf(args[0]!, args.slice(1)));
        return 0;
      case "exit":
        throw new Exit(args[0] === undefined ? this.status : Number(args[0]) & 255);
      case "export":
        for (const arg of args) {
          const [key, ...value] = arg.split("=");
          if (value.length > 0) this.env[key!] = value.join("=");
        }
        return 0;
      case "stty":
        this.io.stty(args);
        return 0;
      case "head":
        if (args[0] === "-c" && /^\d+$/.test(args[1] ?? "")) {
          out(await this.interruptible(this.io.read(Number(args[1]))));
          return 0;
        }
    }
    const shell = SHELLS.has(name.split("/").pop() ?? "") && args[0] === "-c";
    if (shell && args[1] === undefined) {
      err(`${name}: 0: -c requires an argument\n`);
      return 2;
    }
    const result = await this.scripted(shell ? args[1]! : argv.join(" "), shell ? undefined : argv, env);
    if (result) {
      if (result.output) out(result.output);
      if (result.hangup) throw new SessionEnded("the session was hung up");
      return (result.exit_code ?? 0) & 255;
    }
    if (shell) return runShell(args[1]!, env, this.io);
    err(`sh: 1: ${name}: not found\n`);
    return 127;
  }

  /** Asks the fake's user, unless Ctrl-C comes first. */
  private scripted(command: string, argv: string[] | undefined, env: Record<string, string>) {
    return this.interruptible(Promise.resolve(this.io.script(command, argv, env)));
  }

  /** `pending`, or SessionEnded when the session ends first. */
  private interruptible<T>(pending: Promise<T>): Promise<T> {
    const { signal } = this.io;
    if (signal.aborted) return Promise.reject(new SessionEnded("interrupted"));
    const interrupted = new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(new SessionEnded("interrupted")), { once: true }),
    );
    interrupted.catch(() => {});
    return Promise.race([pending, interrupted]);
  }
}

/** POSIX printf: `%s %d %i %c %%` and backslash escapes (octal `\NNN` too); the format repeats for extra arguments. */
function printf(format: string, args: string[]): string {
  let out = "";
  let next = 0;
  do {
    const before = next;
    for (let i = 0; i < format.length; i++) {
      const c = format[i]!;
      if (c === "\\") {
        const octal = /^[0-7]{1,3}/.exec(format.slice(i + 1))?.[0];
        if (octal) {
          out += String.fromCharCode(Number.parseInt(octal, 8));
          i += octal.length;
        } else {
          const e = format[++i] ?? "\\";
          out +=
            { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\" }[e] ?? `\\${e}`;
        }
      } else if (c === "%") {
        const spec = format[++i];
        if (spec === "%") out += "%";
        else {
          const arg = args[next++] ?? "";
          if (spec === "d" || spec === "i") out += String(Number.parseInt(arg, 10) || 0);
          else if (spec === "c") out += arg.slice(0, 1);
          else out += arg;
        }
      } else out += c;
    }
    if (next === before) break;
  } while (next < args.length);
  return out;
}
