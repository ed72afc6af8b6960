/**
 * What a template import keeps for dynamic parameters: the parsed files (rendered again at every evaluation), the
 * rich-parameters list as the import's plan computes it, and the presets.
 */
import type { ParsedFile } from "../hcl.js";
import { newId } from "../ids.js";
import type { ParsedTemplate } from "../template-model.js";
import { planParameters } from "./plan.js";
import { readPresets } from "./presets.js";
import type { OwnerData } from "./scope.js";

/**
 * The owner an import's plan sees: there is none. coderd passes only the "Everyone" group, and the provider fills
 * in its placeholders ("default", "default@example.com", a random id), so a default taken from
 * `data.coder_workspace_owner` is "default" in the version's rich parameters (what a classic template builds with).
 */
export function importOwner(): OwnerData {
  return {
    id: newId(),
    name: "default",
    full_name: "default",
    email: "default@example.com",
    groups: ["Everyone"],
  };
}

/** Completes `parsed` in place; returns the import error when a preset cannot be read. */
export function readDynamicParts(
  parsed: ParsedTemplate,
  files: ParsedFile[],
  variables: Map<string, string>,
): string | undefined {
  const docs = files.map((f) => f.doc);
  parsed.docs = docs;
  const owner = importOwner();
  parsed.parameters = planParameters(parsed.parameters, { docs, variables }, owner);
  const presets = readPresets(docs, variables, owner);
  if ("error" in presets) return presets.error;
  parsed.presets = presets.presets;
  return undefined;
}
