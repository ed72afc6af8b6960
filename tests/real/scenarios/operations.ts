import type { Scenario } from "./scenario.js";

export const operationScenarios: Scenario[] = [];
