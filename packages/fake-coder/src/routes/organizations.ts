/** Organizations: the list the caller may read, and one by id, name or `default`. */
import { json } from "../http.js";
import { presentOrganization } from "../present/users.js";
import type { Route } from "../router.js";
import { canReadOrg, organizationParam } from "./common.js";

/** Routes of this group. */
export const organizationRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/v2/organizations",
    handler: (ctx) => {
      const orgs = [...ctx.core.state.organizations.values()].filter((o) => canReadOrg(ctx, o.id));
      return json(200, orgs.map(presentOrganization));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/organizations/{organization}",
    handler: (ctx) => json(200, presentOrganization(organizationParam(ctx))),
  },
];
