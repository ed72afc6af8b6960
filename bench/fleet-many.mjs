// Benchmark 5b: provisioning a fleet of 1,000 workspaces against the fake (in a process of its own, 8 provisioner
// daemons, rate limiter on): `upMany` against the naive `Promise.all(specs.map(up))` a user would write, each
// from a fresh fake. Failures, duplicates, wall time, requests per workspace, client memory and event-loop delay.
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { rssSampler } from "./lib/coder.mjs";
import { startFakeProcess } from "./lib/fake-child.mjs";
import { importSdk, TEMPLATE_DIR } from "./lib/paths.mjs";
import { SMOKE, table, writeSection } from "./lib/results.mjs";
import { bytes, ms } from "./lib/stats.mjs";

const COUNT = SMOKE ? 24 : 1000;
const PROVISIONERS = 8;
// Coder's limiter: 512 requests per minute per user and path. Scaled to one second so that the run takes
// seconds, not minutes, while the paths every item shares (buildinfo, the template lookup, the create) still
// run into it: the fleet wants far more than this per second.
const RATE_LIMIT = SMOKE ? { limit: 10, windowMs: 1000 } : { limit: 50, windowMs: 1000 };
const SAMPLE_EVERY = SMOKE ? 8 : 100;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
const sdk = await importSdk();
const names = Array.from({ length: COUNT }, (_, i) => `fleet-${String(i).padStart(4, "0")}`);
const specs = names.map((workspace) => ({ workspace, templateDir: TEMPLATE_DIR }));

/** One run against a fresh fake: `work(url, token, onDone)` provisions the fleet and returns per-item ok flags. */
async function measure(label, work, fake) {
  const own = !fake;
  fake ??= await startFakeProcess({ stepDelayMs: 0, provisioners: PROVISIONERS, rateLimit: RATE_LIMIT });
  try {
    const before = await fake.stats();
    gc();
    const rssStart = process.memoryUsage.rss();
    const samples = []; // [items done, RSS after a full GC]
    const heapSamples = []; // [items done, heap used after a full GC]
    let done = 0;
    const onDone = () => {
      done += 1;
      if (done % SAMPLE_EVERY === 0) {
        gc();
        samples.push([done, process.memoryUsage.rss()]);
        heapSamples.push([done, process.memoryUsage().heapUsed]);
      }
    };
    const sampler = rssSampler();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const load = loadavg()[0];
    const started = performance.now();
    const { oks, kinds, results } = await work(fake.url, fake.token, onDone);
    const elapsed = performance.now() - started;
    loop.disable();
    const peakRss = sampler.stop();
    const after = await fake.stats();
    const resultBytes = heapOf(results);
    const requests = sum(after.statuses) - sum(before.statuses);
    const limited = (after.statuses[429] ?? 0) - (before.statuses[429] ?? 0);
    return {
      label,
      elapsed,
      failures: oks.filter((ok) => !ok).length,
      kinds,
      resultBytes,
      workspaces: after.workspaces,
      duplicates: after.workspaces - after.names,
      imports: after.imports - before.imports,
      templates: after.templates,
      requests,
      limited,
      perWorkspace: requests / COUNT,
      peakRss,
      rssStart,
      // The first sample holds the warm-up (the template push, first-use allocations): the slope starts after it.
      growthPer100: slope(samples.slice(1)) * 100,
      heapPer100: slope(heapSamples.slice(1)) * 100,
      loopP99: loop.percentile(99) / 1e6,
      load,
    };
  } finally {
    if (own) await fake.close();
  }
}

/** The heap a value takes: heap in use with a deep copy of it, minus without, each after a full GC. */
function heapOf(value) {
  gc();
  const without = process.memoryUsage().heapUsed;
  const copy = structuredClone(value);
  gc();
  const withCopy = process.memoryUsage().heapUsed;
  return copy ? withCopy - without : 0;
}

function sum(statuses) {
  return Object.values(statuses).reduce((a, b) => a + b, 0);
}

/** Least-squares slope of RSS over items done (bytes per item). */
function slope(points) {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}

const viaUpMany = (options) => async (url, token, onDone) => {
  const summary = await sdk.upMany(specs, {
    url,
    token,
    ...options,
    onEvent: (e) => {
      if (e.type === "item" && e.state === "done") onDone();
    },
  });
  const ok = (i) => ["created", "started", "reused"].includes(i.outcome);
  const failures = summary.items.filter((i) => !ok(i));
  if (failures[0]) console.error("first upMany failure:", failures[0].name, failures[0].error?.message);
  return {
    oks: summary.items.map(ok),
    kinds: countKinds(failures.map((f) => f.error)),
    results: summary.items,
  };
};

function countKinds(errors) {
  const kinds = new Map();
  for (const e of errors) kinds.set(e?.name ?? "Error", (kinds.get(e?.name ?? "Error") ?? 0) + 1);
  return kinds;
}

// What a user writes without upMany: every call at once, each `up()` with its own client (no shared pacing),
// each pushing the template folder if it does not find the template.
const naive = async (url, token, onDone) => {
  const errors = [];
  const values = [];
  const results = await Promise.all(
    specs.map((spec) =>
      sdk
        .up({ url, token, ...spec })
        .then(
          (value) => {
            values.push(value.workspace);
            return true;
          },
          (error) => {
            errors.push(error);
            return false;
          },
        )
        .finally(onDone),
    ),
  );
  if (errors[0]) console.error("first naive failure:", errors[0].name, errors[0].message.split("\n")[0]);
  return { oks: results, kinds: countKinds(errors), results: values };
};

const fresh = await startFakeProcess({ stepDelayMs: 0, provisioners: PROVISIONERS, rateLimit: RATE_LIMIT });
let many;
let again;
try {
  many = await measure("`upMany(specs)` (defaults)", viaUpMany({}), fresh);
  again = await measure("`upMany(specs)` again, same fake (everything exists)", viaUpMany({}), fresh);
} finally {
  await fresh.close();
}
const baseline = await measure("Naive `Promise.all(specs.map(up))`", naive);
const runs = [baseline, many, again];
const failureKinds = (r) =>
  r.failures === 0 ? "0" : `${r.failures}: ${[...r.kinds].map(([k, n]) => `${n} × ${k}`).join(", ")}`;

const rows = runs.map((r) => [
  r.label,
  ms(r.elapsed),
  failureKinds(r),
  `${r.workspaces} (${r.duplicates} duplicate)`,
  `${r.imports} (${r.templates} template)`,
  `${r.requests} (${r.limited} × 429)`,
  r.perWorkspace.toFixed(1),
  bytes(r.peakRss),
  `${signed(r.growthPer100)} / ${signed(r.heapPer100)}`,
  bytes((r.resultBytes / COUNT) * 100),
  ms(r.loopP99),
  r.load.toFixed(1),
]);
console.log(rows.map((r) => r.join("  ")).join("\n"));

function signed(value) {
  return value < 0 ? `−${bytes(-value)}` : bytes(value);
}

const targets = [
  { target: "upMany: zero failures", measured: String(many.failures), met: many.failures === 0 },
  {
    target: `upMany: exactly ${COUNT} workspaces, no duplicates`,
    measured: `${many.workspaces} / ${many.duplicates}`,
    met: many.workspaces === COUNT && many.duplicates === 0,
  },
  { target: "upMany: one template import", measured: String(many.imports), met: many.imports === 1 },
  {
    target: "upMany second run: nothing new",
    measured: `${again.imports} imports, ${again.workspaces - many.workspaces} workspaces`,
    met: again.imports === 0 && again.workspaces === many.workspaces && again.failures === 0,
  },
  {
    // Flat: the heap grows by no more than the results it returns (each item keeps its workspace) plus 256 KiB.
    target: "upMany: heap growth per 100 items ≤ the heap of its results per 100 items + 256 KiB",
    measured: `${signed(many.heapPer100)} (results: ${bytes((many.resultBytes / COUNT) * 100)})`,
    met: many.heapPer100 <= (many.resultBytes / COUNT) * 100 + 256 * 1024,
  },
];

const body = `${COUNT} workspaces (\`fleet-0000\`…, the shipped \`template/\` as their template folder, default parameters) against \`startFakeCoder({ stepDelayMs: 0, provisioners: ${PROVISIONERS}, rateLimit: ${JSON.stringify(RATE_LIMIT)} })\` in a child process of its own, so the figures of this process are the client's alone. The fake runs ${PROVISIONERS} provisioner daemons: more builds than that wait in its queue as in Coder. Its rate limiter is Coder's (per user and path, \`429\` with \`Retry-After\`), scaled from Coder's 512 per minute to ${RATE_LIMIT.limit} per second so that a run takes seconds. The baseline is what a service writes without \`upMany\`: \`Promise.all(specs.map((s) => up({ url, token, ...s })))\`, every call at once, each with its own client, each pushing the template when it does not find it. \`upMany\` runs with its defaults (builds in flight: the provisioner daemons it reads from \`GET /organizations/{org}/provisionerdaemons\`; 16 HTTP requests in flight; one client). Each subject starts from a fresh fake with no template; then \`upMany\` runs again on its fake, where everything exists. Requests are counted by the fake (every answer, 429s included) and divided by ${COUNT}. Duplicates: workspaces in the fake beyond distinct names; template imports: import jobs the fake ran. Client RSS: peak of this process sampled every 20 ms; growth: the least-squares slope of RSS and of the V8 heap in use after a full GC, sampled every ${SAMPLE_EVERY} finished items from the second sample on (the first holds the warm-up), per 100 items. Event-loop delay p99 of this process during the run. **The machine (${cpus().length} cores) is shared with other helpers' work while this runs** (1-minute load average in the last column): wall times and event-loop delays are upper bounds, not the SDK's own cost.

${table(["Subject", "Wall time", "Failures", "Workspaces in the fake", "Template imports", "Requests (429s)", "Requests per workspace", "Peak RSS (client)", "Growth per 100 items: RSS / heap", "Heap the results take per 100 items", "Event-loop delay p99 (client)", "Load average at start"], rows)}

- \`upMany\` against the naive loop: ${many.failures} failures against ${baseline.failures}, ${many.imports} template import against ${baseline.imports}, ${many.perWorkspace.toFixed(1)} requests per workspace against ${baseline.perWorkspace.toFixed(1)} (${many.limited} against ${baseline.limited} answers were \`429\`), ${ms(many.elapsed)} against ${ms(baseline.elapsed)}.
- Duplicates: Coder refuses a second workspace with a taken name (\`409\`), so neither subject can make one (\`upMany\` converges on the existing workspace, the naive call fails). What the naive loop duplicates is the template: ${baseline.imports} imports of one folder, most then refused by the template's own \`409\`, which is where most of its failures come from.
- Event-loop delay p99 of the client: ${ms(many.loopP99)} with \`upMany\`, ${ms(baseline.loopP99)} with the naive loop, on a machine whose load average was ${many.load.toFixed(1)}–${baseline.load.toFixed(1)} on ${cpus().length} cores: mostly waiting for a CPU.
- The second \`upMany\` run over the same declaration created nothing (${again.imports} imports, ${again.workspaces - many.workspaces} new workspaces) at ${again.perWorkspace.toFixed(1)} requests per workspace.
- Client memory: peak ${bytes(many.peakRss)} for \`upMany\` and ${bytes(baseline.peakRss)} for the naive loop, which holds every call's state at once. After a GC, \`upMany\`'s RSS grew by ${signed(many.growthPer100)} and its heap by ${signed(many.heapPer100)} per 100 items, against ${bytes((many.resultBytes / COUNT) * 100)} of results per 100 items (the heap a deep copy of the returned items takes; each item keeps its workspace as Coder sent it): ${many.heapPer100 <= (many.resultBytes / COUNT) * 100 + 256 * 1024 ? "the growth is the summary being filled, not state left behind by finished items." : `the heap grows by ${bytes(many.heapPer100 - (many.resultBytes / COUNT) * 100)} per 100 items more than the results: finished items leave state behind.`}`;

writeSection("fleet-many", body, targets);
