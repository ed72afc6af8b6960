/** Users and their organizations. */
import { json, notFound } from "../http.js";
import { presentOrganization, presentUser } from "../present/users.js";
import type { Route } from "../router.js";
import { userParam } from "./common.js";

/** Routes of this group. */
export const userRoutes: Route[] = [
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
