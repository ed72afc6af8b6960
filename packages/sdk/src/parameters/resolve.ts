import type { ParameterProblem } from "../errors/flows.js";
import type { TemplateVersionParameter, WorkspaceBuildParameter } from "../types.js";
import { describeAllowedValues, isMultiSelect } from "./describe.js";
import { parseStringList } from "./go.js";
import { closeMatches } from "./levenshtein.js";
import { validateBlock, validationEnabled } from "./validation.js";

/** What is known about one parameter's value: the new one and the previous build's, both optional. */
export interface ParameterInput {
  /** The value asked for in this build; undefined when not given (an empty string counts as given). */
  value?: string | undefined;
  /** The value of the workspace's previous build; undefined on create. */
  previousValue?: string | undefined;
}

/** The outcome of {@link resolveParameter}. */
export type ParameterResolution = { ok: true; value: string } | { ok: false; error: string };

/**
 * Resolves and checks one rich parameter the way coderd's classic parameter flow does
 * (`ParameterResolver.ValidateResolve` + `ValidateWorkspaceBuildParameter` + the provider's `Validation.Valid`):
 *
 * 1. An immutable parameter cannot change once it has a previous value.
 * 2. A required parameter needs a new or a previous value; a given empty value is refused.
 * 3. The value is the new one, else the previous one (never for ephemeral parameters), else `default_value`.
 *    An empty value of an optional parameter is checked as its `default_value` but stays `""`: that is what
 *    coderd stores and what is returned.
 * 4. With options the value must be one of them (every element of the JSON list for a multi-select).
 * 5. The validation block runs when a regex/min/max/monotonic rule is set, or for bool and list(string):
 *    bool is exactly `true`/`false`; numbers are Go `Atoi` integers within the inclusive, independently
 *    optional min/max (0 is a real bound); monotonic compares with a previous value that is an integer; the
 *    regex is an unanchored RE2 match (translated, see `translateRe2`; a pattern JavaScript cannot run
 *    faithfully gives `ok: false` saying so, and the server decides); list(string) is a JSON list of strings.
 *    `validation_error` (with `{min}`, `{max}`, `{value}` filled in, unset bounds as `0`) replaces the
 *    parse/min/max messages but not the monotonic one.
 *
 * Messages are Coder's own texts, e.g. `Parameter "x" is required but not provided`. A min or max without an
 * error, regex or monotonic rule is checked here too, where coderd's classic resolver drops it and leaves it to
 * `terraform plan`, whose failure the build would end with: refused before building instead.
 */
export function resolveParameter(
  param: TemplateVersionParameter,
  input: ParameterInput = {},
): ParameterResolution {
  const { value, previousValue } = input;
  if (!param.mutable && value !== undefined && previousValue !== undefined && value !== previousValue) {
    return fail(
      `Parameter "${param.name}" is not mutable, so it can't be updated after creating a workspace.`,
    );
  }
  if (param.required && value === undefined && previousValue === undefined) {
    return fail(`Parameter "${param.name}" is required but not provided`);
  }
  const resolved = value ?? (param.ephemeral ? undefined : previousValue) ?? param.default_value;
  if (param.required && resolved === "") return fail("parameter value is required");
  const effective = resolved === "" ? param.default_value : resolved;

  if (param.options.length > 0 && !inOptions(param, effective)) {
    // Go prints the []string of option values with %s: "[a b]".
    return fail(
      `parameter value must match one of options: [${param.options.map((o) => o.value).join(" ")}]`,
    );
  }
  if (validationEnabled(param)) {
    const error = validateBlock(param, effective, previousValue);
    if (error !== undefined) return fail(error);
  }
  return { ok: true, value: resolved };
}

function fail(error: string): ParameterResolution {
  return { ok: false, error };
}

function inOptions(param: TemplateVersionParameter, value: string): boolean {
  const values = param.options.map((o) => o.value);
  if (!isMultiSelect(param)) return values.includes(value);
  const items = parseStringList(value);
  return items?.every((item) => values.includes(item)) ?? false;
}

// `ParameterProblem` is defined once, beside the error that carries it (errors/flows.ts).
export type { ParameterProblem };

/** The outcome of {@link resolveParameters}. */
export type ParametersResolution =
  | { ok: true; values: WorkspaceBuildParameter[] }
  | { ok: false; problems: ParameterProblem[] };

/**
 * Resolves every parameter of a template version for a build and reports every problem at once.
 *
 * `inputs` are the values asked for (name → string); `previous` is the previous build's
 * `rich_parameter_values` (omit on create). Input names that are not template parameters are problems that
 * list the valid names and, like the Coder CLI, suggest close ones (`Did you mean: …`). On success `values`
 * is the complete `rich_parameter_values` for the build request, in template order.
 */
export function resolveParameters(
  templateParams: TemplateVersionParameter[],
  inputs: Record<string, string>,
  previous: WorkspaceBuildParameter[] = [],
): ParametersResolution {
  const names = templateParams.map((p) => p.name);
  const problems: ParameterProblem[] = Object.keys(inputs)
    .filter((name) => !names.includes(name))
    .map((name) => unknownParameter(name, names));
  const values: WorkspaceBuildParameter[] = [];
  for (const param of templateParams) {
    const previousValue = previous.find((p) => p.name === param.name)?.value;
    const value = Object.hasOwn(inputs, param.name) ? inputs[param.name] : undefined;
    const result = resolveParameter(param, { value, previousValue });
    if (result.ok) {
      values.push({ name: param.name, value: result.value });
      continue;
    }
    const allowed = describeAllowedValues(param, previousValue);
    problems.push({ name: param.name, message: result.error, ...(allowed === undefined ? {} : { allowed }) });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

function unknownParameter(name: string, names: string[]): ParameterProblem {
  const suggestions = closeMatches(name, names);
  const message =
    `parameter "${name}" is not present in the template.` +
    (suggestions.length > 0 ? `\nDid you mean: ${suggestions.join(", ")}` : "");
  const allowed =
    names.length > 0
      ? `one of the template's parameters: ${names.join(", ")}`
      : "the template has no parameters";
  return { name, message, allowed };
}
