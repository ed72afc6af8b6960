/** Build info, the first-user probe and regions: the routes a client calls before anything else. */
import type { BuildInfoResponse, Region } from "../api-types.js";
import { json } from "../http.js";
import type { Route } from "../router.js";

const REGION_ID = "00000000-0000-0000-0000-000000000000";

/** Routes of this group. */
export const deploymentRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/v2/buildinfo",
    auth: false,
    handler: ({ core }) => {
      const sha = core.buildVersion.split("+")[1] ?? "";
      const body: BuildInfoResponse = {
        external_url: `https://github.com/coder/coder/commit/${sha}`,
        version: core.buildVersion,
        dashboard_url: core.accessUrl,
        telemetry: false,
        workspace_proxy: false,
        agent_api_version: "2.6",
        provisioner_api_version: "1.9",
        upgrade_message: "",
        deployment_id: core.state.deploymentId,
      };
      return json(200, body);
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/users/first",
    auth: false,
    // The fake always has its seeded owner, so the first user exists.
    handler: () => json(200, { message: "The initial user has already been created!" }),
  },
  {
    method: "GET",
    pattern: "/api/v2/regions",
    handler: ({ core }) => {
      const region: Region = {
        id: REGION_ID,
        name: "primary",
        display_name: "Default",
        icon_url: "/emojis/1f3e1.png",
        healthy: true,
        path_app_url: core.accessUrl,
        // No wildcard access URL is configured, so subdomain apps are unavailable (as on a default deployment).
        wildcard_hostname: "",
      };
      return json(200, { regions: [region] });
    },
  },
];
