import type {
  DynamicParametersResponse,
  FriendlyDiagnostic,
  PreviewParameter,
  WorkspaceBuildParameter,
} from "../types.js";
import { describeAllowedValues } from "./describe.js";
import { closeMatches } from "./levenshtein.js";
import { asTemplateParameter, diagnosticText } from "./preview.js";
import type { ParameterProblem } from "./resolve.js";
import { validateBlock } from "./validation.js";

/** Renders the template for a set of inputs (the server's `dynamic-parameters/evaluate`). */
export type DynamicEvaluate = (
  inputs: Record<string, string>,
  round: number,
) => Promise<DynamicParametersResponse>;

/** A problem of the dynamic flow, with the server's diagnostics for the parameter when it sent any. */
export interface DynamicParameterProblem extends ParameterProblem {
  diagnostics?: FriendlyDiagnostic[];
}

/** A warning the template gave (not an error): for a parameter, or for the template as a whole. */
export interface DynamicParameterWarning {
  name?: string;
  diagnostic: FriendlyDiagnostic;
}

/** The outcome of {@link resolveDynamicParameters}. */
export interface DynamicResolution {
  /** Every parameter that exists for these values, with its value, in the template's order. */
  values: WorkspaceBuildParameter[];
  problems: DynamicParameterProblem[];
  warnings: DynamicParameterWarning[];
  /** The parameters of the last evaluation. */
  parameters: PreviewParameter[];
  /** How many evaluations it took for the set of parameters to stop changing. */
  rounds: number;
}

/** Renders are bounded: each round can only add parameters that depend on the previous round's values. */
const MAX_ROUNDS = 8;

/**
 * Resolves parameters the way coderd resolves a dynamic template: evaluate with the inputs (new values over the
 * previous build's; ephemeral values are never carried over), add the values that now apply, and evaluate again
 * until the set of parameters and the values sent stop changing (a value can make another parameter appear).
 * Then every problem is collected at once: the server's error diagnostics under their parameter, required values
 * missing, immutable values changed and monotonic rules broken against `previous`, and inputs that name no
 * parameter. Warnings are returned apart. coderd itself does not check monotonic rules of a dynamic template: it
 * takes the build, stores the values and the plan fails on them; they are refused here before anything is built.
 */
export async function resolveDynamicParameters(
  evaluate: DynamicEvaluate,
  inputs: Record<string, string>,
  previous: WorkspaceBuildParameter[] = [],
): Promise<DynamicResolution> {
  const before = new Map(previous.map((p) => [p.name, p.value]));
  let sent: Record<string, string> = { ...Object.fromEntries(before), ...inputs };
  let response: DynamicParametersResponse | undefined;
  let rounds = 0;
  for (;;) {
    response = await evaluate(sent, rounds);
    rounds += 1;
    // No parameters at all (`null`): the template could not be rendered; the diagnostics say why.
    if (response.parameters === null) break;
    const next = nextInputs(response.parameters, inputs, before);
    if (sameInputs(next, sent) || rounds >= MAX_ROUNDS) {
      sent = next;
      break;
    }
    sent = next;
  }
  return collect(response, inputs, sent, before, rounds);
}

/** What the next evaluation sends: the caller's values always, the previous build's for non-ephemeral ones. */
function nextInputs(
  parameters: PreviewParameter[],
  inputs: Record<string, string>,
  before: Map<string, string>,
): Record<string, string> {
  const next: Record<string, string> = { ...inputs };
  for (const p of parameters) {
    if (Object.hasOwn(inputs, p.name)) continue;
    const old = before.get(p.name);
    if (old !== undefined && !p.ephemeral) next[p.name] = old;
  }
  return next;
}

function sameInputs(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function collect(
  response: DynamicParametersResponse,
  inputs: Record<string, string>,
  sent: Record<string, string>,
  before: Map<string, string>,
  rounds: number,
): DynamicResolution {
  const rendered = response.parameters !== null;
  const parameters = response.parameters ?? [];
  const names = parameters.map((p) => p.name);
  // When nothing was rendered, no input can be said to name no parameter.
  const problems: DynamicParameterProblem[] = rendered
    ? Object.keys(inputs)
        .filter((name) => !names.includes(name))
        .map((name) => absent(name, names))
    : [];
  const warnings: DynamicParameterWarning[] = (response.diagnostics ?? [])
    .filter((d) => d.severity === "warning")
    .map((diagnostic) => ({ diagnostic }));
  const templateErrors = (response.diagnostics ?? []).filter((d) => d.severity === "error");
  if (!rendered && !templateErrors.length)
    templateErrors.push({
      severity: "error",
      summary: "Coder rendered no parameters for this template",
      detail: "The evaluate answer had `parameters: null` and no error diagnostic.",
    });
  if (templateErrors.length)
    problems.push({
      name: "template",
      message: templateErrors.map(diagnosticText).join("\n"),
      diagnostics: templateErrors,
    });
  const values: WorkspaceBuildParameter[] = [];
  for (const p of parameters) {
    const diagnostics = p.diagnostics ?? [];
    for (const d of diagnostics) if (d.severity === "warning") warnings.push({ name: p.name, diagnostic: d });
    const value = Object.hasOwn(sent, p.name) ? sent[p.name] : p.value.valid ? p.value.value : undefined;
    const problem = parameterProblem(p, value, before.get(p.name), diagnostics);
    if (problem) problems.push(problem);
    else if (value !== undefined) values.push({ name: p.name, value });
  }
  return { values, problems, warnings, parameters, rounds };
}

function parameterProblem(
  p: PreviewParameter,
  value: string | undefined,
  previous: string | undefined,
  diagnostics: FriendlyDiagnostic[],
): DynamicParameterProblem | undefined {
  const classic = asTemplateParameter(p);
  const allowed = describeAllowedValues(classic, previous);
  const problem = (message: string, diags?: FriendlyDiagnostic[]): DynamicParameterProblem => ({
    name: p.name,
    message,
    ...(allowed === undefined ? {} : { allowed }),
    ...(diags ? { diagnostics: diags } : {}),
  });
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length) return problem(errors.map(diagnosticText).join("\n"), errors);
  if (value === undefined) return problem(`Parameter "${p.name}" is required but not provided`);
  if (previous !== undefined && !p.mutable && value !== previous)
    return problem(
      `Parameter "${p.name}" is not mutable, so it can't be updated after creating a workspace.`,
    );
  if (previous !== undefined && classic.validation_monotonic) {
    const error = validateBlock(
      { ...classic, validation_min: undefined, validation_max: undefined },
      value,
      previous,
    );
    if (error) return problem(error);
  }
  return undefined;
}

function absent(name: string, names: string[]): DynamicParameterProblem {
  const suggestions = closeMatches(name, names);
  return {
    name,
    message:
      `parameter "${name}" is not present in the template for these values (it may exist only when other parameters are set).` +
      (suggestions.length ? `\nDid you mean: ${suggestions.join(", ")}` : ""),
    allowed: names.length
      ? `one of the parameters that exist now: ${names.join(", ")}`
      : "the template has no parameters",
  };
}
