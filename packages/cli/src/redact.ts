/**
 * Credentials a user typed inside a URL-like value (`--repo https://user:secret@host/…`, a parameter value, a
 * git URL with a personal access token as the user name) must never be echoed back. Every line the CLI prints
 * goes through {@link stripUserinfo} (src/output.ts); the value itself still reaches Coder unchanged (the workspace
 * needs it).
 */

// scheme://userinfo@ — the userinfo runs to the last "@" before the path, query or fragment starts (WHATWG URL
// does the same with an unencoded "@" in a password), and never across quotes, spaces or angle brackets, so a
// URL inside JSON or a sentence is cut at its end.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"'<>@]*(?:@[^/?#\s"'<>@]*)*@/gi;

/** `text` with the userinfo of every `scheme://user:pass@host` in it removed (`scheme://host`). */
export function stripUserinfo(text: string): string {
  return text.includes("@") ? text.replace(USERINFO, "$1") : text;
}
