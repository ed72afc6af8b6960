import { unwrap } from "../client/unwrap.js";
import type { User } from "../types.js";
import { type Api, type CallInit, init, onPath } from "./api.js";

/** Users: only what provisioning needs. */
export function usersResource(api: Api) {
  return {
    /** The user the session token belongs to; a 401 here means the token is wrong or expired. */
    me(call?: CallInit): Promise<User> {
      return unwrap(api.GET("/api/v2/users/me", init(call)));
    },
    /** A user by id, user name or `me`. */
    get(user: string, call?: CallInit): Promise<User> {
      return unwrap(api.GET("/api/v2/users/{user}", onPath({ user }, call)));
    },
    /**
     * Ends the session on the server, as `coder logout` does: coderd deletes the API key behind this client's
     * token, so the token (and every copy of it) stops working. The client cannot be used afterwards.
     */
    async logout(call?: CallInit): Promise<void> {
      await unwrap(api.POST("/api/v2/users/logout", init(call)));
    },
  };
}
