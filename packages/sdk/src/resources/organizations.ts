import { unwrap } from "../client/unwrap.js";
import type { Organization, ProvisionerJob } from "../types.js";
import { type Api, type CallInit, init, onPath } from "./api.js";

/** Organizations. The `{organization}` segment takes an id, a name, or `default`. */
export function organizationsResource(api: Api) {
  return {
    /** Every organization the caller may read (all of them for owners). */
    list(call?: CallInit): Promise<Organization[]> {
      return unwrap(api.GET("/api/v2/organizations", init(call)));
    },
    /** The organizations the caller is a member of. */
    listMine(call?: CallInit): Promise<Organization[]> {
      return unwrap(api.GET("/api/v2/users/me/organizations", init(call)));
    },
    /** One organization by id or name. */
    get(idOrName: string, call?: CallInit): Promise<Organization> {
      return unwrap(
        api.GET("/api/v2/organizations/{organization}", onPath({ organization: idOrName }, call)),
      );
    },
    /**
     * The organization's provisioner jobs, newest first (Coder returns 50 unless `limit` says otherwise). Only for
     * those who may read provisioner jobs: Coder answers 404 to anyone else.
     */
    provisionerJobs(
      org: string,
      query: { limit?: number; status?: string[] } = {},
      call?: CallInit,
    ): Promise<ProvisionerJob[]> {
      return unwrap(
        api.GET("/api/v2/organizations/{organization}/provisionerjobs", {
          params: {
            path: { organization: org },
            query: {
              ...(query.limit ? { limit: query.limit } : {}),
              ...(query.status ? { status: query.status.join(",") } : {}),
            },
          },
          ...init(call),
        }),
      );
    },
    /** The organization with `is_default`, through Coder's `default` path alias. */
    getDefault(call?: CallInit): Promise<Organization> {
      return this.get("default", call);
    },
  };
}
