import WebSocket from "ws";
import { clientInternals } from "../client/internals.js";
import { SESSION_TOKEN_HEADER } from "../client/transport.js";
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

/** Clients whose deployment refused the watch stream once: they poll from then on, so a refusal costs one request. */
const refusedBy = new WeakSet<CoderClient>();

/** Whether the watch stream is still worth trying with this client. */
export function canWatch(client: CoderClient): boolean {
  return !refusedBy.has(client);
}

/**
 * Opens `GET /api/v2/workspaces/{id}/watch-ws`: Coder sends a `ping` event once ready, the workspace at once,
 * then the workspace again on every change (`{type: "data", data: Workspace}`); `error` events carry a Response.
 * One request replaces a poll loop. As for log sockets, the token goes in the header and no Origin is sent
 * (Coder refuses an Origin whose host differs from the Host); the stream is one-way, so nothing is ever sent.
 */
export function watchWorkspace(
  client: CoderClient,
  workspaceId: string,
  onWorkspace: (workspace: Workspace) => void,
): WorkspaceWatch {
  const internals = clientInternals(client);
  const url = `${internals.baseUrl.replace(/^http/, "ws")}/api/v2/workspaces/${encodeURIComponent(workspaceId)}/watch-ws`;
  const headers: Record<string, string> = { "User-Agent": internals.userAgent };
  if (internals.token) headers[SESSION_TOKEN_HEADER] = internals.token;
  const socket = new WebSocket(url, { headers, perMessageDeflate: false, followRedirects: false });
  let opened = false;
  let closedByUs = false;
  const ended = new Promise<WatchEnd>((resolve) => {
    const end = (reason: string) => {
      if (closedByUs) return;
      if (!opened) refusedBy.add(client);
      resolve(opened ? { kind: "dropped", reason } : { kind: "refused", reason });
    };
    socket.on("open", () => {
      opened = true;
    });
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      let event: { type?: unknown; data?: unknown };
      try {
        event = JSON.parse(data.toString()) as typeof event;
      } catch {
        return;
      }
      if (event.type === "data" && event.data && typeof event.data === "object") {
        onWorkspace(event.data as Workspace);
      } else if (event.type === "error") {
        end("the server sent an error event");
        socket.terminate();
      }
    });
    socket.on("unexpected-response", (_request, response) => {
      response.resume();
      end(`upgrade refused with HTTP ${response.statusCode}`);
      socket.terminate();
    });
    socket.on("error", (error) => end(error.message));
    socket.on("close", (code) => end(`closed with code ${code}`));
  });
  return {
    ended,
    close() {
      closedByUs = true;
      socket.terminate();
    },
  };
}
