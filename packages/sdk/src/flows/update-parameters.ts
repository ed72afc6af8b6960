import type { UpdateParameterNeed } from "../errors/lifecycle.js";
import { resolveParameter } from "../parameters/index.js";
import type { TemplateVersionParameter, WorkspaceBuildParameter } from "../types.js";

/**
 * What `coder update` asks for before building on a new version (the web client's "missing build parameters"),
 * given the new version's parameters, the last build's values and the values the caller brings:
 *
 * - `missing`: a required parameter with neither a previous value nor an input (new in this version, or once
 *   optional). New optional parameters are not listed: the server fills in their defaults.
 * - `invalid`: a previous value the new version no longer accepts (an option that is gone, a bound that moved),
 *   with no input to replace it. Coder would re-validate and refuse the carried value.
 *
 * Ephemeral parameters never carry over and always have a default, so they are never listed.
 */
export function findUpdateParameterNeeds(
  params: readonly TemplateVersionParameter[],
  previous: readonly WorkspaceBuildParameter[],
  inputs: Readonly<Record<string, string>>,
): UpdateParameterNeed[] {
  const needs: UpdateParameterNeed[] = [];
  for (const parameter of params) {
    if (parameter.ephemeral || Object.hasOwn(inputs, parameter.name)) continue;
    const previousValue = previous.find((p) => p.name === parameter.name)?.value;
    if (previousValue === undefined) {
      if (parameter.required) {
        needs.push({
          parameter,
          reason: "missing",
          message: `Parameter "${parameter.name}" is required but not provided`,
        });
      }
      continue;
    }
    // The previous value as if given again: the same checks the server runs on a carried-over value.
    const check = resolveParameter(parameter, { value: previousValue, previousValue });
    if (!check.ok) needs.push({ parameter, reason: "invalid", previousValue, message: check.error });
  }
  return needs;
}
