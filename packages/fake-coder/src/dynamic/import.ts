/**
 * What a template import keeps for dynamic parameters: the parsed files (rendered again at every evaluation), the
 * rich-parameters list as the plan would compute it for the template's author, and the presets.
 */
import type { ParsedFile } from "../hcl.js";
import type { UserRecord } from "../state.js";
import type { ParsedTemplate } from "../template-model.js";
import { ownerData } from "./owner.js";
import { planParameters } from "./plan.js";
import { readPresets } from "./presets.js";

/** Completes `parsed` in place; returns the import error when a preset cannot be read. */
export function readDynamicParts(
  parsed: ParsedTemplate,
  files: ParsedFile[],
  variables: Map<string, string>,
  author: UserRecord | undefined,
): string | undefined {
  const docs = files.map((f) => f.doc);
  parsed.docs = docs;
  if (!author) return undefined;
  const owner = ownerData(author);
  parsed.parameters = planParameters(parsed.parameters, { docs, variables }, owner);
  const presets = readPresets(docs, variables, owner);
  if ("error" in presets) return presets.error;
  parsed.presets = presets.presets;
  return undefined;
}
