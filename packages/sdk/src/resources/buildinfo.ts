import { unwrap } from "../client/unwrap.js";
import type { BuildInfoResponse } from "../types.js";
import { type Api, type CallInit, init } from "./api.js";

/** `GET /api/v2/buildinfo`: the server's version and URLs; needs no session. */
export function buildInfoResource(api: Api) {
  return {
    /** Build info of the deployment (works without a token). */
    get(call?: CallInit): Promise<BuildInfoResponse> {
      return unwrap(api.GET("/api/v2/buildinfo", init(call)));
    },
  };
}
