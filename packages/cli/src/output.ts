/**
 * The boundary every byte the CLI prints crosses: each write to stdout and stderr is passed through the one
 * sanitiser (ui/terminal-text.ts: no control sequence from a server reaches the terminal) and the redaction of
 * what we know is secret, the session token and credentials typed inside URLs, whoever echoes them (src/redact.ts). Our own cursor controls (the spinner's clear-line, the fleet
 * block's moves) go through {@link GuardedOutput.control}, which carries no text.
 */
import { Writable } from "node:stream";
import type { Io } from "./io.js";
import { redact, secretsIn } from "./redact.js";
import { createPrompt, type PromptFn } from "./ui/prompt.js";
import { terminalText } from "./ui/terminal-text.js";

/**
 * Where colour (and so a server's plain SGR colours) may pass, set once the run knows its flags; and the secrets
 * never printed, added as the run learns them.
 */
export interface OutputPolicy {
  colour: { stdout: boolean; stderr: boolean };
  secrets: Set<string>;
}

/** Adds the secrets in `values` (tokens, or values that may hold credentials) to those never printed. */
export function keepSecret(policy: OutputPolicy, kind: "token" | "value", values: Iterable<unknown>): void {
  for (const value of values) {
    if (typeof value !== "string" || value === "") continue;
    for (const secret of secretsIn(value, kind)) policy.secrets.add(secret);
  }
}

/** The guarded `Io`, and the unfiltered path for our own cursor controls on stderr. */
export interface GuardedOutput {
  io: Io;
  /** Writes one of our own control sequences (clear line, cursor up) to stderr as it is. Never text. */
  control(sequence: string): void;
  /** Makes `text` safe for a terminal line that does not go through `io` (a prompt drawn by readline). */
  printable(text: string): string;
}

/**
 * The same `Io` with every write to stdout and stderr made safe under `policy` (read at each write, so flags parsed
 * later apply). Prompts still draw on the real stderr stream (readline needs the stream itself), so a prompt is
 * made here from the raw one; its question goes through {@link GuardedOutput.printable} where it is asked.
 */
export function guardOutput(io: Io, policy: OutputPolicy): GuardedOutput {
  const stderr = io.stderr;
  let prompt = io.prompt;
  const lazyPrompt: PromptFn | undefined =
    prompt || !(stderr instanceof Writable)
      ? prompt
      : (question, options) => {
          prompt ??= createPrompt(io.stdin(), stderr);
          return prompt(question, options);
        };
  const safe = (text: string, sgr: boolean) => terminalText(redact(text, policy.secrets), { sgr });
  return {
    io: {
      ...io,
      stdout: { write: (text: string) => io.stdout.write(safe(text, policy.colour.stdout)) },
      stderr: { write: (text: string) => stderr.write(safe(text, policy.colour.stderr)) },
      ...(lazyPrompt ? { prompt: lazyPrompt } : {}),
    },
    control: (sequence) => stderr.write(sequence),
    printable: (text) => safe(text, false),
  };
}
