/** The nested blocks and attributes of a parameter: options (static and `dynamic`), validation, styling. */
import type { PreviewParameter, PreviewParameterOption } from "../api-types.js";
import {
  asList,
  asMap,
  asNumber,
  asString,
  evaluateRaw,
  type Scope,
  type Value,
  withNames,
} from "../expressions/index.js";
import type { TemplateParameter } from "../template-model.js";

type Json = Record<string, unknown>;

/** The validation rules a block sets. */
export type Validation = Pick<
  TemplateParameter,
  "validation_error" | "validation_regex" | "validation_min" | "validation_max" | "validation_monotonic"
>;

/** The first `validation` block, evaluated. */
export function renderValidation(body: Json, scope: Scope, fail: (err: unknown) => void): Validation {
  const block = Array.isArray(body.validation) ? (body.validation[0] as Json | undefined) : undefined;
  if (!block) return {};
  const out: Validation = {};
  try {
    const v = (k: string) => (k in block && block[k] !== null ? evaluateRaw(block[k], scope) : undefined);
    const error = v("error");
    const regex = v("regex");
    const min = v("min");
    const max = v("max");
    const monotonic = v("monotonic");
    if (error !== undefined) out.validation_error = asString(error);
    if (regex !== undefined) out.validation_regex = asString(regex);
    if (min !== undefined) out.validation_min = asNumber(min);
    if (max !== undefined) out.validation_max = asNumber(max);
    if (monotonic !== undefined) out.validation_monotonic = asString(monotonic) as "increasing";
  } catch (err) {
    fail(err);
  }
  return out;
}

/** A validation as `PreviewParameterValidation` (unset rules are null). */
export function validationOut(v: Validation) {
  return {
    validation_error: v.validation_error ?? "",
    validation_regex: v.validation_regex ?? null,
    validation_min: v.validation_min ?? null,
    validation_max: v.validation_max ?? null,
    validation_monotonic: v.validation_monotonic ?? null,
  };
}

/** `styling`, a JSON string (or object) with the display hints. */
export function renderStyling(v: Value): PreviewParameter["styling"] {
  const parsed = typeof v === "string" ? (JSON.parse(v) as Value) : v;
  const map = asMap(parsed, "styling");
  const out: NonNullable<PreviewParameter["styling"]> = {};
  if (typeof map.placeholder === "string") out.placeholder = map.placeholder;
  if (typeof map.label === "string") out.label = map.label;
  if (typeof map.disabled === "boolean") out.disabled = map.disabled;
  if (typeof map.mask_input === "boolean") out.mask_input = map.mask_input;
  return out;
}

/** Static `option` blocks, then each `dynamic "option"` block expanded over its `for_each`. */
export function renderOptions(
  body: Json,
  scope: Scope,
  fail: (attr: string, err: unknown) => void,
): PreviewParameterOption[] {
  const out: PreviewParameterOption[] = [];
  const one = (o: Json, s: Scope) => {
    const text = (k: string) => (k in o && o[k] !== null ? asString(evaluateRaw(o[k], s)) : "");
    out.push({
      name: text("name"),
      description: text("description"),
      value: { value: text("value"), valid: true },
      icon: text("icon"),
    });
  };
  for (const o of (body.option as Json[] | undefined) ?? []) {
    try {
      one(o, scope);
    } catch (err) {
      fail("option", err);
    }
  }
  const dynamic = (body.dynamic as Json | undefined)?.option as Json[] | undefined;
  for (const block of dynamic ?? []) {
    try {
      const iterator =
        typeof block.iterator === "string" ? block.iterator.replace(/^\$\{(.*)\}$/, "$1") : "option";
      const each = evaluateRaw(block.for_each, scope);
      const entries: [Value, Value][] = Array.isArray(each)
        ? asList(each).map((v, i) => [i, v])
        : Object.entries(asMap(each, "for_each value")).sort(([a], [b]) => (a < b ? -1 : 1));
      const content = (Array.isArray(block.content) ? block.content[0] : block.content) as Json | undefined;
      for (const [key, value] of entries)
        one(content ?? {}, withNames(scope, { [iterator]: { key, value } }));
    } catch (err) {
      fail('dynamic "option"', err);
    }
  }
  return out;
}
