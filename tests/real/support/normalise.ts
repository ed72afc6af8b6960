// Turns a recording into data that can be committed and compared: every value that changes from run to run or
// from server to server (ids, times, tokens, ports, the run's prefix, the owner's name) becomes a stable
// placeholder, and no secret survives.
import type { Exchange } from "./recorder.js";

/** What one run knows about itself: its prefix, its owner, and the strings that must never be kept. */
export interface RunFacts {
  prefix: string;
  owner: { username: string; email: string; name?: string | undefined };
  secrets: readonly string[];
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;
// A Coder API key: a 10-character id, a dash, a 22-character secret.
const API_KEY = /\b[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}\b/g;
const HOST_PORT = /\b(127\.0\.0\.1|localhost|\[::1\]):\d{2,5}\b/g;
const SHA256 = /\b[0-9a-f]{64}\b/g;

/** Normalises exchanges in order, so the same id gets the same placeholder everywhere in one recording. */
export function normaliseExchanges(exchanges: readonly Exchange[], facts: RunFacts): Exchange[] {
  const ids = new Map<string, string>();
  const text = (value: string): string => {
    let out = value;
    for (const secret of facts.secrets) if (secret) out = out.split(secret).join("<secret>");
    out = out.replace(UUID, (id) => {
      if (id === NIL_UUID) return id;
      let placeholder = ids.get(id);
      if (!placeholder) {
        placeholder = `<id:${ids.size + 1}>`;
        ids.set(id, placeholder);
      }
      return placeholder;
    });
    out = out.replace(TIME, "<time>").replace(API_KEY, "<token>").replace(HOST_PORT, "$1:<port>");
    out = out.replace(SHA256, "<sha256>");
    if (facts.prefix) out = out.split(facts.prefix).join("<prefix>-");
    out = replaceWord(out, facts.owner.email, "<owner-email>");
    out = replaceWord(out, facts.owner.username, "<owner>");
    return out;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), walk(v)]));
    }
    return value;
  };
  return exchanges.map((e) => walk(e) as Exchange);
}

// The owner's name is also a common word on a fake ("admin"): replace it only where it stands alone.
function replaceWord(value: string, word: string, placeholder: string): string {
  if (!word) return value;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return value.replace(new RegExp(`(?<![\\w.-])${escaped}(?![\\w-])`, "g"), placeholder);
}

/** The endpoint an exchange went to, ids and names replaced: `GET /api/v2/workspaces/{id}/builds`. */
export function endpointOf(exchange: Pick<Exchange, "method" | "path">): string {
  const path = exchange.path
    .replace(/<id:\d+>/g, "{id}")
    .replace(UUID, "{id}")
    .replace(/<prefix>-[\w.-]+/g, "{name}")
    .replace(/\/<owner>\b/g, "/{user}")
    .replace(/\/(?:me)(?=\/|$)/g, "/{user}")
    .replace(/\/builds\/\d+/g, "/builds/{n}")
    // A template's version by name: the SDK names each version it pushes anew (spt-<time>-<hash>).
    .replace(/\/versions\/(?!\{id\})[^/]+/g, "/versions/{name}");
  return `${exchange.method} ${path}`;
}

/**
 * Drops a GET that repeats the one just before it word for word (a poll while waiting): the replay treats a run
 * of them as one step, so a recording keeps one and stays small whatever the machine's load was.
 */
export function dropRepeatedPolls(exchanges: readonly Exchange[]): Exchange[] {
  const out: Exchange[] = [];
  let last = "";
  for (const e of exchanges) {
    const text = JSON.stringify(e);
    if (e.method === "GET" && !e.websocket && text === last) continue;
    out.push(e);
    last = text;
  }
  return out;
}
