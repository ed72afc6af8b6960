// Where the time of one workspace from nothing goes, from the server's own timestamps: the import job, the build
// job (split by the build timings endpoint into Terraform's stages), the agent's `ready_at`, and the client's
// start and end on the same clock (one machine). What lies between the server's jobs is the client's.
import { agentsOf, at, readyAt } from "./lab.mjs";

/** The phases in the order they happen; `owner` says who sets their length. */
export const PHASES = [
  {
    id: "clientBefore",
    label: "client, before the import job (start, checks, packing, upload)",
    owner: "client",
  },
  { id: "importQueue", label: "import job queued", owner: "server" },
  { id: "importRun", label: "import job running", owner: "server" },
  { id: "between", label: "client, between the jobs (template, parameters, workspace)", owner: "client" },
  { id: "buildQueue", label: "build job queued", owner: "server" },
  { id: "buildRun", label: "build job running", owner: "server" },
  { id: "agent", label: "agent connecting and starting, after the build", owner: "server" },
  { id: "clientAfter", label: "client, after the agent was ready (noticing it, exit)", owner: "client" },
];

/**
 * The phases of one run in ms. `startedAt`/`endedAt`: the client's process (the first and last when it is more
 * than one); `workspace`: as the server has it after the run; `version`: the template version it was built from;
 * `timings`: the build's timings.
 */
export function phasesOf({ startedAt, endedAt, workspace, version, timings }) {
  const job = workspace.latest_build.job;
  const imported = version.job;
  const ready = readyAt(workspace);
  const buildEnd = at(job.completed_at);
  const done = Math.max(endedAt, ready);
  const phases = {
    clientBefore: at(imported.created_at) - startedAt,
    importQueue: at(imported.started_at) - at(imported.created_at),
    importRun: at(imported.completed_at) - at(imported.started_at),
    between: at(job.created_at) - at(imported.completed_at),
    buildQueue: at(job.started_at) - at(job.created_at),
    buildRun: buildEnd - at(job.started_at),
    agent: Math.max(0, ready - buildEnd),
    clientAfter: done - Math.max(ready, buildEnd),
  };
  return { phases, total: done - startedAt, stages: stagesOf(timings), agents: agentsOf(workspace).length };
}

/** Terraform's stages of a build (init, plan, graph, apply): each from its first start to its last end. */
export function stagesOf(timings) {
  const spans = new Map();
  for (const t of timings?.provisioner_timings ?? []) {
    const span = spans.get(t.stage) ?? { start: Number.POSITIVE_INFINITY, end: 0 };
    span.start = Math.min(span.start, at(t.started_at));
    span.end = Math.max(span.end, at(t.ended_at));
    spans.set(t.stage, span);
  }
  return Object.fromEntries([...spans].map(([stage, s]) => [stage, s.end - s.start]));
}
