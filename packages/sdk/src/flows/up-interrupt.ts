import type { CoderClient } from "../coder-client.js";
import { CanceledError } from "../errors/base.js";
import { TemplateImportCanceledError, UpInterruptedError, type UpStep } from "../errors/interrupt.js";
import type { Workspace } from "../types.js";

/** How far `up` got, kept as it goes so that an interrupt can say what exists. */
export interface UpProgress {
  step: UpStep;
  /** The workspace as last seen: the one found at the start, or the one this call made. */
  workspace: Workspace | undefined;
  /** The create request was sent (its answer may have been cut off by the abort). */
  createSent: boolean;
}

/**
 * How long the look at the server after an interrupt may take. The person who pressed Ctrl-C waits for it (a
 * second Ctrl-C in the CLI ends the wait); the signal is already aborted, so the lookup runs without it.
 */
const LOOKUP_MS = 5_000;

/** True when `error` is how an abort of `signal` surfaced (and not some failure that happened meanwhile). */
export function isInterrupt(error: unknown, signal: AbortSignal | undefined): boolean {
  if (!signal?.aborted) return false;
  return error instanceof CanceledError || (error as { name?: unknown })?.name === "AbortError";
}

/**
 * The {@link UpInterruptedError} for an abort at `progress`: the workspace is looked up again (without the
 * aborted signal) whenever this call may have made or changed it, so the error says what the server has now.
 */
export async function interruptedUp(
  client: CoderClient,
  target: { owner: string; name: string },
  progress: UpProgress,
  error: unknown,
): Promise<UpInterruptedError> {
  let workspace = progress.workspace;
  let lookupError: Error | undefined;
  const mayExist = workspace !== undefined || (progress.step !== "prepare" && progress.step !== "push");
  if (mayExist) {
    try {
      workspace = await client.workspaces.getByName(target.owner, target.name, { timeoutMs: LOOKUP_MS });
    } catch (failure) {
      lookupError = failure instanceof Error ? failure : new Error(String(failure));
    }
  }
  const canceled = error instanceof TemplateImportCanceledError ? error.version : undefined;
  return new UpInterruptedError(
    {
      step: progress.step,
      target,
      workspace,
      workspaceCreated: progress.createSent && workspace !== undefined,
      canceledImport: canceled && { id: canceled.id, name: canceled.name },
      lookupError,
    },
    { cause: error },
  );
}
