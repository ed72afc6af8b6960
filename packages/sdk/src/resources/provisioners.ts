import { unwrap } from "../client/unwrap.js";
import type { ProvisionerDaemon } from "../types.js";
import { type Api, type CallInit, init } from "./api.js";
import { orUndefined } from "./not-found.js";

/** Provisioner daemons: the workers that run template imports and workspace builds. */
export function provisionersResource(api: Api) {
  return {
    /**
     * The organization's daemons, oldest first, each `offline`, `idle` or `busy`. Coder shows them only to those
     * who may read the organization's provisioner jobs (owners, organization and template admins); for anyone
     * else it answers the generic 404, returned here as `undefined`.
     */
    listDaemons(
      organization: string,
      query: { limit?: number } = {},
      call?: CallInit,
    ): Promise<ProvisionerDaemon[] | undefined> {
      return orUndefined(
        unwrap(
          api.GET("/api/v2/organizations/{organization}/provisionerdaemons", {
            params: { path: { organization }, query },
            ...init(call),
          }),
        ),
      );
    },
  };
}
