/**
 * The web terminal: `GET /api/v2/workspaceagents/{workspaceagent}/pty` (coderd's `workspaceapps` proxy,
 * `workspaceAgentPTY`). It is not behind the API's auth middleware: the workspace-apps resolver looks the agent up
 * first (HTML error pages), then takes the session token from the cookie, query or header without requiring it
 * (no token or a bad one: the JSON 404), then checks the agent is connected, then the query, then upgrades.
 */
import { agentStatus } from "../agents.js";
import { tokenFromRequest, userForToken } from "../auth.js";
import { ApiError, goJson, htmlPage, json, NOT_FOUND_MESSAGE, type Validation } from "../http.js";
import { isUuid } from "../ids.js";
import type { FollowStream, Route, RouteContext } from "../router.js";
import type { TerminalAttachment } from "../terminals.js";

/**
 * The largest start message the fake's agent takes: coderd sends the agent a 16-bit length and the JSON, and the
 * agent reads the JSON with one `Read`, so a message longer than one TCP segment over the tailnet may arrive cut
 * and the session ends without a word. Real agents lose some messages over about 1200 bytes; the fake ends every
 * one over this size, stricter rather than random.
 */
export const MAX_START_MESSAGE_BYTES = 1100;

/** Routes of this group. */
export const ptyRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/v2/workspaceagents/{workspaceagent}/pty",
    auth: false,
    handler: openTerminal,
  },
];

function openTerminal(ctx: RouteContext): Response | FollowStream {
  const { state } = ctx.core;
  const raw = ctx.params.workspaceagent ?? "";
  if (!isUuid(raw)) return htmlPage(500, "Internal Server Error", "An internal server error occurred.");
  const agent = state.agents.get(raw.toLowerCase());
  const notFound = () =>
    htmlPage(
      404,
      "Application Not Found",
      "The application or workspace you are trying to access does not exist or you do not have permission to access it.",
    );
  if (!agent) return notFound();
  const workspace = state.workspaces.get(state.builds.get(agent.buildId)!.workspaceId)!;
  const owner = state.users.get(workspace.ownerId)!;
  const user = userForToken(state, tokenFromRequest(ctx.request, ctx.url));
  if (!user || user.status === "suspended") return json(404, { message: NOT_FOUND_MESSAGE });
  if (user.id !== owner.id && !state.isOwner(user)) return notFound();
  const status = agentStatus(agent);
  if (status !== "connected") {
    return htmlPage(502, "Application Unavailable", `Agent state is "${status}", not "connected"`);
  }
  const query = ctx.url.searchParams;
  const problems: Validation[] = [];
  const reconnect = query.get("reconnect") ?? "";
  if (!reconnect) {
    problems.push({ field: "reconnect", detail: `Query param "reconnect" is required and cannot be empty` });
  } else if (!isUuid(reconnect)) {
    problems.push({ field: "reconnect", detail: `Query param "reconnect" must be a valid uuid` });
  }
  const size = (name: string): number => {
    const value = query.get(name);
    if (!value) return 80;
    if (!/^\d+$/.test(value)) {
      problems.push({ field: name, detail: `Query param "${name}" must be a valid positive integer` });
      return 0;
    }
    return Number(value) % 65_536; // coderd converts to uint16
  };
  const height = size("height");
  const width = size("width");
  if (problems.length > 0) throw new ApiError(400, "Invalid query parameters.", undefined, problems);
  const command = query.get("command") ?? "";
  const start = {
    ID: reconnect,
    Height: height,
    Width: width,
    Command: command,
    Container: "",
    ContainerUser: "",
  };
  const startBytes =
    2 + Buffer.byteLength(goJson({ ...start, BackendType: query.get("backend_type") ?? "" })) - 1;
  let attachment: TerminalAttachment | undefined;
  return {
    kind: "follow",
    attach(sink) {
      if (startBytes > MAX_START_MESSAGE_BYTES) {
        sink.drop(); // the agent could not read the start message: no session, no word
        return () => {};
      }
      attachment = ctx.core.terminals.attach(
        `${agent.id}/${reconnect.toLowerCase()}`,
        {
          command,
          width,
          height,
          env: {
            PATH: "/usr/local/bin:/usr/bin:/bin",
            HOME: `/home/${owner.username}`,
            ...agent.env,
            USER: owner.username,
            LOGNAME: owner.username,
            SHELL: "/bin/bash",
            TERM: "xterm-256color",
          },
          workspace: { owner: owner.username, name: workspace.name },
          agent: agent.name,
        },
        sink,
      );
      return () => attachment?.detach();
    },
    // coderd's side is a binary net.Conn: a text frame closes it. Input is JSON, one object per frame here.
    receive(data, sink, binary) {
      if (!binary) {
        sink.close(1003, "unexpected frame type read (expected MessageBinary): MessageText");
        return;
      }
      let message: { data?: unknown };
      try {
        message = JSON.parse(data) as typeof message;
      } catch {
        // The agent stops reading on bad input and lets go of the connection; the session goes on.
        sink.drop();
        return;
      }
      if (typeof message.data === "string") attachment?.input(message.data);
    },
  };
}
