/**
 * Rich parameters: resolve and check workspace build parameter values on the client, with coderd's classic
 * rules or through the server's dynamic evaluation, and presets, so a CLI can report every problem before
 * starting a build.
 */
export { describeAllowedValues } from "./describe.js";
export {
  type DynamicEvaluate,
  type DynamicParameterProblem,
  type DynamicParameterWarning,
  type DynamicResolution,
  resolveDynamicParameters,
} from "./dynamic.js";
export { applyPreset, choosePreset, type PresetChoice, type PresetOverride } from "./presets.js";
export { asTemplateParameter, diagnosticText } from "./preview.js";
export { type Re2Translation, translateRe2 } from "./re2.js";
export {
  type ParameterInput,
  type ParameterProblem,
  type ParameterResolution,
  type ParametersResolution,
  resolveParameter,
  resolveParameters,
} from "./resolve.js";
