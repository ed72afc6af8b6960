import type { TemplateVersionParameter } from "../types.js";
import { bound } from "./validation.js";

/** True for a `list(string)` parameter shown as a multi-select: each list element must be an option. */
export function isMultiSelect(p: TemplateVersionParameter): boolean {
  return p.type === "list(string)" && p.form_type === "multi-select";
}

/**
 * A short human description of the values a parameter accepts, for a CLI to print next to a problem or a
 * prompt: `one of "a", "b"`, `an integer between 1 and 10`, `true or false`, `text matching ^[a-z]+$ (…)`.
 * Undefined for free text.
 */
export function describeAllowedValues(
  p: TemplateVersionParameter,
  previousValue?: string,
): string | undefined {
  if (p.options.length > 0) {
    const values = p.options.map((o) => JSON.stringify(o.value)).join(", ");
    return isMultiSelect(p) ? `a JSON list of any of ${values}` : `one of ${values}`;
  }
  switch (p.type) {
    case "bool":
      return "true or false";
    case "list(string)":
      return 'a JSON list of strings, e.g. ["a","b"]';
    case "number":
      return describeNumber(p, previousValue);
    default:
      if (!p.validation_regex) return undefined;
      return `text matching ${p.validation_regex}${p.validation_error ? ` (${p.validation_error})` : ""}`;
  }
}

function describeNumber(p: TemplateVersionParameter, previousValue: string | undefined): string {
  const min = bound(p.validation_min);
  const max = bound(p.validation_max);
  const checked = min !== undefined || max !== undefined || Boolean(p.validation_monotonic);
  if (!checked) return "a number";
  let text = "an integer";
  if (min !== undefined && max !== undefined) text += ` between ${min} and ${max}`;
  else if (min !== undefined) text += ` of at least ${min}`;
  else if (max !== undefined) text += ` of at most ${max}`;
  const monotonic: string = p.validation_monotonic ?? "";
  if (monotonic === "increasing" || monotonic === "decreasing") {
    const previous = previousValue ? ` (${previousValue})` : "";
    text += `, ${monotonic === "increasing" ? "not lower" : "not higher"} than the previous value${previous}`;
  }
  return text;
}
