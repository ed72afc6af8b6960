import { unwrap } from "../client/unwrap.js";
import type { User } from "../types.js";
import { type Api, type CallInit, init } from "./api.js";

/** Users: only what provisioning needs. */
export function usersResource(api: Api) {
  return {
    /** The user the session token belongs to; a 401 here means the token is wrong or expired. */
    me(call?: CallInit): Promise<User> {
      return unwrap(api.GET("/api/v2/users/me", init(call)));
    },
  };
}
