// Benchmark 10 (and 12): one workspace beside the coder CLI on a real Coder. Cold: `spt-coder up --template-dir`
// on a missing template against `coder templates push` + `coder create --yes`; warm (template present, workspace
// running): `spt-coder up` again against `coder start` + `coder show`. Both clients are processes that go through
// one recording proxy (requests) and run under GNU time (CPU, peak RSS). The wall time runs until the agent is
// ready: `up` waits for it; `coder create` does not, so its time ends at the agent's `ready_at` when that is later.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { load, readyAt } from "./lib/lab.mjs";
import { labSession } from "./lib/lab-session.mjs";
import { CLI_DIST } from "./lib/paths.mjs";
import { PHASES, phasesOf } from "./lib/phases.mjs";
import { countRecords } from "./lib/recording-proxy.mjs";
import { SMOKE, table, verdict, writeSection } from "./lib/results.mjs";
import { bytes, median, ms, ratio, spread, summarize } from "./lib/stats.mjs";

const COLD_RUNS = SMOKE ? 1 : Number(process.env.SPT_BENCH_UP_COLD ?? 7);
const WARM_RUNS = SMOKE ? 1 : Number(process.env.SPT_BENCH_UP_WARM ?? 15);
/**
 * Our CLI runs on the Node that runs this benchmark, and on a second one when `SPT_BENCH_NODE_ALT` names it (CI's
 * Node 24): a warm round is mostly the runtime's start, and Node 20 and 24 start at very different speeds.
 */
const NODES = [process.execPath, ...(process.env.SPT_BENCH_NODE_ALT ? [process.env.SPT_BENCH_NODE_ALT] : [])];
const nodeVersion = (node) => spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();

/**
 * Coder lets one user upload at most 12 files a minute (`POST /files`, 429 beyond: seen failing `coder templates
 * push`): on a fast server the cold rounds would upload faster than that, so each upload waits its turn.
 */
const UPLOAD_GAP_MS = 60_000 / 12 + 500;
let lastUpload = Number.NEGATIVE_INFINITY;
const uploadTurn = async () => {
  const wait = lastUpload + UPLOAD_GAP_MS - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  lastUpload = performance.now();
};

const session = await labSession("real-up");
if (!session) process.exit(0);
const { lab, api, proxy, names, info, template } = session;

/**
 * The clients, each as the commands a user types: ours once per Node (`ours`, `ours2`), then the coder CLI; the
 * order rotates every round.
 */
const ourClients = Object.fromEntries(
  NODES.map((node, i) => {
    const label = `\`spt-coder up\`${NODES.length > 1 ? ` (Node ${nodeVersion(node)})` : ""}`;
    const commands = (ws, tpl) => [
      [node, [CLI_DIST, "up", "--name", ws, "--template", tpl, ...template.ourFlags, "--yes"]],
    ];
    return [i === 0 ? "ours" : `ours${i + 1}`, { label, cold: commands, warm: commands, node }];
  }),
);
const clients = {
  ...ourClients,
  cli: {
    label: "`coder templates push` + `coder create --yes`",
    warmLabel: "`coder start` + `coder show`",
    cold: (ws, tpl) => [
      [lab.coderBin, ["templates", "push", tpl, ...template.cliFlags, "--yes"]],
      [lab.coderBin, ["create", ws, "--template", tpl, "--yes"]],
    ],
    warm: (ws) => [
      [lab.coderBin, ["start", ws]],
      [lab.coderBin, ["show", ws]],
    ],
  },
};
const WHO = Object.keys(clients);
const OURS = Object.keys(ourClients);
const orderOf = (round) => WHO.map((_, k) => WHO[(round + k) % WHO.length]);

/**
 * Runs one client's commands in a row; `direct` sends them straight to Coder, past the proxy (which adds a little
 * to every request, so it taxes the client that sends more of them: the warm wall-time target uses direct rounds).
 */
async function measure(commands, ws, { direct = false } = {}) {
  proxy.take();
  const loadBefore = load();
  let first;
  let last;
  let cpuMs = 0;
  let maxRss = 0;
  for (const [command, args] of commands) {
    const run = await session.run(command, args, direct ? { env: { CODER_URL: lab.url } } : {});
    first ??= run;
    last = run;
    cpuMs += run.cpuMs ?? Number.NaN;
    maxRss = Math.max(maxRss, run.maxRss ?? Number.NaN);
  }
  const records = proxy.take();
  const workspace = await session.untilReady(ws);
  const ready = readyAt(workspace);
  const startedAt = first.startedAt;
  const endedAt = last.endedAt;
  return {
    wallMs: Math.max(endedAt, ready) - startedAt,
    processMs: endedAt - startedAt,
    requests: records.length,
    records,
    cpuMs,
    maxRss,
    load: (loadBefore + load()) / 2,
    startedAt,
    endedAt,
    workspace,
  };
}

const cold = Object.fromEntries(WHO.map((who) => [who, []]));
const warm = Object.fromEntries(WHO.map((who) => [who, []]));
const warmDirect = Object.fromEntries(WHO.map((who) => [who, []]));
try {
  await rounds();
} finally {
  await session.close();
}

async function rounds() {
  const kept = {};
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const who of orderOf(i)) {
      await uploadTurn();
      const ws = names.next(`${who}-${i}`);
      const tpl = names.template(ws);
      const run = await measure(clients[who].cold(ws, tpl), ws);
      const version = await api.version(run.workspace.latest_build.template_version_id);
      const timings = await api.timings(run.workspace.latest_build.id);
      run.split = phasesOf({ ...run, version, timings });
      cold[who].push(run);
      console.log(
        `cold ${who} #${i}: ${ms(run.wallMs)}, ${run.requests} requests, load ${run.load.toFixed(1)}`,
      );
      if (i < COLD_RUNS - 1) await session.remove(ws, tpl);
      else kept[who] = { ws, tpl };
    }
  }
  for (let i = 0; i < WARM_RUNS; i++) {
    for (const who of orderOf(i)) {
      const { ws, tpl } = kept[who];
      const run = await measure(clients[who].warm(ws, tpl), ws);
      if (run.workspace.latest_build.id !== kept[who].build && kept[who].build)
        throw new Error(`${ws}: the warm run made a new build`);
      kept[who].build = run.workspace.latest_build.id;
      warm[who].push(run);
      console.log(
        `warm ${who} #${i}: ${ms(run.wallMs)}, ${run.requests} requests, load ${run.load.toFixed(1)}`,
      );
    }
  }
  for (let i = 0; i < WARM_RUNS; i++) {
    for (const who of orderOf(i)) {
      const { ws, tpl } = kept[who];
      const run = await measure(clients[who].warm(ws, tpl), ws, { direct: true });
      if (run.workspace.latest_build.id !== kept[who].build)
        throw new Error(`${ws}: the warm run made a new build`);
      warmDirect[who].push(run);
      console.log(`warm direct ${who} #${i}: ${ms(run.wallMs)}, load ${run.load.toFixed(1)}`);
    }
  }
}

function rowsOf(runs, labels) {
  const sums = Object.fromEntries(
    Object.entries(runs).map(([who, list]) => [
      who,
      {
        wall: summarize(list.map((r) => r.wallMs)),
        requests: summarize(list.map((r) => r.requests)),
        cpu: summarize(list.map((r) => r.cpuMs)),
        rss: median(list.map((r) => r.maxRss)),
        load: summarize(list.map((r) => r.load)),
      },
    ]),
  );
  const base = sums.cli;
  const rows = WHO.map((who) => {
    const s = sums[who];
    return [
      labels[who],
      ms(s.wall.median),
      spread(s.wall),
      who === "cli" ? "1.00x" : ratio(s.wall.median / base.wall.median),
      `${s.requests.median} (${s.requests.min}–${s.requests.max})`,
      ms(s.cpu.median),
      bytes(s.rss),
      `${s.load.median.toFixed(1)} (${s.load.min.toFixed(1)}–${s.load.max.toFixed(1)})`,
    ];
  });
  return { rows, sums };
}

const header = [
  "client",
  "wall until agent ready (median)",
  "spread",
  "vs coder CLI",
  "requests",
  "CPU time",
  "peak RSS",
  "load average",
];
const labelsOf = (cliLabel) =>
  Object.fromEntries(WHO.map((who) => [who, who === "cli" ? cliLabel : clients[who].label]));
const coldTable = rowsOf(cold, labelsOf(clients.cli.label));
const warmTable = rowsOf(warm, labelsOf(clients.cli.warmLabel));
const warmDirectTable = rowsOf(warmDirect, labelsOf(clients.cli.warmLabel));
const maxRequests = (runs) => Math.max(...runs.map((r) => r.requests));
const minCli = (runs) => Math.min(...runs.cli.map((r) => r.requests));
/** The four targets for each Node our CLI ran on (named when there are two). */
const targets = OURS.flatMap((who) => {
  const on = OURS.length > 1 ? `, Node ${nodeVersion(clients[who].node)}` : "";
  const wallRatio = (table) => table.sums[who].wall.median / table.sums.cli.wall.median;
  const coldRatio = wallRatio(coldTable);
  const warmRatio = wallRatio(warmDirectTable);
  return [
    {
      target: `cold \`up\` ≤ 1.0x the coder CLI's wall time${on}`,
      measured: ratio(coldRatio),
      met: coldRatio <= 1,
    },
    {
      target: `cold \`up\`: no more requests than the coder CLI${on}`,
      measured: `${maxRequests(cold[who])} vs ${minCli(cold)}`,
      met: maxRequests(cold[who]) <= minCli(cold),
    },
    {
      target: `warm \`up\` ≤ 1.0x the coder CLI's wall time, straight to Coder${on}`,
      measured: ratio(warmRatio),
      met: warmRatio <= 1,
    },
    {
      target: `warm \`up\`: no more requests than the coder CLI${on}`,
      measured: `${maxRequests(warm[who])} vs ${minCli(warm)}`,
      met: maxRequests(warm[who]) <= minCli(warm),
    },
  ];
});

/**
 * What a warm round is mostly made of: starting the process. Each runtime's start with nothing to do, in this run,
 * in the bare environment the clients get (`runClient`): Node itself, our CLI's own start (`--version` loads no
 * command), and the coder binary (`version`). Node 20 reads `NODE_EXTRA_CA_CERTS` as it starts (Node 24 once TLS
 * is first used): with the system bundle there, as shells on machines behind a TLS-inspecting proxy have it, every
 * Node 20 process starts later by the time measured here.
 */
const BARE_ENV = { PATH: process.env.PATH, HOME: tmpdir(), NO_COLOR: "1" };
const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const startMs = (command, args, env = BARE_ENV) => {
  const runs = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const started = performance.now();
    spawnSync(command, args, { stdio: "ignore", env });
    runs.push(performance.now() - started);
  }
  return median(runs);
};
const starts = NODES.map((node) => ({
  version: nodeVersion(node),
  node: startMs(node, ["-e", "0"]),
  ours: startMs(node, [CLI_DIST, "--version"]),
  withCa: existsSync(SYSTEM_CA_BUNDLE)
    ? startMs(node, ["-e", "0"], { ...BARE_ENV, NODE_EXTRA_CA_CERTS: SYSTEM_CA_BUNDLE })
    : undefined,
}));
const coderStart = startMs(lab.coderBin, ["version"]);

const endpoints = (run) =>
  table(
    ["requests", "endpoint"],
    countRecords(run.records).map(([e, n]) => [n, `\`${e}\``]),
  );
const last = (list) => list[list.length - 1];
writeSection(
  "real-up",
  `Coder ${info.version} at a loopback URL (the lab's server, its built-in provisioner with ${session.daemons} daemon(s)); the template \`tests/real/templates/local-agent\` (the agent is the coder binary as a local process, so it really connects). ${COLD_RUNS} cold and ${WARM_RUNS} warm rounds, the clients in a rotating order. Requests are counted by one recording proxy in front of Coder that both clients go through (WebSockets count as one request each); CPU time (user + system) and peak RSS of the client processes come from GNU time for both. The wall time runs until the agent is ready: \`spt-coder up\` waits for it; \`coder create\` returns when the build ends, so its time ends at the agent's \`ready_at\` when that is later (its wait costs it nothing here). The machine may be shared with other work (2 CPUs): the load average is given beside each figure.

**Cold** (template missing):

${table(header, coldTable.rows)}

**Warm** (template present, workspace running), through the proxy:

${table(header, warmTable.rows)}

**Warm, straight to Coder** (the same rounds again past the proxy; requests and CPU as above are not counted here, the wall-time target uses these):

${table(
  header.slice(0, 4),
  warmDirectTable.rows.map((row) => row.slice(0, 4)),
)}

${targets.map((t) => `- ${t.target}: ${t.measured} (${verdict(t.met)})`).join("\n")}

Starting a process with nothing to do (medians of ${WARM_RUNS}, this run, in the clients' bare environment): ${starts.map((s) => `Node ${s.version}: \`node -e 0\` ${ms(s.node)}, \`spt-coder --version\` ${ms(s.ours)}${s.withCa === undefined ? "" : `, \`node -e 0\` with \`NODE_EXTRA_CA_CERTS=${SYSTEM_CA_BUNDLE}\` ${ms(s.withCa)}`}`).join("; ")}; \`coder version\` ${ms(coderStart)}. Node 20 reads \`NODE_EXTRA_CA_CERTS\` as it starts (Node 24 when TLS is first used), so where a shell sets it every Node 20 process, ours included, starts that much later. A warm round is one \`spt-coder\` process (Node's start, then loading the CLI; its requests go through \`node:http\`, \`createNodeFetch\`) against two coder processes.

Requests of the last cold round, \`spt-coder up\`:

${endpoints(last(cold.ours))}

and the coder CLI (\`coder create\` runs a dry-run job of its own before the build):

${endpoints(last(cold.cli))}`,
  targets,
);

const splitRows = PHASES.map((p) => [
  p.label,
  p.owner,
  ms(median(cold.ours.map((r) => r.split.phases[p.id]))),
  ms(median(cold.cli.map((r) => r.split.phases[p.id]))),
]);
const share = (runs, owner) =>
  median(
    runs.map((r) =>
      PHASES.filter((p) => p.owner === owner).reduce((sum, p) => sum + r.split.phases[p.id], 0),
    ),
  );
const stages = (runs) =>
  ["init", "plan", "graph", "apply"]
    .map((s) => `${s} ${ms(median(runs.map((r) => r.split.stages[s] ?? 0)))}`)
    .join(", ");
const oursServer = share(cold.ours, "server");
const oursTotal = median(cold.ours.map((r) => r.split.total));
writeSection(
  "real-up-split",
  `The cold rounds of section 10, split by the server's own timestamps: the import job's and the build job's \`created_at\`, \`started_at\` and \`completed_at\`, the agent's \`ready_at\`, and the build timings endpoint (\`GET /api/v2/workspacebuilds/{id}/timings\`) for Terraform's stages; the client's start and end are on the same clock (one machine). Medians of ${COLD_RUNS} rounds, Coder ${info.version}, load average ${median(cold.ours.map((r) => r.load)).toFixed(1)} (median during our rounds).

${table(
  ["phase", "set by", "`spt-coder up`", "coder CLI (push + create)"],
  [
    ...splitRows,
    ["**client's share**", "", ms(share(cold.ours, "client")), ms(share(cold.cli, "client"))],
    ["**server's share**", "", ms(oursServer), ms(share(cold.cli, "server"))],
    ["**total**", "", ms(oursTotal), ms(median(cold.cli.map((r) => r.split.total)))],
  ],
)}

Build job stages (timings endpoint), \`spt-coder up\`: ${stages(cold.ours)}; coder CLI: ${stages(cold.cli)}.
The server's share of \`spt-coder up\` is ${ratio(oursServer / oursTotal).replace("x", "")} of its wall time: what the client could still save is at most the client's share.`,
  [],
);
