import { clientInternals } from "../client/internals.js";
import { openOneWaySocket, type SocketEnd } from "../client/stream.js";
import type { CoderClient } from "../coder-client.js";
import type { Workspace } from "../types.js";

/** How a workspace watch ended: refused before it opened (use polling for this client), or dropped/closed. */
export type WatchEnd = { kind: "refused"; reason: string } | { kind: "dropped"; reason: string };

/** An open `watch-ws` stream. */
export interface WorkspaceWatch {
  /** Settles when the stream ends for any reason other than {@link WorkspaceWatch.close}. */
  ended: Promise<WatchEnd>;
  close(): void;
}

/** Deadlines of the watch stream; the defaults are the log streams' (30 s to upgrade, 60 s of silence). */
export interface WatchTimeouts {
  handshakeTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
}

/** Clients whose deployment refused the watch stream once: they poll from then on, so a refusal costs one request. */
const refusedBy = new WeakSet<CoderClient>();

/** Whether the watch stream is still worth trying with this client. */
export function canWatch(client: CoderClient): boolean {
  return !refusedBy.has(client);
}

/**
 * Why `value` is not a workspace the waits can read (its latest build, that build's resources and their agents'
 * states); undefined when it is one. A server is not trusted to send the contract's shape.
 */
export function workspaceProblem(value: unknown): string | undefined {
  const workspace = value as { id?: unknown; latest_build?: { id?: unknown; resources?: unknown } } | null;
  if (workspace === null || typeof workspace !== "object") return "the workspace is not an object";
  if (typeof workspace.id !== "string") return "the workspace has no id";
  const build = workspace.latest_build;
  if (build === null || typeof build !== "object" || typeof build.id !== "string") {
    return "the workspace has no latest build";
  }
  if (!Array.isArray(build.resources)) return "its latest build has no resource list";
  for (const resource of build.resources as { agents?: unknown }[]) {
    if (resource === null || typeof resource !== "object") return "a resource is not an object";
    if (resource.agents === undefined || resource.agents === null) continue;
    if (!Array.isArray(resource.agents)) return "a resource's agents are not a list";
    for (const agent of resource.agents as Record<string, unknown>[]) {
      if (agent === null || typeof agent !== "object") return "an agent is not an object";
      if (typeof agent.status !== "string" || typeof agent.lifecycle_state !== "string") {
        return "an agent has no status or lifecycle state";
      }
    }
  }
  return undefined;
}

/**
 * Opens `GET /api/v2/workspaces/{id}/watch-ws`: Coder sends a `ping` event once ready, the workspace at once,
 * then the workspace again on every change (`{type: "data", data: Workspace}`); `error` events carry a Response.
 * One request replaces a poll loop. It has the log streams' handshake and idle deadlines (Coder pings every 15 s);
 * a frame that is not such an event, or a workspace the waits cannot read, ends it, and the caller polls instead.
 */
export function watchWorkspace(
  client: CoderClient,
  workspaceId: string,
  onWorkspace: (workspace: Workspace) => void,
  timeouts: WatchTimeouts = {},
): WorkspaceWatch {
  let closedByUs = false;
  const socket = openOneWaySocket(clientInternals(client), {
    path: `/api/v2/workspaces/${encodeURIComponent(workspaceId)}/watch-ws`,
    ...timeouts,
    onFrame(text) {
      let event: { type?: unknown; data?: unknown } | null;
      try {
        event = JSON.parse(text) as typeof event;
      } catch {
        return { kind: "malformed", reason: "a watch frame is not JSON" };
      }
      if (event === null || typeof event !== "object")
        return { kind: "malformed", reason: "a watch frame is not an event" };
      if (event.type === "error") return { kind: "dropped", reason: "the server sent an error event" };
      if (event.type !== "data") return undefined; // `ping`, and whatever later versions add
      const problem = workspaceProblem(event.data);
      if (problem) return { kind: "malformed", reason: problem };
      onWorkspace(event.data as Workspace);
      return undefined;
    },
  });
  const ended = socket.finished.then((end: SocketEnd): Promise<WatchEnd> | WatchEnd => {
    if (closedByUs) return new Promise<never>(() => {});
    const opened = end.kind !== "dropped" || end.opened;
    if (!opened) refusedBy.add(client);
    const reason =
      end.kind === "done"
        ? "closed by the server"
        : end.kind === "too-large"
          ? "a frame was too large"
          : end.reason;
    return opened ? { kind: "dropped", reason } : { kind: "refused", reason };
  });
  return {
    ended,
    close() {
      closedByUs = true;
      socket.close();
    },
  };
}
