import type { ProvisionerJob, ProvisionerJobLog } from "../types.js";

/**
 * The checks a log frame, a polled log list and a job pass before the follower acts on them. A server is not
 * trusted to send the shape the contract says: a `null` frame threw a TypeError from inside the socket's handler
 * (an uncaught exception no `try` could see), and an id of `1e308` became the resume point. Only what the follower
 * and its readers rely on is checked: a whole-number id, text output, a timestamp and a level; a job's status.
 */

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/** Why `value` is not a provisioner log as Coder sends it; undefined when it is one. */
export function logProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `a log entry is ${describe(value)}, not a log`;
  }
  const log = value as Record<string, unknown>;
  if (typeof log.id !== "number" || !Number.isSafeInteger(log.id) || log.id < 0) {
    return `a log id is ${JSON.stringify(log.id) ?? "missing"}, not a whole number`;
  }
  for (const field of ["output", "created_at", "log_level"]) {
    if (typeof log[field] !== "string") return `log ${log.id} has no ${field} text`;
  }
  if (log.stage !== undefined && typeof log.stage !== "string")
    return `log ${log.id} has a stage that is not text`;
  return undefined;
}

/**
 * The logs of a parsed frame (one log, or a list of them as agent logs come) or of a polled answer (`list`: a list
 * only), or why they are not logs.
 */
export function readLogs(value: unknown, list = false): { logs: ProvisionerJobLog[] } | { problem: string } {
  if (list && !Array.isArray(value)) return { problem: `the log list is ${describe(value)}` };
  const logs = Array.isArray(value) ? value : [value];
  for (const log of logs) {
    const problem = logProblem(log);
    if (problem) return { problem };
  }
  return { logs: logs as ProvisionerJobLog[] };
}

/** Why a template version or build answer has no usable job; undefined when `job.status` is text. */
export function jobProblem(owner: unknown): string | undefined {
  const job = (owner as { job?: unknown } | null)?.job as Partial<ProvisionerJob> | null | undefined;
  if (job === null || typeof job !== "object") return `its job is ${describe(job)}`;
  if (typeof job.status !== "string") return "its job has no status";
  return undefined;
}
