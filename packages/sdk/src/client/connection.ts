import { CoderConnectionError } from "../errors/base.js";

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]);
const REFUSED_CODES = new Set(["ECONNREFUSED"]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNABORTED"]);

/**
 * Turns what `fetch` threw into a {@link CoderConnectionError} with a reason a person can act on. undici wraps
 * the socket error as `TypeError("fetch failed", { cause })`; the useful code sits on the cause (sometimes one
 * level deeper), so walk the chain.
 */
export function toConnectionError(error: unknown, origin: string): CoderConnectionError {
  const code = findCode(error);
  const reason = classify(code);
  // fetch refuses the ports of the Fetch standard's "bad port" list (1, 6000, 10080, ...) without a code.
  if (!code && innermostMessage(error) === "bad port") {
    return new CoderConnectionError(
      `Could not reach ${origin}: fetch refuses to connect to port ${new URL(origin).port} (a "bad port" in the Fetch standard); serve Coder on another port`,
      "network",
      { cause: error },
    );
  }
  const text = {
    dns: `the host name could not be resolved (${code})`,
    refused: "the connection was refused; is the server running and is the port right?",
    reset: `the connection was closed before the answer was complete (${code})`,
    tls: `the TLS handshake failed (${code}); check the certificate or use http:// for a plain-HTTP server`,
    network: `a network error occurred${code ? ` (${code})` : ""}`,
  }[reason];
  return new CoderConnectionError(`Could not reach ${origin}: ${text}`, reason, { cause: error });
}

function classify(code: string | undefined): CoderConnectionError["reason"] {
  if (!code) return "network";
  if (DNS_CODES.has(code)) return "dns";
  if (REFUSED_CODES.has(code)) return "refused";
  if (RESET_CODES.has(code)) return "reset";
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return "tls";
  return "network";
}

function findCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function innermostMessage(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && (current as { cause?: unknown })?.cause; depth++) {
    current = (current as { cause?: unknown }).cause;
  }
  return current instanceof Error ? current.message : undefined;
}
