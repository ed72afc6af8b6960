/**
 * Parameter resolution for builds of dynamic templates, and presets on builds: the request's preset must belong
 * to the version; without one, the preset that matches is recorded, as coderd does (that is also how a prebuilt
 * workspace would be claimed): on create, first against the values the request gave, then against the values
 * the build resolved.
 */
import { diagnosticsText } from "../dynamic/diagnostics.js";
import { ownerData } from "../dynamic/owner.js";
import { resolveDynamicBuild } from "../dynamic/resolve.js";
import { ApiError, type Validation } from "../http.js";
import type { RouteContext } from "../router.js";
import type { TemplateVersionRecord, Transition, VariableValue, WorkspaceRecord } from "../state.js";
import type { PresetRecord } from "../template-model.js";

/** The preset a request names, or a 400 when it is not one of the version's. */
export function requestedPreset(
  version: TemplateVersionRecord,
  presetId: string | undefined,
): PresetRecord | undefined {
  if (!presetId) return undefined;
  const preset = version.parsed?.presets?.find((p) => p.id === presetId);
  if (!preset)
    throw new ApiError(
      400,
      "Invalid template version preset.",
      `preset ${presetId} does not belong to the template version`,
    );
  return preset;
}

/**
 * `FindMatchingPresetID`: of the presets whose values all appear, unchanged, among `values`, the one that sets
 * the most parameters (the first of equals). A preset that sets none matches any values.
 */
export function matchingPreset(
  version: TemplateVersionRecord,
  values: VariableValue[],
): PresetRecord | undefined {
  let best: PresetRecord | undefined;
  for (const p of version.parsed?.presets ?? []) {
    const matches = p.parameters.every((pv) =>
      values.some((v) => v.name === pv.name && v.value === pv.value),
    );
    if (matches && (!best || p.parameters.length > best.parameters.length)) best = p;
  }
  return best;
}

/** True when builds of this version resolve parameters by rendering the template (not classic, and parsed). */
export function isDynamic(useClassicParameterFlow: boolean, version: TemplateVersionRecord): boolean {
  return !useClassicParameterFlow && version.parsed?.docs !== undefined;
}

/** Resolves a dynamic build's parameters or throws Coder's 400 "Unable to validate parameters". */
export function resolveDynamicValues(
  ctx: RouteContext,
  input: {
    version: TemplateVersionRecord;
    workspace?: WorkspaceRecord | undefined;
    ownerId: string;
    workspaceName: string;
    transition: Transition;
    previous: VariableValue[] | undefined;
    values: VariableValue[];
    preset: PresetRecord | undefined;
  },
): VariableValue[] {
  const owner = ctx.core.state.users.get(input.ownerId) ?? ctx.user;
  const variables = new Map(input.version.variables.map((v) => [v.name, v.value]));
  const result = resolveDynamicBuild(
    { docs: input.version.parsed?.docs ?? [], variables },
    {
      owner: ownerData(owner),
      workspace: { id: input.workspace?.id ?? "", name: input.workspaceName, transition: input.transition },
      firstBuild: input.previous === undefined,
      previous: input.previous ?? [],
      build: input.values,
      preset: input.preset?.parameters ?? [],
    },
  );
  if (result.ok) return result.values;
  const validations: Validation[] = [...result.parameters]
    .map(([field, diags]) => ({ field, detail: diagnosticsText(diags) }))
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  throw new ApiError(
    400,
    "Unable to validate parameters",
    errors.length ? diagnosticsText(errors) : undefined,
    validations,
  );
}
