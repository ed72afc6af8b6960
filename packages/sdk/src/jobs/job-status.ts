import type { ProvisionerJob } from "../types.js";

/** A job is finished once it can no longer change: Coder's `Active()` is pending, running or canceling. */
export function isJobTerminal(job: Pick<ProvisionerJob, "status"> | undefined): boolean {
  return (
    job !== undefined && (job.status === "succeeded" || job.status === "failed" || job.status === "canceled")
  );
}
