/**
 * Credentials a user typed inside a URL-like value (`--repo https://user:secret@host/…`, a parameter value, a
 * git URL with a personal access token as the user name) must never be echoed back. Every line the CLI prints
 * goes through {@link stripUserinfo}; the value itself still reaches Coder unchanged (the workspace needs it).
 */
import { Writable } from "node:stream";
import type { Io } from "./io.js";
import { createPrompt, type PromptFn } from "./ui/prompt.js";

// scheme://userinfo@ — the userinfo runs to the last "@" before the path, query or fragment starts (WHATWG URL
// does the same with an unencoded "@" in a password), and never across quotes, spaces or angle brackets, so a
// URL inside JSON or a sentence is cut at its end.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"'<>@]*(?:@[^/?#\s"'<>@]*)*@/gi;

/** `text` with the userinfo of every `scheme://user:pass@host` in it removed (`scheme://host`). */
export function stripUserinfo(text: string): string {
  return text.includes("@") ? text.replace(USERINFO, "$1") : text;
}

/**
 * The same `Io` with every write to stdout and stderr passed through {@link stripUserinfo}. Prompts still draw
 * on the real stderr stream (readline needs the stream itself), so a prompt is made here from the raw one.
 */
export function redactOutput(io: Io): Io {
  const stderr = io.stderr;
  let prompt = io.prompt;
  const lazyPrompt: PromptFn | undefined =
    prompt || !(stderr instanceof Writable)
      ? prompt
      : (question, options) => {
          prompt ??= createPrompt(io.stdin(), stderr);
          return prompt(question, options);
        };
  return {
    ...io,
    stdout: { write: (text: string) => io.stdout.write(stripUserinfo(text)) },
    stderr: { write: (text: string) => stderr.write(stripUserinfo(text)) },
    ...(lazyPrompt ? { prompt: lazyPrompt } : {}),
  };
}
