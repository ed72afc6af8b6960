/**
 * What `terraform plan` gives the import for the rich-parameters list: the static reading of each block, with the
 * expressions the static reader cannot evaluate (defaults, `dynamic "option"`, `count`) taken from a render with no
 * inputs, as the import's plan computes them (no owner: the provider's placeholders).
 */
import type { TemplateParameter } from "../template-model.js";
import { type DynamicSource, renderParameters } from "./render.js";
import type { OwnerData } from "./scope.js";

const unevaluated = (text: string) => text.includes("${");

/** The static parameters, adjusted to the rendered ones; blocks whose `count` is 0 are left out. */
export function planParameters(
  staticParams: TemplateParameter[],
  source: DynamicSource,
  owner: OwnerData,
): TemplateParameter[] {
  const rendered = new Map(
    renderParameters(source, { inputs: {}, owner }).parameters.map((p) => [p.name, p]),
  );
  const counted = new Set(
    source.docs.flatMap((d) =>
      Object.values(
        ((d.data as Record<string, unknown> | undefined)?.coder_parameter ?? {}) as Record<string, unknown[]>,
      )
        .flat()
        .filter((b) => typeof b === "object" && b !== null && "count" in b)
        .map((b) => (b as { name?: unknown }).name),
    ),
  );
  return staticParams
    .filter((p) => rendered.has(p.name) || !counted.has(p.name))
    .map((p) => {
      const r = rendered.get(p.name);
      if (!r) return p;
      const out = { ...p };
      if (unevaluated(p.default_value) && r.default_value?.valid) out.default_value = r.default_value.value;
      const options = r.options ?? [];
      if (
        options.length !== p.options.length ||
        p.options.some((o) => unevaluated(o.value) || unevaluated(o.name))
      ) {
        out.options = options.map((o) => ({
          name: o.name ?? "",
          description: o.description ?? "",
          value: o.value?.value ?? "",
          icon: o.icon ?? "",
        }));
        out.form_type = r.form_type;
      }
      return out;
    });
}
