/**
 * Rich parameters: resolve and check workspace build parameter values on the client with coderd's classic
 * rules, so a CLI can report every problem before starting a build.
 */
export { describeAllowedValues } from "./describe.js";
export { type Re2Translation, translateRe2 } from "./re2.js";
export {
  type ParameterInput,
  type ParameterProblem,
  type ParameterResolution,
  type ParametersResolution,
  resolveParameter,
  resolveParameters,
} from "./resolve.js";
