// What users do around templates and workspaces once they exist: versions, schedules, their session, fleets,
// canceling jobs, and following logs through a cut connection. Each group lives in its own file.
import { cancelScenarios } from "./operations-cancel.js";
import { sessionScenarios } from "./operations-session.js";
import { streamScenarios } from "./operations-stream.js";
import { versionScenarios } from "./operations-versions.js";
import type { Scenario } from "./scenario.js";

export const operationScenarios: Scenario[] = [
  ...versionScenarios,
  ...sessionScenarios,
  ...cancelScenarios,
  ...streamScenarios,
];
