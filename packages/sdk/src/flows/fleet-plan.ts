// A fleet before anything is done: the specs checked, and what a dry run says about each.
import { CoderInvalidInputError } from "../errors/base.js";
import { ParameterValidationError } from "../errors/flows.js";
import { assertValidName } from "../names.js";
import { parameterSizeProblems } from "../parameters/limits.js";
import type { Workspace } from "../types.js";
import { workspaceKey } from "./fleet-prune.js";
import { type TemplateState, templateOf } from "./fleet-templates.js";
import type { FleetItemResult, FleetSpec } from "./fleet-types.js";

/** Names valid and unique per owner; one folder per template name. */
export function validateSpecs(specs: FleetSpec[]): void {
  const seen = new Map<string, number>();
  const dirs = new Map<string, string>();
  specs.forEach((spec, i) => {
    assertValidName("workspace", spec.workspace);
    const key = workspaceKey(spec.owner ?? "me", spec.workspace);
    const first = seen.get(key);
    if (first !== undefined)
      throw new CoderInvalidInputError(
        `Workspace "${spec.workspace}" is declared twice (items ${first + 1} and ${i + 1}); names are unique per owner.`,
      );
    seen.set(key, i);
    const template = templateOf(spec);
    const dir = spec.templateDir;
    if (dir === undefined) return;
    const other = dirs.get(template);
    if (other !== undefined && other !== dir)
      throw new CoderInvalidInputError(
        `Template "${template}" is given two folders (${other} and ${dir}); give each folder its own template name.`,
      );
    dirs.set(template, dir);
  });
}

/** What a dry run says about one spec. */
export function plannedItem(
  spec: FleetSpec,
  byKey: Map<string, Workspace>,
  templates: Map<string, TemplateState>,
): FleetItemResult {
  const owner = spec.owner ?? "me";
  const found = byKey.get(workspaceKey(owner, spec.workspace));
  const base = { name: spec.workspace, owner, workspace: found, exists: [], durationMs: 0 };
  if (found?.latest_build.status === "running") return { ...base, outcome: "reused" };
  // A value no build could start with fails the item in a dry run too, as the create or start itself would.
  const oversized = parameterSizeProblems(spec.parameters ?? {});
  if (oversized.length > 0)
    return { ...base, outcome: "failed", error: new ParameterValidationError(oversized) };
  if (found) return { ...base, outcome: "started" };
  const template = templates.get(templateOf(spec));
  if (template?.error) return { ...base, outcome: "failed", error: template.error };
  return { ...base, outcome: "created" };
}
