// The parameter scenarios: both flows, presets, template variables, a new parameter on update, and a start on a
// template that requires its active version.
import { parameterFlowScenarios } from "./parameters-flows.js";
import { presetScenarios } from "./parameters-presets.js";
import { versionScenarios } from "./parameters-versions.js";
import type { Scenario } from "./scenario.js";

export const parameterScenarios: Scenario[] = [
  ...parameterFlowScenarios,
  ...presetScenarios,
  ...versionScenarios,
];
