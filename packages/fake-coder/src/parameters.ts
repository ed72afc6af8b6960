/**
 * Rich-parameter rules as coderd applies them (`codersdk/richparameters.go` with terraform-provider-coder's
 * `Validation.Valid`), written here independently of the SDK. Messages are Coder's, word for word.
 */
import type { TemplateParameter } from "./template-model.js";

/** A `{name, value}` pair (WorkspaceBuildParameter). */
export interface BuildParameter {
  name: string;
  value: string;
}

/** Go's `%q` for the strings these messages quote. */
function q(value: string): string {
  return JSON.stringify(value);
}

/** Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else. */
function atoi(value: string): number | undefined {
  return /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : undefined;
}

/** Compiles an RE2 pattern as far as JavaScript allows; a leading `(?i)` becomes the `i` flag. */
function compileRegex(pattern: string): RegExp {
  const flags = /^\(\?([imsU]+)\)/.exec(pattern);
  if (flags) return new RegExp(pattern.slice(flags[0].length), flags[1]!.replace(/[^ims]/g, ""));
  return new RegExp(pattern);
}

/** `validation_error` with `{min}`, `{max}` and `{value}` substituted; an unset bound renders as 0. */
function renderError(p: TemplateParameter, value: string): string | undefined {
  if (!p.validation_error) return undefined;
  return p.validation_error
    .replaceAll("{min}", String(p.validation_min ?? 0))
    .replaceAll("{max}", String(p.validation_max ?? 0))
    .replaceAll("{value}", value);
}

/** The provider's `Validation.Valid(type, value, previous)`. Returns the error text or undefined. */
export function validationValid(
  p: TemplateParameter,
  value: string,
  previous: string | undefined,
): string | undefined {
  const type = p.type;
  if (type !== "number") {
    if (p.validation_min !== undefined) return `a min cannot be specified for a ${type} type`;
    if (p.validation_max !== undefined) return `a max cannot be specified for a ${type} type`;
    if (p.validation_monotonic)
      return `monotonic validation can only be specified for number types, not ${type} types`;
  }
  if (type !== "string" && p.validation_regex) return `a regex cannot be specified for a ${type} type`;
  switch (type) {
    case "bool":
      if (value !== "true" && value !== "false") return 'boolean value can be either "true" or "false"';
      return undefined;
    case "string": {
      if (!p.validation_regex) return undefined;
      let re: RegExp;
      try {
        re = compileRegex(p.validation_regex);
      } catch (err) {
        return `compile regex ${q(p.validation_regex)}: ${(err as Error).message}`;
      }
      if (!p.validation_error) return "an error must be specified with a regex validation";
      if (!re.test(value))
        return `${p.validation_error} (value ${q(value)} does not match ${q(p.validation_regex)})`;
      return undefined;
    }
    case "number": {
      const n = atoi(value);
      if (n === undefined) return renderError(p, value) ?? `value ${q(value)} is not a number`;
      if (p.validation_min !== undefined && n < p.validation_min) {
        return renderError(p, value) ?? `value ${n} is less than the minimum ${p.validation_min}`;
      }
      if (p.validation_max !== undefined && n > p.validation_max) {
        return renderError(p, value) ?? `value ${n} is more than the maximum ${p.validation_max}`;
      }
      const mono = p.validation_monotonic;
      if (mono && mono !== "increasing" && mono !== "decreasing") {
        return 'number monotonicity can be either "increasing" or "decreasing"';
      }
      const prev = previous === undefined ? undefined : atoi(previous);
      if (mono && prev !== undefined) {
        if (mono === "increasing" && !(n >= prev)) {
          return `parameter value '${n}' must be equal or greater than previous value: ${prev}`;
        }
        if (mono === "decreasing" && !(n <= prev)) {
          return `parameter value '${n}' must be equal or lower than previous value: ${prev}`;
        }
      }
      return undefined;
    }
    case "list(string)": {
      if (!isStringList(value)) return `value ${q(value)} is not valid list of strings`;
      return undefined;
    }
  }
  return undefined;
}

function isStringList(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((v) => typeof v === "string");
  } catch {
    return false;
  }
}

function validationEnabled(p: TemplateParameter): boolean {
  return (
    !!p.validation_regex ||
    p.validation_min !== undefined ||
    p.validation_max !== undefined ||
    !!p.validation_monotonic ||
    p.type === "bool" ||
    p.type === "list(string)"
  );
}

/** `[a b]`: Go's `%v` of a string slice, as the options error prints it. */
function optionList(p: TemplateParameter): string {
  return `[${p.options.map((o) => o.value).join(" ")}]`;
}

function inOptions(p: TemplateParameter, value: string): boolean {
  if (p.type === "list(string)" && p.form_type === "multi-select") {
    if (!isStringList(value)) return false;
    const allowed = new Set(p.options.map((o) => o.value));
    return (JSON.parse(value) as string[]).every((v) => allowed.has(v));
  }
  return p.options.some((o) => o.value === value);
}

/**
 * `ValidateWorkspaceBuildParameter` without the wrapping: required, default, options, then the validation block.
 * `previous` feeds the monotonic check.
 */
export function validateValue(
  p: TemplateParameter,
  given: string,
  previous: string | undefined,
): string | undefined {
  let value = given;
  // Exactly "": codersdk does not trim, so a value of spaces is a value.
  if (p.required && value === "") return "parameter value is required";
  if (value === "") value = p.default_value;
  if (p.options.length > 0 && !inOptions(p, value)) {
    return `parameter value must match one of options: ${optionList(p)}`;
  }
  if (!validationEnabled(p)) return undefined;
  return validationValid(p, value, previous);
}

/**
 * A parameter as a classic build sees it: coderd converts the stored row for its resolver and keeps the validation
 * block only when it has an error, a regex or a monotonic rule (`dynamicparameters/static.go`), so a min or max
 * alone is not checked there (the plan checks it).
 */
export function classicBuildRule(p: TemplateParameter): TemplateParameter {
  if (p.validation_error || p.validation_regex || p.validation_monotonic) return p;
  const { validation_min: _min, validation_max: _max, ...rest } = p;
  return rest;
}

/** One parameter problem: the parameter and the full reason coderd reports. */
export interface ParameterProblem {
  name: string;
  reason: string;
}

/** The resolved values of a build, or the first problem (classic flow stops at the first). */
export interface ResolveResult {
  values: BuildParameter[];
  problems: ParameterProblem[];
}

/**
 * coderd's `ParameterResolver.ValidateResolve` over every template parameter: new value, else the previous build's
 * (unless ephemeral), else the default. Values for names that are not parameters are dropped. Every problem is
 * collected; the classic flow reports the first, the dynamic one reports all.
 */
export function resolveBuildParameters(
  params: TemplateParameter[],
  given: BuildParameter[],
  previous: BuildParameter[],
): ResolveResult {
  const values: BuildParameter[] = [];
  const problems: ParameterProblem[] = [];
  for (const p of params) {
    const value = given.find((g) => g.name === p.name);
    const prev = previous.find((g) => g.name === p.name);
    if (!p.mutable && value && prev && value.value !== prev.value) {
      problems.push({
        name: p.name,
        reason: `Parameter ${q(p.name)} is not mutable, so it can't be updated after creating a workspace.`,
      });
      continue;
    }
    if (p.required && !value && !prev) {
      problems.push({ name: p.name, reason: `Parameter ${q(p.name)} is required but not provided` });
      continue;
    }
    const resolved = value ?? (p.ephemeral ? undefined : prev) ?? { name: p.name, value: p.default_value };
    const err = validateValue(p, resolved.value, prev?.value);
    if (err) {
      problems.push({
        name: p.name,
        reason: `can't validate build parameter ${q(p.display_name || p.name)}: ${err}`,
      });
      continue;
    }
    // An optional parameter given "" is stored as "": the default only stands in while validating.
    values.push({ name: p.name, value: resolved.value });
  }
  return { values, problems };
}

/**
 * The provider's definition-time checks that fail a template import at plan time (a subset of
 * terraform-provider-coder's parameter validation), including the default against options and validation.
 */
export function parameterDefinitionProblem(p: TemplateParameter): string | undefined {
  if (!p.mutable && p.ephemeral) return "parameter can't be immutable and ephemeral";
  if (p.ephemeral && p.required) return "ephemeral parameter requires the default property";
  const names = new Set<string>();
  const values = new Set<string>();
  for (const o of p.options) {
    if (names.has(o.name)) return "Option names must be unique.";
    if (values.has(o.value)) return "Option values must be unique.";
    names.add(o.name);
    values.add(o.value);
  }
  if (p.validation_regex && !p.validation_error) return "an error must be specified with a regex validation";
  if (!formTypeValid(p)) return "Invalid form_type for parameter";
  if (p.required) return undefined;
  if (p.options.length > 0 && !inOptions(p, p.default_value)) return "Default value must be a valid option";
  if (validationEnabled(p) && p.type !== "list(string)")
    return validationValid(p, p.default_value, undefined);
  return undefined;
}

/** Whether `form_type` suits the type and whether there are options (the provider's table). */
export function formTypeValid(p: TemplateParameter): boolean {
  const has = p.options.length > 0;
  const allowed: Record<string, string[]> = {
    string: has ? ["radio", "dropdown"] : ["input", "textarea"],
    number: has ? ["radio", "dropdown"] : ["input", "slider"],
    bool: has ? ["radio", "dropdown"] : ["checkbox", "switch"],
    "list(string)": has ? ["radio", "multi-select"] : ["tag-select"],
  };
  return p.form_type === "" || p.form_type === "error" || (allowed[p.type]?.includes(p.form_type) ?? false);
}
