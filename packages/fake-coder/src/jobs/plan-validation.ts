/**
 * What `terraform plan` checks of a build's values: each `data "coder_parameter"` with a `validation` block runs
 * it (the provider's `Validation.Valid`) against the value coder passes and the previous build's value. coderd
 * leaves some of these to the plan: monotonic rules on dynamic templates, and on classic ones a min or max without
 * an error, regex or monotonic rule (its static conversion drops such a block). A failure fails the build's job.
 */
import { typedBlocks } from "../hcl.js";
import { blockSite, terraformErrorLines } from "../hcl-sites.js";
import { validationValid } from "../parameters.js";
import type { VariableValue } from "../state.js";
import type { ParsedTemplate, TemplateParameter } from "../template-model.js";
import type { Failure } from "./stages.js";

function hasValidationBlock(p: TemplateParameter): boolean {
  return (
    p.validation_min !== undefined ||
    p.validation_max !== undefined ||
    !!p.validation_regex ||
    !!p.validation_monotonic ||
    !!p.validation_error
  );
}

/** The plan's failure for these values, or undefined when every validation block passes. */
export function planValidationFailure(
  parsed: ParsedTemplate | undefined,
  values: VariableValue[],
  previous: VariableValue[],
): Failure | undefined {
  if (!parsed) return undefined;
  const sources = parsed.sources ?? [];
  const labels = typedBlocks(parsed.docs ?? [], "data", "coder_parameter");
  const errors = values.flatMap((v) => {
    const p = parsed.parameters.find((q) => q.name === v.name);
    if (!p || !hasValidationBlock(p)) return [];
    const error = validationValid(p, v.value, previous.find((q) => q.name === v.name)?.value);
    if (!error) return [];
    const label = labels.find(([label, body]) => (body.name ?? label) === v.name)?.[0] ?? v.name;
    const site = blockSite(sources, "data", ["coder_parameter", label]);
    const lines = terraformErrorLines(
      "Invalid parameter value according to 'validation' block",
      error,
      site,
      `data "coder_parameter" "${label}"`,
    );
    return [{ at: site ? site.index * 1e9 + site.offset : 0, lines }];
  });
  if (errors.length === 0) return undefined;
  // Terraform reports the data sources' diagnostics in the configuration's order.
  errors.sort((a, b) => a.at - b.at);
  return { error: "terraform plan: exit status 1", logs: errors.flatMap((e) => e.lines) };
}
