import type { ProvisionerJob, ProvisionerJobLog } from "../types.js";

/**
 * Progress of a flow, as typed events. The SDK never prints: the CLI renders these on stderr, a service may log
 * them. `stage` events bracket each step; `log` events carry provisioner logs, whose own `stage` field is the
 * provisioner's stage (Coder renders a change of it as a stage header).
 */
export type FlowEvent =
  | { type: "stage"; stage: string; state: "start" | "done" | "failed"; durationMs?: number }
  | { type: "log"; source: "import" | "build"; log: ProvisionerJobLog }
  | {
      /**
       * The job waits for a provisioner daemon: its place in the queue of pending jobs that daemons could take
       * (1 = next), as the server reports it. Sent when the job is first seen waiting and whenever its place or
       * the queue's length changes; the job's logs begin once a daemon takes it.
       */
      type: "queued";
      source: "import" | "build";
      queue_position: number;
      queue_size: number;
    }
  | { type: "warning"; code: string; message: string }
  | { type: "info"; message: string };

/** Receives flow events; must not throw. */
export type FlowEventHandler = (event: FlowEvent) => void;

/**
 * Runs `work` as a named stage: emits `start`, then `done` or `failed` with the elapsed time, and rethrows.
 */
export async function stage<T>(
  onEvent: FlowEventHandler | undefined,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  onEvent?.({ type: "stage", stage: name, state: "start" });
  try {
    const result = await work();
    onEvent?.({ type: "stage", stage: name, state: "done", durationMs: performance.now() - started });
    return result;
  } catch (error) {
    onEvent?.({ type: "stage", stage: name, state: "failed", durationMs: performance.now() - started });
    throw error;
  }
}

/**
 * An `onJob` callback for `followJobLogs` that turns the job's queue position into `queued` events, one per
 * change. Coder reports `queue_position` 0 once a daemon took the job (or when it cannot tell), so only a
 * pending job with a position is reported.
 */
export function queuedEvents(
  source: "import" | "build",
  onEvent: FlowEventHandler | undefined,
): ((job: ProvisionerJob) => void) | undefined {
  if (!onEvent) return undefined;
  let last = "";
  return (job) => {
    if (job.status !== "pending" || job.queue_position <= 0) return;
    const key = `${job.queue_position}/${job.queue_size}`;
    if (key === last) return;
    last = key;
    onEvent({ type: "queued", source, queue_position: job.queue_position, queue_size: job.queue_size });
  };
}
