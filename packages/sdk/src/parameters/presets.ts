import { CoderInvalidInputError } from "../errors/base.js";
import type { Preset } from "../types.js";

/** Which preset to use: a preset's name, `"none"`, or undefined for the template's default preset (if any). */
export type PresetChoice = string | undefined;

/**
 * Picks a preset as `coder create --preset` does: the named one (exact name), none for `"none"`, otherwise the
 * default preset when the version has one. An unknown name is refused with the names that exist.
 */
export function choosePreset(presets: Preset[], choice: PresetChoice): Preset | undefined {
  if (choice === "none") return undefined;
  if (choice === undefined) return presets.find((p) => p.Default);
  const found = presets.find((p) => p.Name === choice);
  if (found) return found;
  const names = presets.map((p) => JSON.stringify(p.Name));
  throw new CoderInvalidInputError(
    names.length
      ? `Preset "${choice}" was not found in the template version; its presets are ${names.join(", ")} (or pass "none").`
      : `Preset "${choice}" was not found: the template version has no presets.`,
  );
}

/** A value the caller gave that a preset replaced. */
export interface PresetOverride {
  name: string;
  given: string;
  preset: string;
}

/**
 * The inputs with the preset's values on top (coderd lets preset values win), and the caller's values that were
 * replaced by a different one, so they can be reported rather than dropped silently.
 */
export function applyPreset(
  inputs: Record<string, string>,
  preset: Preset | undefined,
): { inputs: Record<string, string>; overridden: PresetOverride[] } {
  const out = { ...inputs };
  const overridden: PresetOverride[] = [];
  for (const { Name, Value } of preset?.Parameters ?? []) {
    const given = inputs[Name];
    if (given !== undefined && given !== Value) overridden.push({ name: Name, given, preset: Value });
    out[Name] = Value;
  }
  return { inputs: out, overridden };
}
