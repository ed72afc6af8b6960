/** The provider's checks of a parameter value (terraform-provider-coder `Parameter.Valid`), as diagnostics. */
import type { FriendlyDiagnostic } from "../api-types.js";
import { validationValid } from "../parameters.js";
import type { TemplateParameter } from "../template-model.js";
import { errorDiagnostic } from "./diagnostics.js";

/** The provider's `validValue` and type check, with its summaries (terraform-provider-coder `parameter.go`). */
export function checkValue(
  p: TemplateParameter,
  value: string,
  hasValidation: boolean,
): FriendlyDiagnostic[] {
  const multi = p.type === "list(string)" && p.form_type === "multi-select";
  if (p.options.length > 0) {
    const allowed = new Set(p.options.map((o) => o.value));
    if (multi) {
      const items = stringList(value);
      if (!items)
        return [
          errorDiagnostic(
            "When using list(string) type, value must be a json encoded list of strings",
            `value ${JSON.stringify(value)} is not a valid list of strings`,
          ),
        ];
      const missing = items.filter((i) => !allowed.has(i));
      if (missing.length)
        return [
          errorDiagnostic(
            "Values must be a valid option",
            `Value ${JSON.stringify(value)} is not a valid option, values ${JSON.stringify(missing.join(", "))} are missing from the options`,
          ),
        ];
    } else if (!allowed.has(value)) {
      const extra =
        value === ""
          ? ". The value is empty, did you forget to set it with a default or from user input?"
          : "";
      return [
        errorDiagnostic(
          `Value must be a valid option${extra}`,
          `the value ${JSON.stringify(value)} must be defined as one of options`,
        ),
      ];
    }
  }
  if (hasValidation) {
    const error = validationValid(p, value, undefined);
    if (error) return [errorDiagnostic("Invalid parameter value according to 'validation' block", error)];
  }
  const typeError =
    p.type === "number" && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)
      ? `strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`
      : p.type === "bool" && value !== "true" && value !== "false"
        ? `strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`
        : p.type === "list(string)" && !stringList(value)
          ? `value ${JSON.stringify(value)} is not a valid list of strings`
          : undefined;
  return typeError ? [errorDiagnostic(`Parameter value is not of type "${p.type}"`, typeError)] : [];
}

function stringList(value: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((i) => typeof i === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}
