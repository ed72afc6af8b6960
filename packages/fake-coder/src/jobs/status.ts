/**
 * A provisioner job as the rest of the fake sees it. Status is derived from the timestamps exactly like coderd's
 * generated `job_status` column.
 */
import type { JobRecord } from "../state.js";

/** The statuses the database can compute (never `unknown`). */
export type JobStatus = "pending" | "running" | "succeeded" | "canceling" | "canceled" | "failed";

/** coderd's generated `job_status` column. */
export function jobStatus(job: JobRecord): JobStatus {
  if (job.completedAt) {
    if (job.error) return "failed";
    if (job.canceledAt) return "canceled";
    return "succeeded";
  }
  if (job.error) return "failed";
  if (job.canceledAt) return "canceling";
  if (!job.startedAt) return "pending";
  return "running";
}

/** `ProvisionerJobStatus.Active()`. */
export function jobActive(job: JobRecord): boolean {
  const s = jobStatus(job);
  return s === "pending" || s === "running" || s === "canceling";
}

/** The provisioner's identity on jobs it picked up. */
export const FAKE_WORKER_ID = "f4e1c0de-0000-4000-8000-00000000fa6e";
