// The benchmarks beside the coder CLI run against a real Coder that the caller names in the environment; nothing
// of Coder's is part of the project. Without the three variables they print one line and end successfully, so
// `pnpm bench --smoke` passes in CI, where there is no Coder.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";

/** The template whose workspace is a local process (the coder binary as its agent), from the real-server suite. */
export const LOCAL_AGENT_TEMPLATE = join(ROOT, "tests", "real", "templates", "local-agent");

/** Prefix of everything these benchmarks create on the server; each run adds its own random part. */
export const PREFIX = "bench-";

const SKIP =
  "skipped: no Coder to measure against (set SPT_BENCH_CODER_BIN=<coder binary>, CODER_URL and CODER_SESSION_TOKEN " +
  "of an owner; the template's agent is that binary, so the server's provisioner must run on this host, or set " +
  "SPT_BENCH_AGENT_BINARY to its path there)";

/**
 * The Coder to measure against: `{ coderBin, url, token, agentBinary }`, or undefined after printing why the
 * benchmark is skipped. The coder binary's variable is the opt-in: CODER_URL alone never sends a benchmark's
 * fifty workspaces to whatever server a shell happens to point at.
 */
export function labFromEnv(name) {
  const coderBin = process.env.SPT_BENCH_CODER_BIN;
  const url = process.env.CODER_URL;
  const token = process.env.CODER_SESSION_TOKEN;
  if (!coderBin || !url || !token) {
    console.log(`${name}: ${SKIP}`);
    return undefined;
  }
  if (!existsSync(coderBin)) throw new Error(`SPT_BENCH_CODER_BIN=${coderBin} does not exist`);
  return {
    coderBin,
    url: url.replace(/\/+$/, ""),
    token,
    agentBinary: process.env.SPT_BENCH_AGENT_BINARY ?? coderBin,
  };
}

/** A random part for names, so that runs (and other people's leftovers) never collide. */
export function runId() {
  return Math.random().toString(36).slice(2, 7);
}

const GNU_TIME = "/usr/bin/time";

/**
 * Runs a client process to completion without blocking this process's event loop (the recording proxy lives
 * here). Under GNU time when it exists, for the CPU time (user + system) and peak RSS of the process and what
 * it waited for, read the same way for every client. Each run gets its own HOME and CODER_CONFIG_DIR, so no
 * stored session or config of the caller's takes part. Resolves `{ wallMs, startedAt, endedAt, cpuMs, maxRss,
 * stdout, stderr, status }`; rejects when the command fails, unless `check` is false.
 */
export function runClient(command, args, { env = {}, onStdout, check = true } = {}) {
  const home = mkdtempSync(join(tmpdir(), "spt-bench-home-"));
  const timeFile = join(home, "time");
  const timed = existsSync(GNU_TIME);
  const [cmd, argv] = timed
    ? [GNU_TIME, ["-f", "%U %S %M", "-o", timeFile, command, ...args]]
    : [command, args];
  const fullEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CODER_CONFIG_DIR: join(home, "coderv2"),
    NO_COLOR: "1",
    ...env,
  };
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const started = performance.now();
    const child = spawn(cmd, argv, { env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      onStdout?.(stdout);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => {
      const wallMs = performance.now() - started;
      const endedAt = Date.now();
      let cpuMs;
      let maxRss;
      if (timed && existsSync(timeFile)) {
        const last = readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "";
        const [user, system, kib] = last.split(" ").map(Number);
        if ([user, system, kib].every(Number.isFinite)) {
          cpuMs = (user + system) * 1000;
          maxRss = kib * 1024;
        }
      }
      rmSync(home, { recursive: true, force: true });
      if (status !== 0 && check) {
        reject(new Error(`${command} ${args.join(" ")} exited with ${status}:\n${stderr.slice(-1500)}`));
        return;
      }
      resolve({ status, wallMs, startedAt, endedAt, cpuMs, maxRss, stdout, stderr });
    });
  });
}

/** A minimal client of the server for setup, facts and clean-up: straight to Coder, never through the proxy. */
export function labApi(lab) {
  const call = async (method, path, body) => {
    const response = await fetch(`${lab.url}/api/v2${path}`, {
      method,
      headers: {
        "Coder-Session-Token": lab.token,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 404 || response.status === 410) return undefined;
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const api = {
    call,
    buildInfo: () => call("GET", "/buildinfo"),
    workspace: (name) => call("GET", `/users/me/workspace/${encodeURIComponent(name)}`),
    workspaces: (q) => call("GET", `/workspaces?q=${encodeURIComponent(q)}&limit=1000`),
    build: (id) => call("GET", `/workspacebuilds/${id}`),
    timings: (id) => call("GET", `/workspacebuilds/${id}/timings`),
    version: (id) => call("GET", `/templateversions/${id}`),
    template: async (name) => {
      const org = await call("GET", "/organizations/default");
      return call("GET", `/organizations/${org.id}/templates/${encodeURIComponent(name)}`);
    },
    /** The organization's provisioner jobs, newest first (everyone's: the daemons are shared). */
    provisionerJobs: async () => {
      const org = await call("GET", "/organizations/default");
      return call("GET", `/organizations/${org.id}/provisionerjobs?limit=5000`);
    },
    provisionerDaemons: async () => {
      const org = await call("GET", "/organizations/default");
      return call("GET", `/organizations/${org.id}/provisionerdaemons`);
    },
    /** Deletes the workspaces (each by its latest state) and waits until their delete builds have ended. */
    async deleteWorkspaces(names) {
      const builds = [];
      for (const name of names) {
        const ws = await api.workspace(name);
        if (!ws || ws.latest_build.status === "deleted") continue;
        await waitJob(() => api.build(ws.latest_build.id));
        const build = await call("POST", `/workspaces/${ws.id}/builds`, { transition: "delete" });
        builds.push(build.id);
      }
      const failed = [];
      for (const id of builds) {
        const done = await waitJob(() => api.build(id));
        if (done.job.status !== "succeeded") failed.push(`${done.workspace_name}: ${done.job.status}`);
      }
      if (failed.length) throw new Error(`deleting workspaces failed: ${failed.join(", ")}`);
    },
    /** Deletes the templates that exist of these names. */
    async deleteTemplates(names) {
      for (const name of names) {
        const template = await api.template(name);
        if (template) await call("DELETE", `/templates/${template.id}`);
      }
    },
  };
  return api;
}

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);

/** Polls a build or version until its job has ended (twice a second: clean-up is not measured). */
async function waitJob(fetchOne) {
  for (;;) {
    const item = await fetchOne();
    if (!item || TERMINAL.has(item.job.status)) return item;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Milliseconds since the epoch of a timestamp Coder sent, or NaN. */
export function at(timestamp) {
  return timestamp ? Date.parse(timestamp) : Number.NaN;
}

/** The agents of a workspace's latest build. */
export function agentsOf(workspace) {
  return workspace.latest_build.resources.flatMap((r) => r.agents ?? []);
}

/** When every agent of the workspace was ready (Coder's `ready_at`), or NaN when one is not ready. */
export function readyAt(workspace) {
  const agents = agentsOf(workspace);
  if (agents.length === 0) return Number.NaN;
  let last = 0;
  for (const agent of agents) {
    if (agent.status !== "connected" || agent.lifecycle_state !== "ready") return Number.NaN;
    last = Math.max(last, at(agent.ready_at));
  }
  return last;
}

/**
 * How the provisioner daemons spent the window [from, to] (ms): `ours` the running time of the jobs whose ids are
 * in `ourJobs`, `others` every other job's (other people's work, and a client's extra jobs such as `coder create`'s
 * dry-runs), `idle` the rest of `daemons` × the window, each as a fraction of that.
 */
export function occupancy(jobs, ourJobs, daemons, from, to) {
  let ours = 0;
  let others = 0;
  for (const job of jobs ?? []) {
    if (!job.started_at) continue;
    const overlap = Math.min(at(job.completed_at) || to, to) - Math.max(at(job.started_at), from);
    if (overlap <= 0) continue;
    if (ourJobs.has(job.id)) ours += overlap;
    else others += overlap;
  }
  const capacity = daemons * (to - from);
  return {
    ours: ours / capacity,
    others: others / capacity,
    idle: Math.max(0, 1 - (ours + others) / capacity),
  };
}

/** The 1-minute load average, as figures are written beside it. */
export function load() {
  return loadavg()[0];
}
