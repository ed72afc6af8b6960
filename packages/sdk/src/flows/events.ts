import type { ProvisionerJobLog } from "../types.js";

/**
 * Progress of a flow, as typed events. The SDK never prints: the CLI renders these on stderr, a service may log
 * them. `stage` events bracket each step; `log` events carry provisioner logs, whose own `stage` field is the
 * provisioner's stage (Coder renders a change of it as a stage header).
 */
export type FlowEvent =
  | { type: "stage"; stage: string; state: "start" | "done" | "failed"; durationMs?: number }
  | { type: "log"; source: "import" | "build"; log: ProvisionerJobLog }
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
