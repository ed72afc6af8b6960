import { unwrap } from "../client/unwrap.js";
import type { CreateWorkspaceRequest, Workspace, WorkspaceBuild, WorkspacesResponse } from "../types.js";
import { type Api, type CallInit, init } from "./api.js";
import { orUndefined } from "./not-found.js";

/** Workspaces. */
export function workspacesResource(api: Api) {
  return {
    /**
     * Creates a workspace and its first build (201). Never retried by the transport: a lost answer is resolved
     * by looking the workspace up by name (see `createWorkspace`).
     */
    create(user: string, body: CreateWorkspaceRequest, call?: CallInit): Promise<Workspace> {
      return unwrap(
        api.POST("/api/v2/users/{user}/workspaces", { params: { path: { user } }, body, ...init(call) }),
      );
    },
    /** A workspace by id; a deleted one is a 410 unless `includeDeleted`. */
    get(id: string, call?: CallInit & { includeDeleted?: boolean }): Promise<Workspace> {
      return unwrap(
        api.GET("/api/v2/workspaces/{workspace}", {
          params: { path: { workspace: id }, query: call?.includeDeleted ? { include_deleted: true } : {} },
          ...init(call),
        }),
      );
    },
    /** A workspace by owner (`me`, a name or id) and name, case-insensitive; undefined on 404. */
    getByName(owner: string, name: string, call?: CallInit): Promise<Workspace | undefined> {
      return orUndefined(
        unwrap(
          api.GET("/api/v2/users/{user}/workspace/{workspacename}", {
            params: { path: { user: owner, workspacename: name } },
            ...init(call),
          }),
        ),
      );
    },
    /** Searches workspaces (`q` like `owner:me template:spt-flow`); `count` ignores `limit`. */
    list(
      query: { q?: string; limit?: number; offset?: number } = {},
      call?: CallInit,
    ): Promise<WorkspacesResponse> {
      return unwrap(api.GET("/api/v2/workspaces", { params: { query }, ...init(call) }));
    },
    /** The builds of a workspace, newest first. */
    builds(id: string, call?: CallInit): Promise<WorkspaceBuild[]> {
      return unwrap(
        api.GET("/api/v2/workspaces/{workspace}/builds", {
          params: { path: { workspace: id } },
          ...init(call),
        }),
      );
    },
  };
}
