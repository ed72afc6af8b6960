import { unwrap } from "../client/unwrap.js";
import type { RegionsResponse } from "../types.js";
import { type Api, type CallInit, init } from "./api.js";

/** Regions: where the app wildcard host name comes from. */
export function regionsResource(api: Api) {
  return {
    /** The deployment's regions; `wildcard_hostname` is empty when subdomain apps are off. */
    list(call?: CallInit): Promise<RegionsResponse> {
      return unwrap(api.GET("/api/v2/regions", init(call)));
    },
  };
}
