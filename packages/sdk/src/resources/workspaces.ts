import { unwrap } from "../client/unwrap.js";
import type {
  AutomaticUpdates,
  CreateWorkspaceRequest,
  Workspace,
  WorkspaceBuild,
  WorkspacesResponse,
} from "../types.js";
import { type Api, type CallInit, init, onPath } from "./api.js";
import { orUndefined } from "./not-found.js";

/** Workspaces. */
export function workspacesResource(api: Api) {
  return {
    /**
     * Creates a workspace and its first build (201). Never retried by the transport: a lost answer is resolved
     * by looking the workspace up by name (see `createWorkspace`).
     */
    create(user: string, body: CreateWorkspaceRequest, call?: CallInit): Promise<Workspace> {
      return unwrap(api.POST("/api/v2/users/{user}/workspaces", { ...onPath({ user }, call), body }));
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
          api.GET(
            "/api/v2/users/{user}/workspace/{workspacename}",
            onPath({ user: owner, workspacename: name }, call),
          ),
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
    /**
     * Sets the autostart schedule, `CRON_TZ=<IANA zone> <minute> <hour> * * <days>` (Coder's weekly cron);
     * an empty string turns autostart off.
     */
    async setAutostart(id: string, schedule: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.PUT("/api/v2/workspaces/{workspace}/autostart", {
          ...onPath({ workspace: id }, call),
          body: { schedule },
        }),
      );
    },
    /** Sets the time to shutdown after a start (whole minutes, under 30 days); `null` turns autostop off. */
    async setTtl(id: string, ttlMs: number | null, call?: CallInit): Promise<void> {
      await unwrap(
        api.PUT("/api/v2/workspaces/{workspace}/ttl", {
          ...onPath({ workspace: id }, call),
          body: { ttl_ms: ttlMs },
        }),
      );
    },
    /** Moves the running build's deadline (at least 30 minutes ahead); Coder refuses when shutdown is manual. */
    async extend(id: string, deadline: Date, call?: CallInit): Promise<void> {
      await unwrap(
        api.PUT("/api/v2/workspaces/{workspace}/extend", {
          ...onPath({ workspace: id }, call),
          body: { deadline: deadline.toISOString() },
        }),
      );
    },
    /** `always`: every start uses the template's active version; `never`: the last build's. */
    async setAutomaticUpdates(id: string, value: AutomaticUpdates, call?: CallInit): Promise<void> {
      await unwrap(
        api.PUT("/api/v2/workspaces/{workspace}/autoupdates", {
          ...onPath({ workspace: id }, call),
          body: { automatic_updates: value },
        }),
      );
    },
    /** The builds of a workspace, newest first. */
    builds(id: string, call?: CallInit): Promise<WorkspaceBuild[]> {
      return unwrap(api.GET("/api/v2/workspaces/{workspace}/builds", onPath({ workspace: id }, call)));
    },
  };
}
