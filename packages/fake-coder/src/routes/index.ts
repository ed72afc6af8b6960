/** Every route of the fake, literal paths before parameterised ones where they overlap. */
import type { Route } from "../router.js";
import { agentRoutes } from "./agents.js";
import { deploymentRoutes } from "./deployment.js";
import { fileRoutes } from "./files.js";
import { lifecycleRoutes } from "./lifecycle.js";
import { organizationRoutes } from "./organizations.js";
import { templateRoutes } from "./templates.js";
import { templateVersionRoutes } from "./templateversions.js";
import { userRoutes } from "./users.js";
import { workspaceBuildRoutes } from "./workspacebuilds.js";
import { workspaceRoutes } from "./workspaces.js";

/** Every route, in matching order. */
export const allRoutes: Route[] = [
  ...deploymentRoutes,
  ...userRoutes,
  ...organizationRoutes,
  ...fileRoutes,
  ...templateRoutes,
  ...templateVersionRoutes,
  ...workspaceRoutes,
  ...workspaceBuildRoutes,
  ...lifecycleRoutes,
  ...agentRoutes,
];
