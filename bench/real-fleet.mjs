// Benchmark 11: a fleet of workspaces on a real Coder, beside the coder CLI. `upMany` (a Node process of its own)
// and `spt-coder fleet apply` against `coder exp scaletest create-workspaces` (all at once: --concurrency 0, the
// owner's own login), against every create request sent at once (scaletest's strategy, for a Coder whose scaletest
// cannot run) and against a shell loop of `coder create`, 8 at a time. Wall time until every agent is
// ready, failures, requests (one recording proxy for all), CPU time and peak RSS (GNU time for all). The
// provisioner daemons are the server's own: run it once per daemon count; each count keeps its own rows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fleetSection, LOOP_WIDTH } from "./lib/fleet-section.mjs";
import { at, occupancy, PREFIX, readyAt } from "./lib/lab.mjs";
import { labSession } from "./lib/lab-session.mjs";
import { CLI_DIST, ROOT } from "./lib/paths.mjs";
import { countRecords } from "./lib/recording-proxy.mjs";
import { previousData, SMOKE, writeSection } from "./lib/results.mjs";
import { median, ms, summarize } from "./lib/stats.mjs";

const COUNT = SMOKE ? 2 : Number(process.env.SPT_BENCH_FLEET_COUNT ?? 50);
const ROUNDS = SMOKE ? 1 : Number(process.env.SPT_BENCH_FLEET_ROUNDS ?? 3);
const SUBJECTS = (process.env.SPT_BENCH_FLEET_SUBJECTS ?? "upmany,apply,scaletest,burst,loop").split(",");
const AGENT_MIB = 160; // one local-process agent's RSS, as seen on the lab
/**
 * The coder binary that runs scaletest: `SPT_BENCH_SCALETEST_BIN` when set (a build of the same commit whose
 * scaletest can copy the CLI's wrapped transport, since upstream's fails before its first workspace; the section
 * says so), else the lab's.
 */
const SCALETEST_BIN = process.env.SPT_BENCH_SCALETEST_BIN;

const session = await labSession("real-fleet");
if (!session) process.exit(0);
const { lab, api, proxy, names, info, template, daemons } = session;
const fleetChild = join(ROOT, "bench", "lib", "fleet-child.mjs");
const burstChild = join(ROOT, "bench", "lib", "burst-child.mjs");
const scratch = mkdtempSync(join(tmpdir(), "spt-bench-fleet-"));

const SUBJECT = {
  upmany: {
    tag: "u",
    command: (tpl, ws) => [process.execPath, [fleetChild, tpl, ...ws]],
  },
  apply: {
    tag: "a",
    command: (tpl, ws, round) => {
      const file = join(scratch, `fleet-${round}.yaml`);
      writeFileSync(file, `template: ${tpl}\nworkspaces:\n${ws.map((w) => `  - name: ${w}\n`).join("")}`);
      return [process.execPath, [CLI_DIST, "fleet", "apply", "-f", file, "-o", "json"]];
    },
  },
  scaletest: {
    tag: "s",
    // All at once (its fastest), as the owner (no users to make), and no clean-up of its own: the workspaces
    // are read before they are deleted, as every subject's are.
    command: (tpl) => [
      SCALETEST_BIN ?? lab.coderBin,
      [
        "exp",
        "scaletest",
        "create-workspaces",
        "--count",
        String(COUNT),
        "--template",
        tpl,
        "--use-host-login",
      ]
        .concat(["--concurrency", "0", "--no-cleanup", "--output", "json"])
        .concat(["--timeout", "120m", "--job-timeout", "60m"]),
    ],
  },
  burst: {
    tag: "b",
    command: (tpl, ws) => [process.execPath, [burstChild, tpl, ...ws]],
  },
  loop: {
    tag: "l",
    command: (tpl, ws) => [
      "sh",
      [
        "-c",
        `printf '%s\\n' ${ws.join(" ")} | xargs -P ${LOOP_WIDTH} -I{} "$0" create {} --template "$1" --yes`,
      ].concat([lab.coderBin, tpl]),
    ],
  },
};

function memAvailableMiB() {
  const m = readFileSync("/proc/meminfo", "utf8").match(/MemAvailable:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : Number.POSITIVE_INFINITY;
}

/** Each workspace's end state: ready (with `ready_at`) or failed; waits up to 10 minutes for the stragglers. */
async function settle(list) {
  const deadline = Date.now() + 600_000;
  const out = new Map();
  for (;;) {
    for (const name of list) {
      if (out.has(name)) continue;
      const ws = await api.workspace(name);
      const job = ws?.latest_build.job;
      if (!ws || job.status === "failed" || job.status === "canceled")
        out.set(name, { name, failed: true, ws });
      else if (Number.isFinite(readyAt(ws))) out.set(name, { name, failed: false, ws, ready: readyAt(ws) });
    }
    if (out.size === list.length) return [...out.values()];
    if (Date.now() > deadline)
      return list.map((n) => out.get(n) ?? { name: n, failed: true, reason: "not ready after 10 minutes" });
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The per-stage medians `fleet-child.mjs` prints (where an item's time goes), or undefined. */
function stagesOf(stdout) {
  try {
    return JSON.parse(stdout.trim().split("\n").pop() ?? "").stages;
  } catch {
    return undefined;
  }
}

async function fleetRun(subject, round) {
  const tpl = session.fleetTemplate;
  const prefix = `${PREFIX}${session.id}-${SUBJECT[subject].tag}${round}`;
  const wanted = Array.from({ length: COUNT }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
  for (const w of wanted) names.add(w);
  if (memAvailableMiB() < COUNT * AGENT_MIB + 2048)
    throw new Error(`${Math.round(memAvailableMiB())} MiB available: too little for ${COUNT} agents`);
  const [command, args] = SUBJECT[subject].command(tpl, wanted, round);
  proxy.take();
  const loads = [loadavg()[0]];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 2000);
  const run = await session.run(command, args, { check: false });
  clearInterval(sampler);
  loads.push(loadavg()[0]);
  const records = proxy.take();
  let made = wanted;
  if (subject === "scaletest") {
    const listed = await api.workspaces("owner:me name:scaletest-");
    made = listed.workspaces.filter((w) => at(w.created_at) >= run.startedAt - 1000).map((w) => w.name);
    for (const w of made) names.add(w);
  }
  const states = await settle(made);
  const ok = states.filter((s) => !s.failed);
  const lastReady = Math.max(...ok.map((s) => s.ready));
  const builds = ok.map((s) => s.ws.latest_build.job);
  const ended = Math.max(run.endedAt, lastReady);
  const busy = occupancy(
    await api.provisionerJobs(),
    new Set(builds.map((j) => j.id)),
    daemons,
    run.startedAt,
    ended,
  );
  const result = {
    subject,
    round,
    wallMs: ended - run.startedAt,
    busy,
    failures: states.length - ok.length + Math.max(0, COUNT - made.length),
    exit: run.status,
    requests: records.length,
    endpoints: countRecords(records).slice(0, 6),
    cpuMs: run.cpuMs,
    maxRss: run.maxRss,
    load: summarize(loads),
    buildRunMs: builds.reduce((sum, j) => sum + at(j.completed_at) - at(j.started_at), 0),
    queueMs: median(builds.map((j) => at(j.started_at) - at(j.created_at))),
    stages: subject === "upmany" ? stagesOf(run.stdout) : undefined,
    // A client that made nothing: its own last words.
    error: made.length === 0 ? (run.stderr.match(/^error: .*$/m)?.[0] ?? `exit ${run.status}`) : undefined,
  };
  console.log(
    `${subject} #${round}: ${ms(result.wallMs)}, ${result.failures} failed (exit ${run.status}), ${result.requests} requests, load ${result.load.median.toFixed(1)}`,
  );
  if (result.failures) console.log(run.stderr.slice(-2000));
  await api.deleteWorkspaces(made);
  return result;
}

const results = [];
try {
  session.fleetTemplate = names.template(`${PREFIX}${session.id}-fleet`);
  await session.run(lab.coderBin, [
    "templates",
    "push",
    session.fleetTemplate,
    ...template.cliFlags,
    "--yes",
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    const order = SUBJECTS.map((_, i) => SUBJECTS[(i + round) % SUBJECTS.length]);
    for (const subject of order) results.push(await fleetRun(subject, round));
  }
} finally {
  await session.close();
  rmSync(scratch, { recursive: true, force: true });
}

/** Medians per subject for this daemon count, merged with the other counts already in RESULTS.md. */
const current = Object.fromEntries(
  SUBJECTS.map((s) => {
    const list = results.filter((r) => r.subject === s);
    const each = (pick) => median(list.map(pick));
    return [
      s,
      {
        wall: summarize(list.map((r) => r.wallMs)),
        failures: list.reduce((sum, r) => sum + r.failures, 0),
        error: list.find((r) => r.error)?.error,
        requests: each((r) => r.requests),
        cpuMs: each((r) => r.cpuMs),
        maxRss: each((r) => r.maxRss),
        load: each((r) => r.load.median),
        loadRange: [Math.min(...list.map((r) => r.load.min)), Math.max(...list.map((r) => r.load.max))],
        floorMs: each((r) => r.buildRunMs / daemons),
        queueMs: each((r) => r.queueMs),
        busy: Object.fromEntries(["ours", "others", "idle"].map((k) => [k, each((r) => r.busy[k])])),
        endpoints: list[0].endpoints,
        stages: list[0].stages
          ? Object.fromEntries(Object.keys(list[0].stages).map((k) => [k, each((r) => r.stages?.[k])]))
          : undefined,
        rounds: list.length,
        ...(s === "scaletest" && SCALETEST_BIN ? { fixedClient: true } : {}),
      },
    ];
  }),
);
const data = {
  ...(previousData("real-fleet") ?? {}),
  [daemons]: { count: COUNT, version: info.version, at: new Date().toISOString(), subjects: current },
};
const { body, targets } = fleetSection({
  data,
  current,
  daemons,
  count: COUNT,
  version: info.version,
});
writeSection("real-fleet", body, targets);
