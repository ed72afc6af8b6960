import { unwrap } from "../client/unwrap.js";
import type {
  CreateWorkspaceBuildRequest,
  ProvisionerJobLog,
  WorkspaceBuild,
  WorkspaceBuildParameter,
} from "../types.js";
import { type Api, type CallInit, init, onPath } from "./api.js";

/** Workspace builds: start, stop and delete are all builds. */
export function buildsResource(api: Api) {
  const path = (id: string) => ({ params: { path: { workspacebuild: id } } });
  return {
    /**
     * Starts a `start`, `stop` or `delete` build (201). Without `template_version_id` Coder reuses the previous
     * build's version, not the active one. 409 while another build is active. Never retried by the transport.
     */
    create(workspaceId: string, body: CreateWorkspaceBuildRequest, call?: CallInit): Promise<WorkspaceBuild> {
      return unwrap(
        api.POST("/api/v2/workspaces/{workspace}/builds", {
          ...onPath({ workspace: workspaceId }, call),
          body,
        }),
      );
    },
    /** A build with its job and resources. */
    get(id: string, call?: CallInit): Promise<WorkspaceBuild> {
      return unwrap(api.GET("/api/v2/workspacebuilds/{workspacebuild}", { ...path(id), ...init(call) }));
    },
    /** Build logs after log id `after` (a plain list; follow them with `followJobLogs`). */
    async logs(id: string, after = 0, call?: CallInit): Promise<ProvisionerJobLog[]> {
      // Without `format=text` the answer is always the JSON array (the contract also lists the text form).
      const logs = await unwrap(
        api.GET("/api/v2/workspacebuilds/{workspacebuild}/logs", {
          params: { path: { workspacebuild: id }, query: { after } },
          ...init(call),
        }),
      );
      return logs as ProvisionerJobLog[];
    },
    /** Cancels a build's job. */
    async cancel(id: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.PATCH("/api/v2/workspacebuilds/{workspacebuild}/cancel", { ...path(id), ...init(call) }),
      );
    },
    /** The parameter values the build really used, defaults included. */
    parameters(id: string, call?: CallInit): Promise<WorkspaceBuildParameter[]> {
      return unwrap(
        api.GET("/api/v2/workspacebuilds/{workspacebuild}/parameters", { ...path(id), ...init(call) }),
      );
    },
    /** A build by workspace owner, name and number (numbers start at 1). */
    byNumber(owner: string, workspace: string, number: number, call?: CallInit): Promise<WorkspaceBuild> {
      return unwrap(
        api.GET(
          "/api/v2/users/{user}/workspace/{workspacename}/builds/{buildnumber}",
          onPath({ user: owner, workspacename: workspace, buildnumber: number }, call),
        ),
      );
    },
  };
}
