import type { TemplateVersionParameter } from "../types.js";
import { atoi, goQuote, parseStringList } from "./go.js";
import { translateRe2 } from "./re2.js";

/** A min/max bound, or undefined when unset (absent, or `null` from a lenient server). 0 is a real bound. */
export function bound(value: number | null | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/**
 * True when coderd runs the validation block for this parameter: a regex, min, max or monotonic rule is set,
 * or the type is bool or list(string) (whose values always need a format check).
 */
export function validationEnabled(p: TemplateVersionParameter): boolean {
  return (
    Boolean(p.validation_regex) ||
    bound(p.validation_min) !== undefined ||
    bound(p.validation_max) !== undefined ||
    Boolean(p.validation_monotonic) ||
    p.type === "bool" ||
    p.type === "list(string)"
  );
}

/**
 * The provider's `Validation.Valid(type, value, previous)` as coderd calls it. Returns Coder's message, or
 * undefined when the value passes. `previous` feeds the monotonic check only.
 */
export function validateBlock(
  p: TemplateVersionParameter,
  value: string,
  previous: string | undefined,
): string | undefined {
  const { type } = p;
  const min = bound(p.validation_min);
  const max = bound(p.validation_max);
  const regex = p.validation_regex ?? "";
  const monotonic: string = p.validation_monotonic ?? "";
  if (type !== "number") {
    if (min !== undefined) return `a min cannot be specified for a ${type} type`;
    if (max !== undefined) return `a max cannot be specified for a ${type} type`;
    if (monotonic) return `monotonic validation can only be specified for number types, not ${type} types`;
  }
  if (type !== "string" && regex) return `a regex cannot be specified for a ${type} type`;

  switch (type) {
    case "bool":
      return value === "true" || value === "false"
        ? undefined
        : 'boolean value can be either "true" or "false"';
    case "list(string)":
      return parseStringList(value) ? undefined : `value ${goQuote(value)} is not valid list of strings`;
    case "string":
      return regex ? checkRegex(regex, p.validation_error ?? "", value) : undefined;
    case "number":
      return checkNumber(p, value, previous);
  }
  return undefined;
}

function checkRegex(regex: string, error: string, value: string): string | undefined {
  const compiled = translateRe2(regex);
  if (!compiled.ok) {
    return `validation_regex ${goQuote(regex)} is not supported client-side (${compiled.reason}); the server decides`;
  }
  if (!error) return "an error must be specified with a regex validation";
  return compiled.regexp.test(value)
    ? undefined
    : `${error} (value ${goQuote(value)} does not match ${goQuote(regex)})`;
}

function checkNumber(
  p: TemplateVersionParameter,
  value: string,
  previous: string | undefined,
): string | undefined {
  const min = bound(p.validation_min);
  const max = bound(p.validation_max);
  const custom = p.validation_error ? renderError(p.validation_error, min, max, value) : undefined;
  const num = atoi(value);
  if (num === undefined) return custom ?? `value ${goQuote(value)} is not a number`;
  if (min !== undefined && num < BigInt(min)) return custom ?? `value ${num} is less than the minimum ${min}`;
  if (max !== undefined && num > BigInt(max)) return custom ?? `value ${num} is more than the maximum ${max}`;
  const monotonic: string = p.validation_monotonic ?? "";
  if (monotonic && monotonic !== "increasing" && monotonic !== "decreasing") {
    return 'number monotonicity can be either "increasing" or "decreasing"';
  }
  // A previous value that is not an integer is ignored on purpose: failing would leave the workspace stuck.
  const prev = previous === undefined ? undefined : atoi(previous);
  if (prev === undefined) return undefined;
  if (monotonic === "increasing" && num < prev) {
    return `parameter value '${num}' must be equal or greater than previous value: ${prev}`;
  }
  if (monotonic === "decreasing" && num > prev) {
    return `parameter value '${num}' must be equal or lower than previous value: ${prev}`;
  }
  return undefined;
}

/** `{min}`, `{max}` and `{value}` substituted in one pass; an unset bound renders as Go's zero value. */
export function renderError(
  template: string,
  min: number | undefined,
  max: number | undefined,
  value: string,
): string {
  const values: Record<string, string> = {
    "{min}": String(min ?? 0),
    "{max}": String(max ?? 0),
    "{value}": value,
  };
  return template.replace(/\{min\}|\{max\}|\{value\}/g, (m) => values[m]!);
}
