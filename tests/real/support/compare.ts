// Compares what a client exchanged with a real Coder against what the same scenario exchanged with the fake:
// the order of requests, each answer's status, the shape of every answer of an endpoint (keys, types,
// nullability), error messages and validations word for word, and a log stream's stages in order. Each
// difference is one sentence that names the endpoint, so an allow-list can name it exactly.
import { endpointOf } from "./normalise.js";
import type { Exchange } from "./recorder.js";

/**
 * Keys Coder leaves out (Go's `omitempty`) until a job or an agent gets that far: whether an answer has them says
 * when it was taken, not how the server behaves. Their type is still compared where both sides have them.
 */
const PROGRESS_KEYS = new Set([
  "first_connected_at",
  "last_connected_at",
  "disconnected_at",
  "started_at",
  "ready_at",
  "completed_at",
  "canceled_at",
  "latency",
  "reason",
  "worker_id",
  "matched_provisioners",
]);

interface Shape {
  kinds: Set<string>;
  fields?: Map<string, Shape>;
  items?: Shape;
}

/** The differences between a recorded scenario (real) and its replay (fake), in a stable order. */
export function compareExchanges(real: readonly Exchange[], fake: readonly Exchange[]): string[] {
  const out: string[] = [];
  const r = collapse(real);
  const f = collapse(fake);
  const pairs = align(r, f);
  const matchedKeys = new Set(pairs.filter(([a, b]) => a && b).map(([a]) => keyOf(a as Exchange)));
  const count = (list: readonly Exchange[], key: string) => list.filter((e) => keyOf(e) === key).length;
  for (const [a, b] of pairs) {
    if (a && b) {
      out.push(...comparePair(a, b));
      continue;
    }
    const one = (a ?? b) as Exchange;
    // A request repeated a different number of times (a poll while waiting) is timing, not behaviour.
    if ((one.method === "GET" || one.websocket) && matchedKeys.has(keyOf(one))) continue;
    // Concurrent work (a fleet's items) interleaves in another order on each run: what counts is that each
    // change was sent as many times on both sides.
    if (count(real, keyOf(one)) === count(fake, keyOf(one))) continue;
    out.push(`${keyOf(one)} → ${one.status}: sent only to the ${a ? "real Coder" : "fake"}`);
  }
  out.push(...compareShapes(real, fake));
  return [...new Set(out)];
}

function keyOf(e: Exchange): string {
  return `${endpointOf(e)}${e.websocket ? " (WebSocket)" : ""}`;
}

// Consecutive exchanges with one endpoint and one status are one step of the scenario (a poll).
function collapse(exchanges: readonly Exchange[]): Exchange[] {
  const out: Exchange[] = [];
  for (const e of exchanges) {
    const last = out.at(-1);
    if (last && keyOf(last) === keyOf(e) && last.status === e.status && e.method === "GET") continue;
    out.push(e);
  }
  return out;
}

/** The longest common subsequence of endpoints; unmatched exchanges are paired with undefined. */
function align(a: Exchange[], b: Exchange[]): [Exchange | undefined, Exchange | undefined][] {
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = table[i] as Uint16Array;
      row[j] =
        keyOf(a[i] as Exchange) === keyOf(b[j] as Exchange)
          ? ((table[i + 1] as Uint16Array)[j + 1] as number) + 1
          : Math.max((table[i + 1] as Uint16Array)[j] as number, row[j + 1] as number);
    }
  }
  const out: [Exchange | undefined, Exchange | undefined][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (keyOf(a[i] as Exchange) === keyOf(b[j] as Exchange)) out.push([a[i++], b[j++]]);
    else if (((table[i + 1] as Uint16Array)[j] as number) >= ((table[i] as Uint16Array)[j + 1] as number))
      out.push([a[i++], undefined]);
    else out.push([undefined, b[j++]]);
  }
  while (i < n) out.push([a[i++], undefined]);
  while (j < m) out.push([undefined, b[j++]]);
  return out;
}

function comparePair(real: Exchange, fake: Exchange): string[] {
  const at = keyOf(real);
  if (real.status !== fake.status)
    return [`${at}: status ${real.status} on the real Coder, ${fake.status} on the fake`];
  const out: string[] = [];
  if (real.status >= 400) {
    const rm = field(real.body, "message");
    const fm = field(fake.body, "message");
    if (rm !== fm)
      out.push(
        `${at} ${real.status}: message ${JSON.stringify(rm)} on the real Coder, ${JSON.stringify(fm)} on the fake`,
      );
    const rv = JSON.stringify(field(real.body, "validations") ?? null);
    const fv = JSON.stringify(field(fake.body, "validations") ?? null);
    if (rv !== fv) out.push(`${at} ${real.status}: validations ${rv} on the real Coder, ${fv} on the fake`);
  }
  const rs = stages(real.frames);
  const fs = stages(fake.frames);
  if (rs.join() !== fs.join() && !bothCut(rs, fs)) {
    out.push(`${at}: log stages ${JSON.stringify(rs)} on the real Coder, ${JSON.stringify(fs)} on the fake`);
  }
  return out;
}

/**
 * Two streams that both stopped before the job's last stage (a connection cut mid-build) carry as much as the
 * server had sent by then: they agree when one's stages begin the other's.
 */
function bothCut(a: string[], b: string[]): boolean {
  const last = "Cleaning Up";
  if (a.includes(last) || b.includes(last)) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.every((stage, i) => long[i] === stage);
}

function field(body: unknown, name: string): unknown {
  return body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
}

// The distinct stages of a provisioner log stream, in order.
function stages(frames: unknown[] | undefined): string[] {
  const out: string[] = [];
  for (const frame of frames ?? []) {
    const stage = field(frame, "stage");
    if (typeof stage === "string" && stage && out.at(-1) !== stage) out.push(stage);
  }
  return out;
}

/** Each endpoint's answers (and frames), merged into one shape per status, compared between the two sides. */
function compareShapes(real: readonly Exchange[], fake: readonly Exchange[]): string[] {
  const shapes = (list: readonly Exchange[]) => {
    const byKey = new Map<string, Shape>();
    for (const e of list) {
      const add = (key: string, value: unknown) => {
        const s = shapeOf(value);
        const before = byKey.get(key);
        byKey.set(key, before ? merge(before, s) : s);
      };
      if (e.body !== undefined) add(`${keyOf(e)} ${e.status}`, e.body);
      for (const frame of e.frames ?? []) add(`${keyOf(e)} frames`, frame);
    }
    return byKey;
  };
  const r = shapes(real);
  const f = shapes(fake);
  const out: string[] = [];
  for (const [key, rs] of r) {
    const fs = f.get(key);
    if (fs) diffShape(key, "", rs, fs, out);
  }
  return out;
}

function shapeOf(value: unknown): Shape {
  if (value === null) return { kinds: new Set(["null"]) };
  if (Array.isArray(value)) {
    const items = value
      .map(shapeOf)
      .reduce<Shape | undefined>((acc, s) => (acc ? merge(acc, s) : s), undefined);
    return items ? { kinds: new Set(["array"]), items } : { kinds: new Set(["array"]) };
  }
  if (typeof value === "object") {
    // A map keyed by ids (numbered apart on each side) is compared by its values' shape.
    const fields = new Map<string, Shape>();
    for (const [k, v] of Object.entries(value as object)) {
      const name = k.replace(/<id:\d+>/g, "<id>");
      const before = fields.get(name);
      fields.set(name, before ? merge(before, shapeOf(v)) : shapeOf(v));
    }
    return { kinds: new Set(["object"]), fields };
  }
  return { kinds: new Set([typeof value]) };
}

function merge(a: Shape, b: Shape): Shape {
  const out: Shape = { kinds: new Set([...a.kinds, ...b.kinds]) };
  if (a.items || b.items) out.items = a.items && b.items ? merge(a.items, b.items) : (a.items ?? b.items);
  if (a.fields || b.fields) {
    out.fields = new Map(a.fields);
    for (const [k, v] of b.fields ?? []) {
      const before = out.fields.get(k);
      out.fields.set(k, before ? merge(before, v) : v);
    }
  }
  return out;
}

function diffShape(key: string, path: string, real: Shape, fake: Shape, out: string[]): void {
  const at = `${key}: ${path || "the answer"}`;
  const rk = [...real.kinds].sort().join("|");
  const fk = [...fake.kinds].sort().join("|");
  // null beside another kind on one side only is a state the other side did not reach in this run: compare
  // the kinds without it, and report null only when one side never had anything else.
  const bare = (k: Set<string>) =>
    [...k]
      .filter((x) => x !== "null")
      .sort()
      .join("|");
  if (rk !== fk && (bare(real.kinds) !== bare(fake.kinds) || !bare(real.kinds) || !bare(fake.kinds))) {
    out.push(`${at} is ${rk} on the real Coder, ${fk} on the fake`);
    return;
  }
  if (real.fields && fake.fields) {
    for (const [k, v] of real.fields) {
      const other = fake.fields.get(k);
      if (!other) {
        if (!PROGRESS_KEYS.has(k)) out.push(`${at} has ${k} on the real Coder, not on the fake`);
      } else diffShape(key, path ? `${path}.${k}` : k, v, other, out);
    }
    for (const k of fake.fields.keys()) {
      if (!real.fields.has(k) && !PROGRESS_KEYS.has(k))
        out.push(`${at} has ${k} on the fake, not on the real Coder`);
    }
  }
  if (real.items && fake.items) diffShape(key, `${path || "the answer"}[]`, real.items, fake.items, out);
}
