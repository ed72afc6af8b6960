import { InvalidCoderUrlError } from "../errors/base.js";

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Turns what a user types for a Coder deployment into one canonical base URL, the way `coder login` reads it:
 * `host`, `host:port`, `http(s)://host/path/`. Without a scheme `https://` is added, except for loopback hosts
 * (`localhost`, `127.x.x.x`, `[::1]`), which get `http://` as a local Coder has no certificate. Trailing slashes
 * are stripped so paths can be appended. The result is idempotent: normalising it again gives the same string.
 *
 * @throws {InvalidCoderUrlError} for other schemes, credentials, a query or fragment, or an unparsable URL;
 *   the message says what to type instead.
 */
export function normalizeCoderUrl(input: string): string {
  const raw = input.trim();
  if (raw === "") throw invalid(input, "it is empty", "https://coder.example.com");
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") {
    throw invalid(
      input,
      `the scheme "${scheme}://" is not supported`,
      `https://${withoutSecrets(raw.slice(scheme.length + 3))}`,
    );
  }
  // "http:/host" or "https:host" is a mistyped scheme, not a host named "http" with a path.
  if (scheme === undefined && /^https?:(?!\/\/)/i.test(raw)) {
    throw invalid(
      input,
      'the scheme needs "//" after the colon',
      withoutSecrets(raw.replace(/^(https?):\/*/i, "$1://")),
    );
  }
  if (raw.includes("?") || raw.includes("#")) {
    throw invalid(input, "it has a query or fragment", withoutSecrets(raw));
  }
  const withScheme = scheme ? raw : `${isLoopbackHostPrefix(raw) ? "http" : "https"}://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(input, "it is not a valid URL", "https://coder.example.com");
  }
  if (url.username || url.password) {
    throw new InvalidCoderUrlError(
      `Invalid Coder URL "${redactUrl(raw)}": credentials in the URL are not supported (Coder takes a session token, which travels apart from the URL).`,
      { credentials: true },
    );
  }
  if (!url.hostname) throw invalid(input, "it has no host name", "https://coder.example.com");
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/** True for hosts that never leave the machine: `localhost`, `*.localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

function isLoopbackHostPrefix(raw: string): boolean {
  const host = raw.startsWith("[") ? raw.slice(0, raw.indexOf("]") + 1) : (raw.split(/[:/]/)[0] ?? "");
  return isLoopbackHost(host);
}

/**
 * A URL as it may be shown in messages and logs: anything before an `@` (a `user:password@`, wherever a typo put
 * it) and the query or fragment (where a token may sit, e.g. `?coder_session_token=`) are masked.
 */
export function redactUrl(input: string): string {
  return input.replace(USERINFO, "***@").replace(/[?#].*$/, "?…");
}

/** Text before an `@` up to the previous `/`: what a URL parser may take for credentials. */
const USERINFO = /[^\s/@]*@/g;

/** A suggested URL must not repeat a password or a query either: both are dropped. */
function withoutSecrets(raw: string): string {
  return raw.replace(USERINFO, "").replace(/[?#].*$/, "");
}

function invalid(input: string, why: string, suggestion: string): InvalidCoderUrlError {
  return new InvalidCoderUrlError(
    `Invalid Coder URL "${redactUrl(input.trim())}": ${why}. Type the deployment's address, for example ${suggestion}`,
  );
}
