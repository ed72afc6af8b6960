import type { CoderClient } from "../coder-client.js";
import { ProvisionerJobError } from "../errors/flows.js";
import type { AutomaticUpdates, Workspace } from "../types.js";
import type { FlowEventHandler } from "./events.js";
import type { BuildTurn } from "./fleet-capacity.js";
import { waitForBuild } from "./wait.js";
import { stopWorkspace } from "./workspace.js";

// What `up` does with a workspace that exists before it decides to reuse, start or create.

const SETTLED = new Set(["running", "stopped", "failed", "canceled", "deleted"]);

/**
 * Brings an existing workspace to a state `up` can act on: waits out a build in progress, and cleans up after a
 * failed start the way `coder start` does (a stop build first), so the next start begins from a clean slate.
 */
export async function settle(
  client: CoderClient,
  workspace: Workspace,
  options: { signal?: AbortSignal | undefined; onEvent?: FlowEventHandler | undefined },
  turn: BuildTurn | undefined,
): Promise<Workspace> {
  const { signal, onEvent } = options;
  let current = workspace;
  if (!SETTLED.has(current.latest_build.status)) {
    await turn?.take(signal);
    const busy = current.latest_build;
    onEvent?.({
      type: "info",
      message: `Workspace ${current.name} is ${busy.status}; waiting for that build.`,
    });
    await waitForBuild(client, busy.id, { signal, onEvent }).catch((error) => {
      if (!(error instanceof ProvisionerJobError)) throw error; // a failed build is settled too
    });
    current = (await client.workspaces.get(current.id, { signal, includeDeleted: true })) ?? current;
  }
  if (current.latest_build.status === "failed" && current.latest_build.transition === "start") {
    await turn?.take(signal);
    onEvent?.({ type: "info", message: "The last start build failed. Cleaning up before retrying..." });
    const stop = await stopWorkspace(client, current, { signal });
    await waitForBuild(client, stop.id, { signal, onEvent });
    current = await client.workspaces.get(current.id, { signal });
  }
  return current;
}

/** `up` is declarative: an existing workspace gets the asked automatic-updates setting before it starts. */
export async function applyAutomaticUpdates(
  client: CoderClient,
  workspace: Workspace,
  options: { automaticUpdates?: AutomaticUpdates | undefined; signal?: AbortSignal | undefined },
): Promise<Workspace> {
  const wanted = options.automaticUpdates;
  if (!wanted || workspace.automatic_updates === wanted) return workspace;
  await client.workspaces.setAutomaticUpdates(workspace.id, wanted, { signal: options.signal });
  return { ...workspace, automatic_updates: wanted };
}
