/** Every route of the fake, literal paths before parameterised ones where they overlap. */
import type { Route } from "../router.js";
import { agentRoutes } from "./agents.js";
import { deploymentRoutes } from "./deployment.js";
import { dynamicParameterRoutes } from "./dynamicparameters.js";
import { fileRoutes } from "./files.js";
import { lifecycleRoutes } from "./lifecycle.js";
import { organizationRoutes } from "./organizations.js";
import { provisionerJobRoutes } from "./provisionerjobs.js";
import { provisionerRoutes } from "./provisioners.js";
import { ptyRoutes } from "./pty.js";
import { templateSettingsRoutes } from "./template-settings.js";
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
  ...provisionerRoutes,
  ...provisionerJobRoutes,
  ...fileRoutes,
  ...templateRoutes,
  ...templateSettingsRoutes,
  ...templateVersionRoutes,
  ...dynamicParameterRoutes,
  ...workspaceRoutes,
  ...workspaceBuildRoutes,
  ...lifecycleRoutes,
  ...agentRoutes,
  ...ptyRoutes,
];
