/** Users and their organizations. */
import { tokenFromRequest } from "../auth.js";
import { json, notFound } from "../http.js";
import { presentOrganization, presentUser } from "../present/users.js";
import type { Route } from "../router.js";
import { isOwner, userParam } from "./common.js";

/** Routes of this group. */
export const userRoutes: Route[] = [
  {
    // coderd deletes the API key the request came with, and clears the session cookie (Go writes `Max-Age=0`).
    method: "POST",
    pattern: "/api/v2/users/logout",
    handler: (ctx) => {
      const token = tokenFromRequest(ctx.request, ctx.url);
      if (token) ctx.core.state.tokens.delete(token);
      return json(
        200,
        { message: "Logged out!" },
        { "Set-Cookie": "coder_session_token=; Path=/; Max-Age=0" },
      );
    },
  },
  {
    // `postAPIKey`: a new session token of the user (a member only for themself), answered once as `key`.
    method: "POST",
    pattern: "/api/v2/users/{user}/keys",
    handler: (ctx) => {
      const user = userParam(ctx);
      if (user.id !== ctx.user.id && !isOwner(ctx)) throw notFound();
      return json(201, { key: ctx.core.state.mintToken(user.id) });
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/users/{user}",
    handler: (ctx) => json(200, presentUser(userParam(ctx))),
  },
  {
    method: "GET",
    pattern: "/api/v2/users/{user}/organizations",
    handler: (ctx) => {
      const user = userParam(ctx);
      const orgs = [...ctx.core.state.organizations.values()].filter((o) =>
        user.organizationIds.includes(o.id),
      );
      return json(200, orgs.map(presentOrganization));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/users/{user}/organizations/{organizationname}",
    handler: (ctx) => {
      const user = userParam(ctx);
      const org = ctx.core.state.organizationByName(ctx.params.organizationname ?? "");
      if (!org || !user.organizationIds.includes(org.id)) throw notFound();
      return json(200, presentOrganization(org));
    },
  },
];
