import type { CoderClient } from "../coder-client.js";
import { CoderConflictError } from "../errors/base.js";
import { ProvisionerJobError } from "../errors/flows.js";
import type { AutomaticUpdates, Workspace, WorkspaceBuild } from "../types.js";
import type { FlowEventHandler } from "./events.js";
import type { BuildTurn } from "./fleet-capacity.js";
import { waitForBuild } from "./wait.js";
import { stopWorkspace } from "./workspace.js";

// What `up` does with a workspace that exists before it decides to reuse, start or create.

const SETTLED = new Set(["running", "stopped", "failed", "canceled", "deleted"]);

/**
 * How many times a build request of `up` gives way to another client's build (Coder's 409 "A workspace build is
 * already active.") before the 409 is the answer: each time a new build had been made by someone else.
 */
const MAX_GIVE_WAYS = 5;

/** Options of the steps below. */
interface SettleOptions {
  signal?: AbortSignal | undefined;
  onEvent?: FlowEventHandler | undefined;
}

/**
 * Brings an existing workspace to a state `up` can act on: waits out a build in progress, and cleans up after a
 * failed start the way `coder start` does (a stop build first), so the next start begins from a clean slate. When
 * another client's build gets in before that stop (409), it is waited out in turn.
 */
export async function settle(
  client: CoderClient,
  workspace: Workspace,
  options: SettleOptions,
  turn: BuildTurn | undefined,
): Promise<Workspace> {
  const { signal, onEvent } = options;
  let current = workspace;
  for (let round = 0; ; round++) {
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
    if (current.latest_build.status !== "failed" || current.latest_build.transition !== "start")
      return current;
    await turn?.take(signal);
    onEvent?.({ type: "info", message: "The last start build failed. Cleaning up before retrying..." });
    try {
      const stop = await stopWorkspace(client, current, { signal });
      await waitForBuild(client, stop.id, { signal, onEvent });
      return await client.workspaces.get(current.id, { signal });
    } catch (error) {
      if (!(error instanceof CoderConflictError) || round >= MAX_GIVE_WAYS) throw error;
      current = await client.workspaces.get(current.id, { signal, includeDeleted: true });
    }
  }
}

/**
 * Starts a settled workspace with `start`, converging with other clients that start it at the same time. Coder
 * refuses a build while another is active (409, "A workspace build is already active."), and of builds requested
 * at the same moment all but one fail to insert (409, "insert workspace build": the build number is taken; ten
 * concurrent starts on a real coderd got nine of those). Either way the other build is then waited for and used
 * when it leaves the workspace running (another `up`'s start); after a stop (or a failed start, cleaned up as
 * {@link settle} does) the start is sent again. So concurrent `up`s of one stopped workspace share one start
 * build, and a second start is never sent while one is pending or running.
 */
export async function startOrJoin(
  client: CoderClient,
  workspace: Workspace,
  options: SettleOptions,
  start: (workspace: Workspace) => Promise<WorkspaceBuild>,
): Promise<Workspace> {
  let current = workspace;
  for (let round = 0; ; round++) {
    try {
      return { ...current, latest_build: await start(current) };
    } catch (error) {
      if (!(error instanceof CoderConflictError) || round >= MAX_GIVE_WAYS) throw error;
      const latest = await client.workspaces.get(current.id, {
        signal: options.signal,
        includeDeleted: true,
      });
      // A 409 with no new build behind it (a deleted workspace) is not another client's build: nothing to join.
      if (latest.latest_build.id === current.latest_build.id) throw error;
      current = await settle(client, latest, options, undefined);
      if (current.latest_build.status === "deleted") throw error;
      if (current.latest_build.status === "running") return current;
    }
  }
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

/**
 * Warns (`parameters-not-applied`) of the given values that differ from those of the running workspace's latest
 * build: reusing it as it runs leaves them unapplied, and they must not be dropped silently. The same values
 * again, as a re-run gives, are no news. No values given costs no request.
 */
export async function warnIfValuesNotApplied(
  client: CoderClient,
  workspace: Workspace,
  options: {
    parameters?: Record<string, string> | undefined;
    signal?: AbortSignal | undefined;
    onEvent?: FlowEventHandler | undefined;
  },
): Promise<void> {
  const given = Object.entries(options.parameters ?? {});
  if (given.length === 0) return;
  const built = await client.builds.parameters(workspace.latest_build.id, { signal: options.signal });
  const current = new Map(built.map((p) => [p.name, p.value]));
  const unapplied = given.filter(([name, value]) => current.get(name) !== value).map(([name]) => name);
  if (unapplied.length === 0) return;
  const one = unapplied.length === 1;
  options.onEvent?.({
    type: "warning",
    code: "parameters-not-applied",
    message: `Workspace ${workspace.name} is already running, so the given value${one ? "" : "s"} of ${unapplied.join(", ")} ${one ? "was" : "were"} not applied; stop it first to start it with new values.`,
  });
}
