// Benchmark 9: a long log drained through `followJobLogs`, as one WebSocket frame of n lines and as one polled
// answer of n lines, beside the floor of the same work without the follower (parse the same JSON, walk the array)
// in the same run; and the follower's queue alone beside the `Array#shift` queue it replaced (issue 26: a frame of
// 400k lines took 125 s of CPU, a polled answer of 250k lines 51 s).
import { once } from "node:events";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { importSdk } from "./lib/paths.mjs";
import { SMOKE, table, verdict, writeSection } from "./lib/results.mjs";
import { ms, summarize } from "./lib/stats.mjs";

const SIZES = SMOKE ? [2_000, 20_000] : [15_000, 120_000]; // 120k lines: 25 MiB, under the 32 MiB frame cap
const ROUNDS = SMOKE ? 2 : 7;
const QUEUE_SIZES = SMOKE ? [2_000, 4_000] : [25_000, 50_000, 100_000];
/**
 * Linear: the time per line at 8x the lines stays within this factor of the time per line at the smallest. A
 * quadratic drain gives about 8x; the larger heap's garbage collection alone costs some.
 */
const LINEAR_FACTOR = 2;

const sdk = await importSdk();
const { AsyncQueue } = await import(new URL("../packages/sdk/dist/jobs/queue.js", import.meta.url).href);

const created_at = "2026-01-01T00:00:00.000Z";
function logs(n) {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    created_at,
    log_source: "provisioner",
    log_level: "info",
    stage: "Planning infrastructure",
    output: `line ${i + 1}: module.workspace.docker_container.main[0]: Refreshing state...`,
  }));
}

/** A loopback server with one finished build whose log is `body` (a JSON array): polled, or in one frame. */
async function logServer(body) {
  const build = { id: "b1", job: { id: "j1", status: "succeeded", created_at } };
  const server = createServer((request, response) => {
    const json = request.url.includes("/logs") ? body : JSON.stringify(build);
    response.writeHead(200, { "content-type": "application/json" }).end(json);
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on("upgrade", (request, socket, head) =>
    wss.handleUpgrade(request, socket, head, (ws) => ws.send(body, () => ws.close(1000))),
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      wss.close();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Milliseconds of CPU (user + system) `work` takes, and its result. */
async function cpu(work) {
  const start = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, value };
}

async function follow(url, transport) {
  const client = sdk.createCoderClient({ url, token: "bench-token-0123456789" });
  let count = 0;
  const stream = sdk.followJobLogs(client, { job: { kind: "workspace-build", id: "b1" }, transport });
  for await (const _ of stream) count++;
  if (stream.via !== transport) throw new Error(`followed over ${stream.via}, not ${transport}`);
  return count;
}

function floor(body) {
  let count = 0;
  let last = 0;
  for (const log of JSON.parse(body)) {
    if (log.id > last) {
      last = log.id;
      count++;
    }
  }
  return count;
}

const rows = [];
const perLine = { websocket: [], polling: [] };
for (const n of SIZES) {
  const body = JSON.stringify(logs(n));
  const server = await logServer(body);
  const samples = { websocket: [], polling: [], floor: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const subject of ["floor", "websocket", "polling"]) {
        const run = await cpu(() => (subject === "floor" ? floor(body) : follow(server.url, subject)));
        if (run.value !== n) throw new Error(`${subject} yielded ${run.value} of ${n} lines`);
        samples[subject].push(run.ms);
      }
    }
  } finally {
    await server.close();
  }
  const base = summarize(samples.floor).median;
  for (const subject of ["websocket", "polling"]) {
    const median = summarize(samples[subject]).median;
    perLine[subject].push(median / n);
    rows.push([
      `${subject === "websocket" ? "one frame" : "one polled answer"} of ${n.toLocaleString("en")} lines`,
      `${(body.length / 1024 / 1024).toFixed(1)} MiB`,
      ms(median),
      ms(base),
      `${(median / base).toFixed(2)}x`,
      `${((median / n) * 1e6).toFixed(0)} ns`,
    ]);
  }
}

/** The queue the follower used before: `Array#shift` on every item. */
class ShiftQueue {
  items = [];
  push(item) {
    this.items.push(item);
  }
  drain() {
    let count = 0;
    for (;;) {
      const item = this.items.shift();
      if (item === undefined) return count;
      count++;
    }
  }
}

const queueRows = [];
for (const n of QUEUE_SIZES) {
  const items = logs(n);
  const now = await cpu(async () => {
    const queue = new AsyncQueue();
    for (const item of items) queue.push(item);
    queue.end();
    let count = 0;
    for await (const _ of queue) count++;
    return count;
  });
  const before = await cpu(() => {
    const queue = new ShiftQueue();
    for (const item of items) queue.push(item);
    return queue.drain();
  });
  queueRows.push([n.toLocaleString("en"), ms(now.ms), ms(before.ms), `${(before.ms / now.ms).toFixed(1)}x`]);
}

const targets = ["websocket", "polling"].map((subject) => {
  const [small, large] = [perLine[subject][0], perLine[subject].at(-1)];
  const factor = large / small;
  return {
    target: `${subject === "websocket" ? "one frame" : "one polled answer"}: time per line at ${SIZES.at(-1).toLocaleString("en")} lines ≤ ${LINEAR_FACTOR}x that at ${SIZES[0].toLocaleString("en")}`,
    measured: `${factor.toFixed(2)}x`,
    met: factor <= LINEAR_FACTOR,
  };
});

writeSection(
  "log-queue",
  `
CPU time (user + system, median of ${ROUNDS} rounds, subjects interleaved) of \`followJobLogs\` draining one finished build's log from a loopback server, as one WebSocket frame (\`transport: "websocket"\`) and as one answer to \`GET .../logs?after=0\` (\`transport: "polling"\`), every line taken by a \`for await\` loop. The baseline is the floor of the same work in the same process: \`JSON.parse\` of the same bytes and a walk over the array that keeps the lines with a new id, as the follower does.

${table(["Subject", "Bytes", "Median CPU", "Baseline (parse + walk)", "Ratio", "Per line"], rows)}

The follower's queue alone (push every line, then drain it with \`for await\`), beside the \`Array#shift\` queue it replaced, on the same objects; one run each:

${table(["Lines", "AsyncQueue (read index)", "Array#shift queue (before)", "Before / now"], queueRows)}

${targets.map((t) => `- ${t.target}: ${t.measured}, ${verdict(t.met)}.`).join("\n")}
`,
  targets,
);
