/**
 * `data "coder_workspace_preset"` blocks as Coder stores them at import: a name, parameter values (keys may be
 * expressions), `default`, and `prebuilds { instances }`. Served with PascalCase keys, as the Go struct has none.
 */
import type { Preset } from "../api-types.js";
import { asBool, asMap, asNumber, asString, evaluateRaw, type Value } from "../expressions/index.js";
import { typedBlocks } from "../hcl.js";
import { newId } from "../ids.js";
import type { PresetRecord } from "../template-model.js";
import { renderScope } from "./render.js";
import type { OwnerData } from "./scope.js";

type Json = Record<string, unknown>;

/** Reads the presets; a preset whose values cannot be evaluated is an import error naming it. */
export function readPresets(
  docs: Json[],
  variables: Map<string, string>,
  owner: OwnerData,
): { presets: PresetRecord[] } | { error: string } {
  const scope = renderScope({ docs, variables }, { inputs: {}, owner });
  const presets: PresetRecord[] = [];
  for (const [label, body] of typedBlocks(docs, "data", "coder_workspace_preset")) {
    try {
      const get = (k: string): Value => (k in body && body[k] !== null ? evaluateRaw(body[k], scope) : null);
      const prebuilds = Array.isArray(body.prebuilds) ? (body.prebuilds[0] as Json | undefined) : undefined;
      // The provisioner gives every preset a prebuild of 0 instances when it has no `prebuilds` block, so coderd
      // stores and serves 0, never null (provisioner/terraform/resources.go).
      const instances =
        prebuilds && "instances" in prebuilds ? asNumber(evaluateRaw(prebuilds.instances, scope)) : 0;
      const values = get("parameters");
      presets.push({
        id: newId(),
        name: get("name") === null ? label : asString(get("name")),
        parameters: Object.entries(values === null ? {} : asMap(values))
          .map(([name, value]) => ({ name, value: asString(value) }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
        default: get("default") === null ? false : asBool(get("default")),
        desiredPrebuildInstances: instances,
        description: get("description") === null ? "" : asString(get("description")),
        icon: get("icon") === null ? "" : asString(get("icon")),
      });
    } catch (err) {
      return { error: `data.coder_workspace_preset.${label}: ${(err as Error).message}` };
    }
  }
  // The provider refuses two defaults at plan time.
  if (presets.filter((p) => p.default).length > 1)
    return { error: `Only one preset can be marked as default. Found multiple: ${defaults(presets)}` };
  return { presets };
}

function defaults(presets: PresetRecord[]): string {
  return presets
    .filter((p) => p.default)
    .map((p) => p.name)
    .join(", ");
}

/** `codersdk.Preset` (no JSON tags, so PascalCase keys; `Parameters` is null when empty). */
export function presentPreset(p: PresetRecord): Preset {
  return {
    ID: p.id,
    Name: p.name,
    Parameters: p.parameters.length ? p.parameters.map((v) => ({ Name: v.name, Value: v.value })) : null,
    Default: p.default,
    DesiredPrebuildInstances: p.desiredPrebuildInstances,
    Description: p.description,
    Icon: p.icon,
  };
}
