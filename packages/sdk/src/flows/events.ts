import type { ProvisionerJob, ProvisionerJobLog } from "../types.js";

/**
 * Which step of a flow a stage is, for code to decide on (what Ctrl-C means, what a progress view counts); the
 * stage's `label` says the same to people and may name the template or workspace, or change wording.
 * - `check_server`: the server's version and the session; `find_template`: the template and its active version;
 * - `pack`, `upload`, `import`, `create_template`, `promote`: pushing a template (`import` is the provisioner's
 *   template import job, which an abort cancels on the server);
 * - `create_workspace`; `start`, `stop`, `delete`: asking for a workspace build of that transition;
 * - `build`: following a workspace build's job (it keeps running on the server when no longer followed);
 * - `agent`: waiting for the workspace agent to connect and become ready.
 */
export type StageId =
  | "check_server"
  | "find_template"
  | "pack"
  | "upload"
  | "import"
  | "create_template"
  | "promote"
  | "create_workspace"
  | "start"
  | "stop"
  | "delete"
  | "build"
  | "agent";

/**
 * Progress of a flow, as typed events. The SDK never prints: the CLI renders these on stderr, a service may log
 * them. `stage` events bracket each step, `stage` being its {@link StageId} and `label` its text; `log` events
 * carry provisioner logs, whose own `stage` field is the provisioner's stage (Coder renders a change of it as a
 * stage header).
 */
export type FlowEvent =
  | {
      type: "stage";
      stage: StageId;
      label: string;
      state: "start" | "done" | "failed";
      durationMs?: number;
    }
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

/**
 * Receives flow events; must not throw. It may return a promise: for `log` events the flow waits for it before
 * reading on, so a consumer that prints to a slow reader slows the reading instead of queueing without bound.
 */
export type FlowEventHandler = (event: FlowEvent) => unknown;

/**
 * Runs `work` as the stage `id`, shown as `label`: emits `start`, then `done` or `failed` with the elapsed time,
 * and rethrows.
 */
export async function stage<T>(
  onEvent: FlowEventHandler | undefined,
  id: StageId,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const event = { type: "stage", stage: id, label } as const;
  onEvent?.({ ...event, state: "start" });
  try {
    const result = await work();
    onEvent?.({ ...event, state: "done", durationMs: performance.now() - started });
    return result;
  } catch (error) {
    onEvent?.({ ...event, state: "failed", durationMs: performance.now() - started });
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
