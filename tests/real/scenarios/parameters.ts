import type { Scenario } from "./scenario.js";

export const parameterScenarios: Scenario[] = [];
