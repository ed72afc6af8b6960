// Benchmark 5: a fleet of `up()` calls from one process against the fake (in a process of its own), first without
// and then with the fake's rate limiter (429 + Retry-After). Throughput, retries, Retry-After discipline, memory.
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pool, rssSampler } from "./lib/coder.mjs";
import { startFakeProcess } from "./lib/fake-child.mjs";
import { importSdk, TEMPLATE_DIR } from "./lib/paths.mjs";
import { SMOKE, table, writeSection } from "./lib/results.mjs";
import { bytes, ms, ratio, summarize } from "./lib/stats.mjs";

const COUNT = SMOKE ? 8 : 200;
const CONCURRENCY = SMOKE ? 4 : 16;
const BASELINE_COUNT = SMOKE ? 2 : 32;
// Coder's limiter allows 512 requests per minute per user and path; a fleet of 200 stays under that, so the
// fake's limiter is scaled down to make this fleet run into it. Two settings: one the fleet exceeds in bursts
// (its shared paths see ~15 requests per second unlimited), and one well below its demand all along.
const RATE_LIMITS = SMOKE
  ? [{ limit: 3, windowMs: 1000 }]
  : [
      { limit: 20, windowMs: 1000 },
      { limit: 8, windowMs: 1000 },
    ];

const TIMER_SLACK_MS = 1;

const sdk = await importSdk();

/**
 * The hooks of one slot's client: a `fetch` wrapper that remembers, per method and path, when a 429 arrived and
 * what its Retry-After said, and notes any later request to that path sent before that time ("early"). A
 * request that follows the SDK's own `onRetry` for that path is the SDK's retry; any other is a new request
 * (the next call of the pool, after the SDK gave up on the previous one).
 */
function slotHooks(violations, retries) {
  const waits = new Map();
  const retrying = new Set();
  const keyOf = (method, url) => `${method} ${new URL(url).pathname}`;
  return {
    onRetry(info) {
      retries.push(info);
      retrying.add(keyOf(info.method, info.url));
    },
    async fetch(request) {
      const key = keyOf(request.method, request.url);
      const sentAt = performance.now();
      const isRetry = retrying.delete(key);
      const wait = waits.get(key);
      // 1 ms of slack: Node's timers count whole milliseconds on a clock read once per loop turn, so a
      // 1000 ms sleep can end a fraction of a millisecond before 1000 ms have passed on performance.now().
      if (wait && sentAt < wait.until - TIMER_SLACK_MS)
        violations.push({ key, earlyMs: wait.until - sentAt, isRetry });
      const response = await fetch(request);
      if (response.status === 429) {
        const seconds = Number(response.headers.get("retry-after"));
        waits.set(key, { until: performance.now() + (Number.isFinite(seconds) ? seconds * 1000 : 0) });
      } else {
        waits.delete(key);
      }
      return response;
    },
  };
}

async function fleet({ count, concurrency, rateLimit }) {
  // As many provisioner daemons as calls in flight, so builds never queue (the fake's default is coderd's 3).
  const fake = await startFakeProcess({
    stepDelayMs: 0,
    provisioners: concurrency,
    ...(rateLimit ? { rateLimit } : {}),
  });
  try {
    // The template exists before the fleet starts (one push, not measured): a fleet provisions workspaces.
    const setup = sdk.createCoderClient({ url: fake.url, token: fake.token });
    await sdk.pushTemplate(setup, { name: sdk.DEFAULT_TEMPLATE, dir: TEMPLATE_DIR });
    if (rateLimit) await new Promise((r) => setTimeout(r, rateLimit.windowMs)); // start on fresh windows

    const violations = [];
    const retries = [];
    let requests = 0;
    let rateLimited = 0;
    const clients = Array.from({ length: concurrency }, () => {
      const hooks = slotHooks(violations, retries);
      return sdk.createCoderClient({
        url: fake.url,
        token: fake.token,
        fetch: hooks.fetch,
        onRetry: hooks.onRetry,
        onRequest: (t) => {
          requests += 1;
          if (t.status === 429) rateLimited += 1;
        },
      });
    });
    const stages = new Map();
    const onEvent = (e) => {
      if (e.type !== "stage" || e.state !== "done") return;
      const stage = e.label.replace(/ fleet-\d+$/, " {name}");
      if (!stages.has(stage)) stages.set(stage, []);
      stages.get(stage).push(e.durationMs);
    };
    const names = Array.from({ length: count }, (_, i) => `fleet-${String(i).padStart(3, "0")}`);
    const durations = [];
    const fakeCpuBefore = (await fake.stats()).cpuMs;
    const cpuBefore = process.cpuUsage();
    const sampler = rssSampler();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    fake.resetLoop();
    const load = loadavg()[0];
    const started = performance.now();
    const results = await pool(names, concurrency, async (name, _i, slot) => {
      const t = performance.now();
      const result = await sdk.up({
        client: clients[slot],
        workspace: name,
        templateDir: TEMPLATE_DIR,
        onEvent,
      });
      durations.push(performance.now() - t);
      return result;
    });
    const elapsed = performance.now() - started;
    const peakRss = sampler.stop();
    const cpu = process.cpuUsage(cpuBefore);
    loop.disable();
    const stats = await fake.stats();
    const failures = results.filter((r) => !r.ok);
    const failureKinds = new Map();
    for (const f of failures) {
      const kind = `${f.error?.name ?? "Error"}${f.error?.cause?.name ? ` (cause: ${f.error.cause.name})` : ""}`;
      failureKinds.set(kind, (failureKinds.get(kind) ?? 0) + 1);
    }
    return {
      count,
      concurrency,
      elapsed,
      perSecond: count / (elapsed / 1000),
      failures: failures.length,
      firstFailure: failures[0]?.error,
      failureKinds,
      stages: new Map([...stages].map(([name, d]) => [name, summarize(d)])),
      created: results.filter((r) => r.ok && r.value.created).length,
      requests,
      rateLimited,
      retries: retries.length,
      retryReasons: [...new Set(retries.map((r) => r.reason))],
      retryDelays: retries.map((r) => r.delayMs),
      violations,
      durations: summarize(durations),
      peakRss,
      workspaces: stats.workspaces,
      distinctNames: stats.names,
      fakeStatuses: stats.statuses,
      fakeRss: stats.maxRss,
      // Share of one core each process kept busy during the fleet.
      load,
      sdkBusy: (cpu.user + cpu.system) / 1000 / elapsed,
      fakeBusy: (stats.cpuMs - fakeCpuBefore) / elapsed,
      // How late timers and I/O callbacks ran: high values mean the process waited for a CPU.
      sdkLoopP99: loop.percentile(99) / 1e6,
      fakeLoopP99: stats.loopDelayP99Ms,
    };
  } finally {
    await fake.close();
  }
}

const baseline = await fleet({ count: BASELINE_COUNT, concurrency: 1 });
const open = await fleet({ count: COUNT, concurrency: CONCURRENCY });
const limitedRuns = [];
for (const rateLimit of RATE_LIMITS) {
  limitedRuns.push({ rateLimit, ...(await fleet({ count: COUNT, concurrency: CONCURRENCY, rateLimit })) });
}
for (const r of [baseline, open, ...limitedRuns]) {
  if (r.firstFailure) console.error("first failure:", r.firstFailure);
  if (process.env.SPT_BENCH_DEBUG) console.error(r.violations);
}
const limitLabel = (l) => `${l.limit} per ${l.windowMs / 1000} s`;

const row = (label, r) => [
  label,
  `${r.count} / ${r.concurrency}`,
  ms(r.elapsed),
  `${r.perSecond.toFixed(1)}/s`,
  `${ms(r.durations.p50)} / ${ms(r.durations.p99)}`,
  String(r.requests),
  String(r.rateLimited),
  String(r.retries),
  String(r.failures),
  `${r.workspaces}${r.distinctNames !== r.workspaces ? ` (${r.distinctNames} names)` : ""}`,
  `${r.violations.filter((v) => v.isRetry).length} / ${r.violations.filter((v) => !v.isRetry).length}`,
  bytes(r.peakRss),
  bytes(r.fakeRss),
  `${(r.sdkBusy * 100).toFixed(0)}% / ${(r.fakeBusy * 100).toFixed(0)}%`,
  `${ms(r.sdkLoopP99)} / ${ms(r.fakeLoopP99)}`,
  r.load.toFixed(1),
];
const rows = [
  row("Baseline: one at a time, no rate limit", baseline),
  row("Fleet, no rate limit", open),
  ...limitedRuns.map((r) => row(`Fleet, rate limit ${limitLabel(r.rateLimit)} per path`, r)),
];
console.log(rows.map((r) => r.join("  ")).join("\n"));

const earlyText = (r) => {
  const retriesEarly = r.violations.filter((v) => v.isRetry);
  const newEarly = r.violations.filter((v) => !v.isRetry);
  if (r.violations.length === 0) return "no request went out before its Retry-After time";
  return `${retriesEarly.length} of the SDK's retries and ${newEarly.length} new requests went out before their Retry-After time (by up to ${ms(Math.max(...r.violations.map((v) => v.earlyMs)))})`;
};
const failureText = (r) => [...r.failureKinds].map(([k, n]) => `${n} × ${k}`).join(", ");
const targets = [];
for (const r of [open, ...limitedRuns]) {
  const label = r.rateLimit ? `rate limit ${limitLabel(r.rateLimit)}` : "no rate limit";
  targets.push({ target: `zero failures (${label})`, measured: String(r.failures), met: r.failures === 0 });
  if (r.rateLimit) {
    targets.push({
      target: `no request sent before its Retry-After time (${label})`,
      measured: `${r.violations.length} early (${r.rateLimited} 429s)`,
      met: r.rateLimited > 0 ? r.violations.length === 0 : null,
    });
  }
  targets.push({
    target: `exactly ${COUNT} workspaces created (${label})`,
    measured: String(r.workspaces),
    met: r.workspaces === COUNT && r.distinctNames === COUNT,
  });
}
const stageRows = [...open.stages].map(([name, st]) => [
  name,
  ms(st.p50),
  ms(st.p99),
  ...limitedRuns.map((r) => {
    const x = r.stages.get(name);
    return x ? `${ms(x.p50)} / ${ms(x.p99)}` : "–";
  }),
]);
const failing = limitedRuns.filter(
  (r) => r.failures > 0 || r.violations.length > 0 || r.workspaces !== COUNT,
);
const body = `${COUNT} \`up()\` calls with distinct workspace names, at most ${CONCURRENCY} in flight (a small pool, one SDK client per slot, default client options: \`maxRetries\` 2), from this process against \`startFakeCoder({ stepDelayMs: 0 })\` running in a child process of its own (so the SDK's memory and CPU are measured alone). The template is pushed once before the clock starts, so every call finds it, creates its workspace and waits for the build and the agent. The fleet runs again with the fake's rate limiter on, per user and path: ${limitedRuns.map((r) => `\`rateLimit: ${JSON.stringify(r.rateLimit)}\``).join(" and ")}. Coder's own default is 512 per minute, which a fleet of ${COUNT} never reaches, so the window is scaled down until the paths every call shares (\`buildinfo\`, the template lookup, \`POST /users/me/workspaces\`) hit it; the fake answers \`429\` with \`Retry-After: 1\` (its window in seconds) as Coder does. The baseline is ${BASELINE_COUNT} calls one at a time against a fresh fake. Each slot's client gets a \`fetch\` wrapper that records when a 429 arrived and its Retry-After, and flags any later request to the same path sent more than ${TIMER_SLACK_MS} ms before that time ("early"; the slack is Node's timer granularity), split into the SDK's own retries and new requests. Peak RSS: this process, sampled every 20 ms during the fleet, and the fake's process. CPU busy: CPU time over wall time of each process (100% = one core; the machine has ${cpus().length} cores); event-loop delay p99 of each process during the run (how late its timers and I/O callbacks ran; large values mean it waited for a CPU); the machine's 1-minute load average when the run started, since other work on the machine moves every figure here. Workspaces are counted in the fake's state afterwards.

${table(["Run", "Calls / concurrency", "Wall time", "Workspaces per second", "Per call p50 / p99", "Requests", "429s", "Retries", "Failures", "Workspaces in the fake", "Early requests: retries / new", "Peak RSS (SDK process)", "Peak RSS (fake)", "CPU busy (SDK / fake)", "Event-loop delay p99 (SDK / fake)", "Load average at start"], rows)}

Where a call spends its time (stage durations from \`onEvent\`, p50 and p99 without the limit, then p50 / p99 with each limit):

${table(["Stage", "p50", "p99", ...limitedRuns.map((r) => `${limitLabel(r.rateLimit)}: p50 / p99`)], stageRows)}

- Throughput: ${open.perSecond.toFixed(1)} workspaces/s with ${CONCURRENCY} in flight against ${baseline.perSecond.toFixed(1)}/s one at a time (${ratio(open.perSecond / baseline.perSecond)}). Each call gets slower as calls overlap (p50 ${ms(open.durations.p50)} against ${ms(baseline.durations.p50)} alone; every stage grows, see the stage table). A call costs ${ms((open.sdkBusy * open.elapsed) / open.count)} of CPU in the SDK's process and ${ms((open.fakeBusy * open.elapsed) / open.count)} in the fake's, so with a free core for each the ceiling would be about ${(1000 / Math.max((open.sdkBusy * open.elapsed) / open.count, (open.fakeBusy * open.elapsed) / open.count)).toFixed(0)}/s; yet the processes kept ${(open.sdkBusy * 100).toFixed(0)}% and ${(open.fakeBusy * 100).toFixed(0)}% of a core busy, ${
  Math.max(open.sdkLoopP99, open.fakeLoopP99) > 50
    ? `while their event loops ran up to ${ms(open.sdkLoopP99)} and ${ms(open.fakeLoopP99)} late (p99): on top of their own work, they waited for a CPU.`
    : `and their event loops kept up (p99 delay ${ms(open.sdkLoopP99)} and ${ms(open.fakeLoopP99)}): the calls spend their time waiting for round trips and the fake's timers, not for CPU.`
} ${
  open.load > cpus().length
    ? `The machine was shared with other work (1-minute load average ${open.load.toFixed(1)} on ${cpus().length} cores when the fleet started), so this throughput is bound by the machine and is a lower bound for the SDK.`
    : `The 1-minute load average was ${open.load.toFixed(1)} on ${cpus().length} cores when the fleet started.`
}
${limitedRuns
  .map(
    (r) =>
      `- Rate limit ${limitLabel(r.rateLimit)}: ${r.perSecond.toFixed(1)} workspaces/s; ${r.rateLimited} answers were 429 and the SDK retried ${r.retries} times, waiting ${r.retryDelays.length ? `${ms(Math.min(...r.retryDelays))}–${ms(Math.max(...r.retryDelays))}` : "–"} as Retry-After said; ${earlyText(r)}. Failures: ${r.failures}${r.failures ? ` (${failureText(r)})` : ""}; workspaces: ${r.workspaces}.`,
  )
  .join("\n")}
${
  failing.length === 0
    ? "\nAll targets are met in every run."
    : `
**What limits the rate-limited runs that miss targets** (${failing.map((r) => limitLabel(r.rateLimit)).join(", ")}):
- The SDK waits what Retry-After says before each of its own retries (${failing.every((r) => r.violations.every((v) => !v.isRetry)) ? "none went out early" : "**some went out early**"}), but a request gets only \`maxRetries\` = 2 retries. The limiter counts fixed windows and answers \`Retry-After\` = the whole window, so a request refused late in one window comes back late in the next, after that window's allowance went to requests sent earlier in it; with ${CONCURRENCY} callers sharing ${failing[0].rateLimit.limit} requests per window and path, a request can be refused three times in a row, and then the call fails with the 429.${
        failing.some((r) => r.rateLimit === RATE_LIMITS[0])
          ? ` At ${limitLabel(RATE_LIMITS[0])} the fleet goes over the limit only in bursts, so how many calls that hits changes from run to run (zero in some).`
          : ""
      }${
        failing.some((r) => [...r.failureKinds.keys()].some((k) => k.startsWith("NotCoderServerError")))
          ? '\n- When that happens to the first request of `up`, the error is wrong: `checkCoderServer` turns every API error from `/buildinfo` into `NotCoderServerError` ("is not a Coder server"), although the 429 carried Coder\'s JSON and its `X-Coder-Build-Version` header. It should let `CoderRateLimitError` through.'
          : ""
      }${
        failing.some((r) => r.violations.some((v) => !v.isRetry))
          ? '\n- The early "new" requests are the first request of the pool\'s next call on the same client, sent right after the previous call failed on a 429: the SDK keeps no memory of a Retry-After beyond the request it answered, so the next call goes out at once.'
          : ""
      }
- A per-client gate (hold further requests to a path until its Retry-After has passed) and a separate, larger retry budget for 429 (the delay is the server's, not a guess) would remove both; meanwhile a fleet operator can raise \`createCoderClient({ maxRetries })\`.`
}
`;
writeSection("fleet", body, targets);
