/** Workspace agents: one agent, and its startup logs (`coderd/workspaceagents.go`). */
import { json } from "../http.js";
import type { Route } from "../router.js";
import { agentParam } from "./common.js";
import { agentLogs } from "./logs.js";

/** Routes of this group. */
export const agentRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/v2/workspaceagents/{workspaceagent}",
    handler: (ctx) => json(200, ctx.core.presenter.agent(agentParam(ctx))),
  },
  {
    method: "GET",
    pattern: "/api/v2/workspaceagents/{workspaceagent}/logs",
    handler: (ctx) => agentLogs(ctx, agentParam(ctx)),
  },
];
