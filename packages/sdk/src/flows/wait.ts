import { sleep } from "../client/retry.js";
import type { CoderClient } from "../coder-client.js";
import { CoderAbortError, CoderMalformedResponseError } from "../errors/base.js";
import { AgentNotReadyError, ProvisionerJobError } from "../errors/flows.js";
import { followJobLogs } from "../jobs/follow.js";
import { LogTail } from "../jobs/log-tail.js";
import type { Workspace, WorkspaceAgent, WorkspaceBuild } from "../types.js";
import { type FlowEventHandler, queuedEvents } from "./events.js";
import { canWatch, type WatchTimeouts, watchWorkspace, workspaceProblem } from "./watch.js";

/** Options shared by the waits. */
export interface WaitOptions {
  signal?: AbortSignal | undefined;
  onEvent?: FlowEventHandler | undefined;
  /** Things that already exist, quoted by errors (e.g. `workspace dev`). */
  created?: string[] | undefined;
}

/**
 * Follows a workspace build's logs until its job finishes and returns the build as it ended. Throws
 * {@link ProvisionerJobError} (with the last log lines) when the job failed or was canceled. Aborting stops
 * following only: as with the coder CLI, the build keeps running on the server.
 */
export async function waitForBuild(
  client: CoderClient,
  buildId: string,
  options: WaitOptions = {},
): Promise<WorkspaceBuild> {
  const tail = new LogTail();
  const stream = followJobLogs(client, {
    job: { kind: "workspace-build", id: buildId },
    signal: options.signal,
    onJob: queuedEvents("build", options.onEvent),
  });
  for await (const log of stream) {
    tail.add(log);
    await options.onEvent?.({ type: "log", source: "build", log });
  }
  const build =
    (stream.latest as WorkspaceBuild | undefined) ??
    (await client.builds.get(buildId, { signal: options.signal }));
  if (build.job.status !== "succeeded") {
    throw new ProvisionerJobError("build", build.job, tail.all, options.created ?? []);
  }
  return build;
}

/** Options of {@link waitForAgents}. */
export interface WaitForAgentsOptions extends WaitOptions {
  /** Give up after this long; default 10 minutes. The agent's own connection timeout is not terminal. */
  timeoutMs?: number | undefined;
  /** A fresh copy of the workspace, to spare the first request. */
  workspace?: Workspace | undefined;
  /** Deadlines of the watch stream (default 30 s to upgrade, 60 s of silence); polling takes over past them. */
  watch?: WatchTimeouts | undefined;
}

/**
 * How often the workspace is read beside an open watch stream at most: Coder's heartbeat interval. A stream that
 * stays open (it pings) but never says the agent is ready is then never waited on longer than this, nor longer
 * than an agent's own connection timeout when that is shorter.
 */
export const WATCH_BACKSTOP_POLL_MS = 15_000;

/** The outcome of {@link waitForAgents}: `degraded` when a startup script failed or timed out. */
export interface AgentsReady {
  workspace: Workspace;
  degraded: boolean;
}

/**
 * Waits until every agent of the workspace's latest build is connected and ready, as `coder ssh` decides it:
 * ready = connected + lifecycle `ready`; `start_error` / `start_timeout` are usable but degraded (a warning);
 * any shutting-down state is an error; `timeout` is not terminal (the agent may still connect). Listens to the
 * workspace watch stream (one request for the whole wait); when Coder refuses it or it drops, polls the
 * workspace (one request for all agents) with the CLI's back-off: 500 ms for the first minute, then 1, 2, 4, 8 s.
 */
export async function waitForAgents(
  client: CoderClient,
  workspaceId: string,
  options: WaitForAgentsOptions = {},
): Promise<AgentsReady> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 600_000);
  let workspace = options.workspace;
  if (workspace) {
    const settled = settledAgents(workspace, options);
    if (settled) return settled;
  }
  if (canWatch(client)) {
    const watched = await waitByWatching(client, workspaceId, deadline, started, options);
    if ("ready" in watched) return watched.ready;
    workspace = watched.last ?? workspace;
  }
  workspace ??= await readWorkspace(client, workspaceId, options);
  for (;;) {
    const settled = settledAgents(workspace, options);
    if (settled) return settled;
    checkDeadline(workspace, deadline, started, options);
    try {
      await sleep(agentPollDelay(Date.now() - started), options.signal);
    } catch (error) {
      throw new CoderAbortError("Waiting for the workspace agent was aborted", { cause: error });
    }
    workspace = await readWorkspace(client, workspaceId, options);
  }
}

/** The workspace, checked: an answer the wait cannot read is the server's fault, reported as such. */
async function readWorkspace(client: CoderClient, id: string, options: WaitOptions): Promise<Workspace> {
  const workspace: unknown = await client.workspaces.get(id, { signal: options.signal });
  const problem = workspaceProblem(workspace);
  if (problem) throw new CoderMalformedResponseError({ where: `GET /api/v2/workspaces/${id}`, problem });
  return workspace as Workspace;
}

/** The pause before the next read beside the stream: the backstop, or an agent's connection timeout if shorter. */
function backstopDelay(last: Workspace | undefined): number {
  const timeouts = (last ? agentsOf(last) : [])
    .map((agent) => agent.connection_timeout_seconds * 1000)
    .filter((ms) => Number.isFinite(ms) && ms > 0);
  return Math.min(WATCH_BACKSTOP_POLL_MS, ...timeouts);
}

/** The end of the wait when the agents have settled (ready, degraded), an error when they shut down. */
function settledAgents(workspace: Workspace, options: WaitForAgentsOptions): AgentsReady | undefined {
  const verdict = judge(agentsOf(workspace));
  if (verdict === "shutting-down") {
    throw new AgentNotReadyError("The workspace agent is shutting down.", options.created ?? []);
  }
  if (verdict === "waiting") return undefined;
  if (verdict === "degraded") {
    options.onEvent?.({
      type: "warning",
      code: "agent-degraded",
      message: "A startup script failed or timed out; the workspace is usable but may be incomplete.",
    });
  }
  return { workspace, degraded: verdict === "degraded" };
}

function checkDeadline(
  workspace: Workspace,
  deadline: number,
  started: number,
  options: WaitForAgentsOptions,
) {
  if (Date.now() < deadline) return;
  throw new AgentNotReadyError(
    `The workspace agent was not ready after ${Math.round((Date.now() - started) / 1000)} s (status ${describeAgents(agentsOf(workspace))}).`,
    options.created ?? [],
  );
}

/**
 * The wait over the watch stream, with the workspace read beside it now and then (see
 * {@link WATCH_BACKSTOP_POLL_MS}). Resolves with the outcome, or with the last workspace seen when the stream was
 * refused, dropped or went silent past its deadlines, so polling takes over without asking again for what is known.
 */
function waitByWatching(
  client: CoderClient,
  workspaceId: string,
  deadline: number,
  started: number,
  options: WaitForAgentsOptions,
): Promise<{ ready: AgentsReady } | { last: Workspace | undefined }> {
  return new Promise((resolve, reject) => {
    let last = options.workspace;
    let done = false;
    let backstop: NodeJS.Timeout | undefined;
    const finish = (action: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(backstop);
      options.signal?.removeEventListener("abort", onAbort);
      watch.close();
      action();
    };
    const seen = (workspace: Workspace) => {
      last = workspace;
      try {
        const settled = settledAgents(workspace, options);
        if (settled) finish(() => resolve({ ready: settled }));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    const poll = () => {
      backstop = setTimeout(() => {
        readWorkspace(client, workspaceId, options).then(
          (workspace) => {
            if (done) return;
            seen(workspace);
            poll();
          },
          (error: unknown) => finish(() => reject(error)),
        );
      }, backstopDelay(last));
    };
    const watch = watchWorkspace(client, workspaceId, seen, options.watch);
    const timer = setTimeout(
      () => finish(() => reject(notReadyAfter(last, started, options))),
      Math.max(0, deadline - Date.now()),
    );
    const onAbort = () =>
      finish(() => reject(new CoderAbortError("Waiting for the workspace agent was aborted")));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    poll();
    void watch.ended.then(() => finish(() => resolve({ last })));
  });
}

function notReadyAfter(last: Workspace | undefined, started: number, options: WaitForAgentsOptions) {
  const status = last ? describeAgents(agentsOf(last)) : "unknown";
  return new AgentNotReadyError(
    `The workspace agent was not ready after ${Math.round((Date.now() - started) / 1000)} s (status ${status}).`,
    options.created ?? [],
  );
}

/** The coder CLI's agent poll back-off (cli/cliui/agent.go). */
export function agentPollDelay(elapsedMs: number): number {
  if (elapsedMs < 60_000) return 500;
  if (elapsedMs < 120_000) return 1000;
  if (elapsedMs < 300_000) return 2000;
  if (elapsedMs < 600_000) return 4000;
  return 8000;
}

/** Every agent of the latest build's resources. */
export function agentsOf(workspace: Workspace): WorkspaceAgent[] {
  return workspace.latest_build.resources.flatMap((r) => r.agents ?? []);
}

function judge(agents: WorkspaceAgent[]): "ready" | "degraded" | "waiting" | "shutting-down" {
  let degraded = false;
  for (const agent of agents) {
    const state = agent.lifecycle_state;
    if (
      state === "shutting_down" ||
      state === "shutdown_timeout" ||
      state === "shutdown_error" ||
      state === "off"
    ) {
      return "shutting-down";
    }
    if (agent.status !== "connected") return "waiting";
    if (state === "start_error" || state === "start_timeout") degraded = true;
    else if (state !== "ready") return "waiting";
  }
  return degraded ? "degraded" : "ready";
}

function describeAgents(agents: WorkspaceAgent[]): string {
  return agents.map((a) => `${a.name}: ${a.status}/${a.lifecycle_state}`).join(", ") || "no agents";
}
