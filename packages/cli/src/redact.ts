/**
 * What we know is secret never reaches the output, whoever puts it there: the session token (a server or a proxy
 * may echo it in an error), and credentials a user typed inside a URL-like value (`--repo https://user:pw@host/…`,
 * a parameter value, a git remote `user:pw@host:path`). Every line the CLI prints goes through {@link redact}
 * (src/output.ts); the values themselves still reach Coder unchanged (the workspace needs them).
 */

// scheme://userinfo@ — the userinfo runs to the last "@" before the path, query or fragment starts (WHATWG URL
// does the same with an unencoded "@" in a password), and never across quotes, spaces or angle brackets, so a
// URL inside JSON or a sentence is cut at its end. Nor across "[" or "]": RFC 3986 allows neither in a userinfo,
// and help text writes an optional user as `ssh://[user@]host` (a typed password with one is known by secretsIn).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"'<>@[\]]*(?:@[^/?#\s"'<>@[\]]*)*@/gi;
// The same URL percent-encoded inside another (a query value): scheme%3A%2F%2Fuserinfo%40, never past an encoded
// "/", "?" or "#".
const ENCODED_USERINFO =
  /\b([a-z][a-z0-9+.-]*%3A%2F%2F)[^/?#&\s"'<>%]*(?:%(?!40|2F|3F|23)[0-9a-f]{2}[^/?#&\s"'<>%]*)*%40/gi;

/** Secrets shorter than this are not looked for: replacing every "dev" would garble the output, not protect it. */
const MIN_SECRET_LENGTH = 6;

/**
 * `text` with the userinfo of every `scheme://user:pass@host`, plain or percent-encoded, replaced by `***`, so a
 * value shown without its credentials does not read as the value typed (`https://***@host/…`). (A remote in scp
 * form, `user:pw@host:path`, reads like an image digest, `ubuntu:22.04@sha256:…`: only a typed one is known, by
 * {@link secretsIn}.)
 */
export function stripUserinfo(text: string): string {
  if (!text.includes("@") && !/%40/i.test(text)) return text;
  return text.replace(USERINFO, "$1***@").replace(ENCODED_USERINFO, "$1***%40");
}

/**
 * The secrets inside `value` as the output may spell them: a URL's password (or its user name when there is no
 * password: a token used as the user, `https://ghp_…@github.com`), in scheme or scp form, and a session token and
 * its secret half (`<id>-<secret>`). Each also as it reads percent-encoded and quoted, once or twice.
 */
export function secretsIn(value: string, kind: "token" | "value"): string[] {
  const found = kind === "token" ? [value, value.split("-")[1] ?? ""] : credentialsIn(value);
  const spellings = found.flatMap((secret) => {
    let decoded = secret;
    try {
      decoded = decodeURIComponent(secret);
    } catch {}
    // Quoted once (a JSON string, Go's %q in a message) and twice (such a message inside `-o json`).
    const quoted = JSON.stringify(decoded).slice(1, -1);
    return [secret, decoded, encodeURIComponent(decoded), quoted, JSON.stringify(quoted).slice(1, -1)];
  });
  return [...new Set(spellings)].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

function credentialsIn(value: string): string[] {
  const out: string[] = [];
  // \b: a scheme starts a word, so a long run of letters is not tried from each of its positions.
  for (const match of value.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)@/gi))
    out.push(...userinfoSecrets(match[1]!));
  // scp form, alone or as the value of `name=value` (a --param as typed).
  for (const match of value.matchAll(/(?:^|[=\s])[a-z0-9._~-]+:([^@\s/]+)@[a-z0-9.-]+:/gi))
    out.push(match[1]!);
  return out;
}

/** The password of `user:password`, or the user alone when it is all there is (a token as the user name). */
function userinfoSecrets(userinfo: string): string[] {
  const colon = userinfo.indexOf(":");
  if (colon < 0) return [userinfo];
  return [userinfo.slice(colon + 1)];
}

/** `text` with every known secret replaced by `***`, then every URL's userinfo. */
export function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join("***");
  return stripUserinfo(out);
}
