// Benchmark 3: what `up` sends to a (fake) Coder over loopback, cold (template missing) and warm (workspace
// running): requests per endpoint, wall time, and the smallest gap between two requests to the same URL.
import { countByEndpoint, endpointOf, minGapByEndpoint, requestRecorder } from "./lib/coder.mjs";
import { importFake, importSdk, TEMPLATE_DIR } from "./lib/paths.mjs";
import { SMOKE, table, verdict, writeSection } from "./lib/results.mjs";
import { median, ms, ratio, spread, summarize } from "./lib/stats.mjs";

const RUNS = SMOKE ? 1 : 10;
const SLOW_STEP_MS = SMOKE ? 50 : 300;
const WARM_TARGET = 5;

const sdk = await importSdk();
const { startFakeCoder } = await importFake();
const { JOB_POLL_INTERVAL_MS, agentPollDelay } = sdk;

/** The SDK's documented poll intervals, by endpoint. */
const POLLED = new Map([
  ["GET /api/v2/templateversions/{id}", JOB_POLL_INTERVAL_MS],
  ["GET /api/v2/workspacebuilds/{id}", JOB_POLL_INTERVAL_MS],
  ["GET /api/v2/templateversions/{id}/logs", JOB_POLL_INTERVAL_MS],
  ["GET /api/v2/workspacebuilds/{id}/logs", JOB_POLL_INTERVAL_MS],
  ["GET /api/v2/workspaces/{id}", agentPollDelay(0)],
]);

/** One fake, one client; `up` twice with the same workspace name. */
async function scenario(stepDelayMs) {
  const sockets = [];
  const fake = await startFakeCoder({
    stepDelayMs,
    onResponse: (info) => {
      // Log streams are `…/logs?follow`; the workspace watch (`…/watch-ws`) takes no query.
      const query = info.path.endsWith("/logs") ? "?follow" : "";
      if (info.websocket) sockets.push({ endpoint: `GET ${endpointOf(info.path)}${query} (WebSocket)` });
    },
  });
  try {
    const rec = requestRecorder();
    const client = sdk.createCoderClient({ url: fake.url, token: fake.token, onRequest: rec.onRequest });
    const run = async () => {
      rec.clear();
      sockets.length = 0;
      const started = performance.now();
      const result = await sdk.up({ client, workspace: "bench", templateDir: TEMPLATE_DIR });
      const elapsed = performance.now() - started;
      return { ms: elapsed, result, traces: [...rec.traces], sockets: [...sockets] };
    };
    const cold = await run();
    if (!cold.result.created || !cold.result.templateCreated)
      throw new Error("the cold path did not create both");
    const coldFloor = await floor(fake, cold.traces.length);
    const warm = await run();
    if (warm.result.created || warm.result.workspace.latest_build.status !== "running") {
      throw new Error("the warm path did not reuse the running workspace");
    }
    const warmFloor = await floor(fake, warm.traces.length);
    return { cold, warm, coldFloor, warmFloor };
  } finally {
    await fake.close();
  }
}

/** The baseline: the same number of sequential bare `fetch` GETs of /api/v2/buildinfo on the same server. */
async function floor(fake, count) {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${fake.url}/api/v2/buildinfo`, {
      headers: { "Coder-Session-Token": fake.token },
    });
    await response.arrayBuffer();
  }
  return performance.now() - started;
}

// One throwaway run first: the fake loads its HCL parser (a WebAssembly module) on the first import job, which
// is the fake's start-up cost, not the SDK's.
await scenario(0);
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await scenario(0));
const slow = await scenario(SLOW_STEP_MS);

const counts = (pick) => {
  const perRun = runs.map((r) => {
    const c = countByEndpoint(pick(r).traces);
    for (const s of pick(r).sockets) c.set(s.endpoint, (c.get(s.endpoint) ?? 0) + 1);
    return c;
  });
  const endpoints = new Set(perRun.flatMap((c) => [...c.keys()]));
  return new Map(
    [...endpoints].map((e) => {
      const values = perRun.map((c) => c.get(e) ?? 0);
      return [e, { min: Math.min(...values), max: Math.max(...values), median: median(values) }];
    }),
  );
};
const coldCounts = counts((r) => r.cold);
const warmCounts = counts((r) => r.warm);
const total = (pick) => runs.map((r) => pick(r).traces.length + pick(r).sockets.length);
const coldTotal = summarize(total((r) => r.cold));
const warmTotal = summarize(total((r) => r.warm));
const httpCount = (pick) => summarize(runs.map((r) => pick(r).traces.length));

// Smallest gap per endpoint over every run, zero-length jobs and slow steps separately.
const gapsOf = (list) => {
  const out = new Map();
  for (const traces of list) {
    for (const [e, g] of minGapByEndpoint(traces))
      out.set(e, Math.min(out.get(e) ?? Number.POSITIVE_INFINITY, g));
  }
  return out;
};
const fastGaps = gapsOf(runs.flatMap((r) => [r.cold.traces, r.warm.traces]));
const slowGaps = gapsOf([slow.cold.traces, slow.warm.traces]);
const slowCounts = countByEndpoint([...slow.cold.traces, ...slow.warm.traces]);
for (const sock of [...slow.cold.sockets, ...slow.warm.sockets]) {
  slowCounts.set(sock.endpoint, (slowCounts.get(sock.endpoint) ?? 0) + 1);
}

/** The most requests to one URL of `endpoint` sent within any window of `windowMs`, over all runs. */
const burstOf = (endpoint, windowMs) => {
  let most = 0;
  const all = [...runs.flatMap((r) => [r.cold.traces, r.warm.traces]), slow.cold.traces, slow.warm.traces];
  for (const traces of all) {
    const byUrl = new Map();
    for (const t of traces.filter((t) => t.endpoint === endpoint)) {
      if (!byUrl.has(t.url)) byUrl.set(t.url, []);
      byUrl.get(t.url).push(t.sentAt);
    }
    for (const times of byUrl.values()) {
      times.sort((a, b) => a - b);
      for (let i = 0, j = 0; j < times.length; j++) {
        while (times[j] - times[i] >= windowMs) i++;
        most = Math.max(most, j - i + 1);
      }
    }
  }
  return most;
};

/** Every gap between successive sends to one URL of `endpoint` in the slow run, in send order. */
const slowGapList = (endpoint) => {
  const out = [];
  for (const traces of [slow.cold.traces, slow.warm.traces]) {
    const byUrl = new Map();
    for (const t of traces.filter((t) => t.endpoint === endpoint)) {
      if (!byUrl.has(t.url)) byUrl.set(t.url, []);
      byUrl.get(t.url).push(t.sentAt);
    }
    for (const times of byUrl.values())
      for (let i = 1; i < times.length; i++) out.push(times[i] - times[i - 1]);
  }
  return out;
};
const slowGapText = [...POLLED.keys()]
  .map((e) => [e, slowGapList(e)])
  .filter(([, g]) => g.length > 0)
  .map(([e, g]) => `\`${e}\` ${g.map((x) => ms(x)).join(", ")}`)
  .join("; ");

const range = (c) =>
  c === undefined ? "0" : c.min === c.max ? String(c.min) : `${c.median} (${c.min}–${c.max})`;
const gap = (g) => (g === undefined ? "—" : ms(g));
const endpoints = [...new Set([...coldCounts.keys(), ...warmCounts.keys(), ...slowCounts.keys()])].sort();
const tooFast = [];
const endpointRows = endpoints.map((e) => {
  const interval = POLLED.get(e);
  const worst = Math.min(
    fastGaps.get(e) ?? Number.POSITIVE_INFINITY,
    slowGaps.get(e) ?? Number.POSITIVE_INFINITY,
  );
  const ok = interval === undefined || !Number.isFinite(worst) ? undefined : worst >= interval;
  if (ok === false) tooFast.push({ endpoint: e, interval, fast: fastGaps.get(e), slow: slowGaps.get(e) });
  return [
    `\`${e}\``,
    range(coldCounts.get(e)),
    range(warmCounts.get(e)),
    gap(fastGaps.get(e)),
    `${slowCounts.get(e) ?? 0} / ${gap(slowGaps.get(e))}`,
    interval === undefined ? "not polled" : ms(interval),
    interval === undefined ? "—" : String(burstOf(e, interval)),
    ok === undefined ? "—" : verdict(ok),
  ];
});

const coldMs = summarize(runs.map((r) => r.cold.ms));
const warmMs = summarize(runs.map((r) => r.warm.ms));
const coldFloor = summarize(runs.map((r) => r.coldFloor));
const warmFloor = summarize(runs.map((r) => r.warmFloor));
const timeRows = [
  [
    "Cold: template missing, pushed from `template/`, workspace created",
    `${range({ ...coldTotal, min: coldTotal.min, max: coldTotal.max })} (${httpCount((r) => r.cold).median} HTTP)`,
    ms(coldMs.median),
    spread(coldMs),
    `${ms(coldFloor.median)} (${spread(coldFloor)})`,
    ratio(coldMs.median / coldFloor.median),
  ],
  [
    "Warm: workspace running",
    `${range({ ...warmTotal })} (${httpCount((r) => r.warm).median} HTTP)`,
    ms(warmMs.median),
    spread(warmMs),
    `${ms(warmFloor.median)} (${spread(warmFloor)})`,
    ratio(warmMs.median / warmFloor.median),
  ],
];

const warmMet = warmTotal.max <= WARM_TARGET;
const pollMet = tooFast.length === 0;
const targets = [
  { target: `warm \`up\` in ≤ ${WARM_TARGET} requests`, measured: `${warmTotal.max}`, met: warmMet },
  {
    target: "no endpoint polled faster than the documented interval",
    measured: pollMet ? "smallest gaps ≥ intervals" : `${tooFast.length} endpoint(s) below`,
    met: pollMet,
  },
];
console.log(timeRows.map((r) => r.join("  ")).join("\n"));
console.log(endpointRows.map((r) => r.join("  ")).join("\n"));

const explainFast = tooFast
  .map(
    (t) =>
      `\`${t.endpoint}\`: ${t.fast !== undefined ? `${ms(t.fast)} with zero-length jobs` : ""}${t.fast !== undefined && t.slow !== undefined ? ", " : ""}${t.slow !== undefined ? `${ms(t.slow)} with ${SLOW_STEP_MS} ms steps` : ""} against ${ms(t.interval)}`,
  )
  .join("; ");
const body = `\`up()\` of the built SDK against \`startFakeCoder({ stepDelayMs: 0 })\` over 127.0.0.1 (zero-length jobs: every job and agent step is one \`setTimeout(0)\`), ${RUNS} runs, each with a fresh fake: the cold call (no template, no workspace; \`templateDir: template/\` is packed, uploaded and imported, then the workspace is created and built) and right after it the warm call with the same workspace name (running: reused). Requests are counted with the client's \`onRequest\` hook (every attempt, retries included) and WebSocket log streams with the fake's \`onResponse\` observer; paths are templated (\`{id}\` for UUIDs, \`{name}\` for names). One unrecorded run goes first because the fake loads its HCL parser (WebAssembly) on its first import. Baseline: the same number of sequential bare \`fetch\` GETs of \`/api/v2/buildinfo\` to the same fake, i.e. the cost of the round trips alone.

${table(["Path", "Requests (HTTP + WebSocket)", "Median", "Spread", "Baseline: as many bare GETs", "Ratio"], timeRows)}

Requests per endpoint. "Smallest gap" is the shortest time between sending two requests to the same URL (the same build, the same workspace), over all runs. To see the polling loops actually poll, the last column repeats one cold + warm pair with ${SLOW_STEP_MS} ms job and agent steps (requests / smallest gap). Documented intervals: \`JOB_POLL_INTERVAL_MS\` = ${JOB_POLL_INTERVAL_MS} ms for jobs and log polling, \`agentPollDelay(0)\` = ${agentPollDelay(0)} ms for the workspace while waiting for agents.

${table(["Endpoint", "Cold", "Warm", "Smallest gap, zero-length jobs", `${SLOW_STEP_MS} ms steps: requests / smallest gap`, "Documented interval", "Most reads of one URL within one interval", "Respected?"], endpointRows)}

- Warm path: ${warmTotal.max} request(s) (target ≤ ${WARM_TARGET}: ${warmMet ? "met" : "**not met**"}): the server check and the workspace lookup; a running workspace with ready agents needs nothing else, and its app URLs come from the same answer.
- Poll intervals: ${
  pollMet
    ? "met; no polled endpoint was asked twice within its documented interval."
    : `**not met** by the letter: ${explainFast}. These are not polling loops running fast (in the ${SLOW_STEP_MS} ms-step run, where jobs and agents last long enough for the loops to go round, the gaps between successive reads were: ${slowGapText}; the short ones are the reads described next), but a job gets up to ${Math.max(burstOf("GET /api/v2/workspacebuilds/{id}", JOB_POLL_INTERVAL_MS), burstOf("GET /api/v2/templateversions/{id}", JOB_POLL_INTERVAL_MS))} reads within one interval when it ends. \`followJobLogs\` reads the job when it starts (to choose between following and a finished job) and again as soon as the log stream ends, since end-of-logs says nothing about success or failure${(coldCounts.get("GET /api/v2/workspacebuilds/{id}")?.max ?? 0) >= 3 ? "; for a build, `waitForBuild` then reads the build a third time for its result instead of using the follower's last copy (`stream.job`, which `pushTemplate` does use for imports)" : ""}. With zero-length jobs these reads come back to back. What limits it: the event-driven reads are needed for the final state, but ${(coldCounts.get("GET /api/v2/workspacebuilds/{id}")?.max ?? 0) >= 3 ? "the third read of a build is redundant and could go, leaving" : "what remains is"} one read at the start and one at the end of each job.`
}
${
  (coldCounts.get("GET /api/v2/organizations/{id}/templates/{name}")?.max ?? 0) >= 2
    ? "- The cold path repeats two one-off lookups (not polls): `up` resolves the organization and looks the template up by name, then `pushTemplate` does both again (`organizations/default`, then `organizations/{id}`, and the template by name twice)."
    : ""
}
`;
writeSection("up-requests", body, targets);
