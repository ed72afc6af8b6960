// Every scenario of the real-server suite, in the order they run.
import { operationScenarios } from "./operations.js";
import { parameterScenarios } from "./parameters.js";
import type { Scenario } from "./scenario.js";
import { upScenarios } from "./up.js";

export const SCENARIOS: readonly Scenario[] = [...upScenarios, ...parameterScenarios, ...operationScenarios];
