// Benchmark 4: how long a log line takes from the fake appending it to a job to the SDK's `followJobLogs`
// iterator yielding it, over the WebSocket and over the polling fallback.
import WebSocket from "ws";
import { importFake, importSdk, TEMPLATE_DIR } from "./lib/paths.mjs";
import { SMOKE, table, verdict, writeSection } from "./lib/results.mjs";
import { ms, summarize } from "./lib/stats.mjs";

// Several fakes with different step lengths, so that log lines fall at different phases of the 1 s poll.
const STEPS_MS = SMOKE ? [60] : [173, 211, 257, 293, 331];
const BUILDS_PER_FAKE = SMOKE ? 4 : 8;
const WS_TARGET_MS = 10;

const sdk = await importSdk();
const { startFakeCoder } = await importFake();

/**
 * The fake has no public "emit a log line now" hook, so the benchmark notes the moment a job appends a log to
 * its record: the fake does that right before it publishes the line to its followers, in the same tick. Every
 * job record is caught as it is stored, through the state's `jobs` map.
 */
function watchEmissions(state) {
  const emitted = new Map();
  const jobs = state.jobs;
  const set = jobs.set.bind(jobs);
  jobs.set = (id, job) => {
    const push = job.logs.push.bind(job.logs);
    job.logs.push = (...logs) => {
      const now = performance.now();
      for (const log of logs) emitted.set(log.id, now);
      return push(...logs);
    };
    return set(id, job);
  };
  return emitted;
}

/** A bare `ws` client on the same follow URL: the transport's own floor. */
function rawFollower(fake, buildId, emitted, out) {
  const url = `${fake.url.replace(/^http/, "ws")}/api/v2/workspacebuilds/${buildId}/logs?follow&after=0`;
  const socket = new WebSocket(url, { headers: { "Coder-Session-Token": fake.token } });
  socket.on("message", (data) => {
    const now = performance.now();
    const log = JSON.parse(String(data));
    const at = emitted.get(log.id);
    if (at !== undefined) out.push(now - at);
  });
  return new Promise((resolve) => {
    socket.on("close", resolve);
    socket.on("error", resolve);
  });
}

const samples = { websocket: [], polling: [], raw: [] };
const via = { websocket: new Set(), polling: new Set() };
let builds = 0;
for (const stepDelayMs of STEPS_MS) {
  const fake = await startFakeCoder({ stepDelayMs });
  try {
    const emitted = watchEmissions(fake.state);
    const client = sdk.createCoderClient({ url: fake.url, token: fake.token });
    let { workspace } = await sdk.up({ client, workspace: "latency", templateDir: TEMPLATE_DIR });
    for (let i = 0; i < BUILDS_PER_FAKE; i++) {
      // Transports alternate in pairs so that each follows as many stop builds as start builds.
      const transport = (i >> 1) % 2 === 0 ? "websocket" : "polling";
      const build =
        workspace.latest_build.transition === "start"
          ? await sdk.stopWorkspace(client, workspace)
          : await sdk.startWorkspace(client, workspace);
      const raw = transport === "websocket" ? rawFollower(fake, build.id, emitted, samples.raw) : undefined;
      const stream = sdk.followJobLogs(client, { job: { kind: "workspace-build", id: build.id }, transport });
      for await (const log of stream) {
        const now = performance.now();
        const at = emitted.get(log.id);
        if (at === undefined) throw new Error(`log ${log.id} was never seen being emitted`);
        samples[transport].push(now - at);
      }
      via[transport].add(stream.via);
      await raw;
      builds += 1;
      workspace = await client.workspaces.get(workspace.id);
    }
  } finally {
    await fake.close();
  }
}

const ws = summarize(samples.websocket);
const poll = summarize(samples.polling);
const raw = summarize(samples.raw);
const met = ws.p50 < WS_TARGET_MS;
const row = (label, s, target, ok) => [
  label,
  String(s.n),
  ms(s.p50),
  ms(s.p99),
  `${ms(s.min)}–${ms(s.max)}`,
  `IQR ${ms(s.iqr)}`,
  target,
  ok,
];
const rows = [
  row('`followJobLogs`, `transport: "websocket"`', ws, `p50 < ${WS_TARGET_MS} ms`, verdict(met)),
  row("Baseline: bare `ws` client on the same stream, same builds", raw, "—", "—"),
  row(`\`followJobLogs\`, \`transport: "polling"\` (every ${sdk.JOB_POLL_INTERVAL_MS} ms)`, poll, "—", "—"),
];
console.log(rows.map((r) => r.join("  ")).join("\n"));
if ([...via.websocket].some((v) => v !== "websocket") || [...via.polling].some((v) => v !== "polling")) {
  throw new Error(
    `a follower used another transport than asked: ${JSON.stringify({ ws: [...via.websocket], poll: [...via.polling] })}`,
  );
}

const body = `Latency = the moment the SDK's \`for await\` loop receives a line − the moment the fake appended it to the job, both on this process's \`performance.now()\` (fake and SDK share the process and its event loop, so the figure includes the fake's own sending and the loopback hop). The fake has no public hook to emit a line on demand, so the benchmark catches the moment the fake's provisioner appends each line to the job record, which it does right before it publishes the line to followers in the same tick (it wraps \`logs.push\` of every job as the fake stores it; see \`watchEmissions\`). The lines are the fake's own build logs: ${BUILDS_PER_FAKE} stop/start builds of one workspace on each of ${STEPS_MS.length} fake(s) (${builds} builds in all) with step lengths ${STEPS_MS.join(", ")} ms (several lines per step, so later lines of a burst wait for the earlier ones), the transports alternating in pairs of builds; the varied step lengths put the lines at different phases of the ${sdk.JOB_POLL_INTERVAL_MS} ms poll. The bare \`ws\` client follows the same WebSocket builds at the same time as the SDK, as the floor of the transport itself.

${table(["Subject", "Lines", "p50", "p99", "Min–max", "Spread", "Target", "Met?"], rows)}

- WebSocket p50 ${ms(ws.p50)} (target < ${WS_TARGET_MS} ms: ${met ? "met" : "**not met**"}), ${ms(ws.p50 - raw.p50)} above the bare socket: parsing the frame and one hop through the SDK's queue to the iterator.
- Polling: a line waits for the next \`GET …/logs?after=\`, so the latency is spread between the request time and the whole interval (p50 ${ms(poll.p50)}, p99 ${ms(poll.p99)}); that is what the ${sdk.JOB_POLL_INTERVAL_MS} ms interval (the coder CLI's) costs, and it applies only where the socket cannot be used. No target was set for it.
`;
writeSection("log-latency", body, [
  { target: `WebSocket p50 < ${WS_TARGET_MS} ms`, measured: ms(ws.p50), met },
]);
