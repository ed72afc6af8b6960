import type { FriendlyDiagnostic, PreviewParameter, TemplateVersionParameter } from "../types.js";

/**
 * A dynamic parameter in the classic `TemplateVersionParameter` shape (as codersdk's own conversion does, taking
 * the first validation), so the classic helpers (`describeAllowedValues`, the monotonic check) apply to it.
 */
export function asTemplateParameter(p: PreviewParameter): TemplateVersionParameter {
  const v = p.validations?.[0];
  const param: TemplateVersionParameter = {
    name: p.name,
    description: p.description ?? "",
    description_plaintext: p.description ?? "",
    type: p.type,
    form_type: p.form_type,
    mutable: p.mutable ?? false,
    default_value: p.default_value?.value ?? "",
    icon: p.icon ?? "",
    options: (p.options ?? []).map((o) => ({
      name: o.name ?? "",
      description: o.description ?? "",
      value: o.value?.value ?? "",
      icon: o.icon ?? "",
    })),
    required: p.required ?? false,
    ephemeral: p.ephemeral ?? false,
  };
  if (p.display_name) param.display_name = p.display_name;
  if (v?.validation_error) param.validation_error = v.validation_error;
  if (v?.validation_regex) param.validation_regex = v.validation_regex;
  if (typeof v?.validation_min === "number") param.validation_min = v.validation_min;
  if (typeof v?.validation_max === "number") param.validation_max = v.validation_max;
  if (v?.validation_monotonic === "increasing" || v?.validation_monotonic === "decreasing")
    param.validation_monotonic = v.validation_monotonic;
  return param;
}

/** A diagnostic as one line: `summary: detail` (or the summary alone). */
export function diagnosticText(d: FriendlyDiagnostic): string {
  return d.detail ? `${d.summary}: ${d.detail}` : d.summary;
}
