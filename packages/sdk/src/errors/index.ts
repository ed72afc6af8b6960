// The SDK's one error hierarchy, everything a caller may `instanceof`: `CoderError` at the root; the transport's
// errors (HTTP status classes, connection, timeout, abort, cancel, unexpected answers) in base.ts; the flows' in
// flows.ts, lifecycle.ts and exec.ts; the template archive's in archive.ts. Layers import the file they need; the package
// index re-exports this file.
export * from "./archive.js";
export * from "./base.js";
export * from "./exec.js";
export {
  AgentNotReadyError,
  CoderFlowError,
  MissingTemplateVariablesError,
  NotCoderServerError,
  type ParameterProblem,
  ParameterValidationError,
  ProvisionerJobError,
  TemplateUnavailableError,
} from "./flows.js";
export * from "./interrupt.js";
export * from "./lifecycle.js";
