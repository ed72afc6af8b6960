import { unwrap } from "../client/unwrap.js";
import type { WorkspaceAgent, WorkspaceAgentLog } from "../types.js";
import { type Api, type CallInit, init, onPath } from "./api.js";

/** Workspace agents. */
export function agentsResource(api: Api) {
  return {
    /** One agent with its connection status and lifecycle state. */
    get(id: string, call?: CallInit): Promise<WorkspaceAgent> {
      return unwrap(
        api.GET("/api/v2/workspaceagents/{workspaceagent}", onPath({ workspaceagent: id }, call)),
      );
    },
    /** Startup logs of an agent after log id `after`. */
    async logs(id: string, after = 0, call?: CallInit): Promise<WorkspaceAgentLog[]> {
      // Without `format=text` the answer is always the JSON array (the contract also lists the text form).
      const logs = await unwrap(
        api.GET("/api/v2/workspaceagents/{workspaceagent}/logs", {
          params: { path: { workspaceagent: id }, query: { after } },
          ...init(call),
        }),
      );
      return logs as WorkspaceAgentLog[];
    },
  };
}
