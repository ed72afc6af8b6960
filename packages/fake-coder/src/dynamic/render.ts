/**
 * The fake's `coder/preview`: renders a dynamic template's `data "coder_parameter"` blocks for given inputs and
 * owner, into `PreviewParameter`s with their diagnostics. A parameter whose `count` is 0 does not exist; options
 * come from `option` blocks and `dynamic "option"` blocks; defaults and every attribute may be expressions.
 */
import type { FriendlyDiagnostic, PreviewParameter, PreviewParameterOption } from "../api-types.js";
import { defaultFormType, typedBlocks } from "../hcl.js";
import { formTypeValid, validationValid } from "../parameters.js";
import type { TemplateParameter } from "../template-model.js";
import type { Value } from "./ast.js";
import { diagnosticOf, errorDiagnostic } from "./diagnostics.js";
import type { Scope } from "./evaluate.js";
import { memo } from "./evaluate.js";
import { jsonEncode } from "./functions.js";
import { evaluateRaw, type OwnerData, rootScope, type WorkspaceData, withNames } from "./scope.js";
import { asBool, asList, asMap, asNumber, asString } from "./values.js";

type Json = Record<string, unknown>;

/** What a dynamic template renders from: the parsed files and the version's variable values. */
export interface DynamicSource {
  docs: Json[];
  variables: Map<string, string>;
}

/** The context of one render. */
export interface RenderInput {
  inputs: Record<string, string>;
  owner: OwnerData;
  workspace?: WorkspaceData | undefined;
}

/** What a render produced: the parameters that exist, in display order, and template-wide diagnostics. */
export interface RenderResult {
  parameters: PreviewParameter[];
  diagnostics: FriendlyDiagnostic[];
}

const NO_WORKSPACE: WorkspaceData = {
  id: "00000000-0000-0000-0000-000000000000",
  name: "",
  transition: "start",
};

/** Renders every parameter block. */
export function renderParameters(source: DynamicSource, input: RenderInput): RenderResult {
  const blocks = typedBlocks(source.docs, "data", "coder_parameter");
  const rendered = new Map<string, () => Rendered>();
  const scope = rootScope({
    docs: source.docs,
    variables: source.variables,
    owner: input.owner,
    workspace: input.workspace ?? NO_WORKSPACE,
    parameterLabels: blocks.map(([label]) => label),
    parameter: (label) => rendered.get(label)?.().reference,
  });
  for (const [label, body] of blocks) {
    rendered.set(
      label,
      memoRendered(label, () => renderOne(label, body, scope, input.inputs)),
    );
  }
  const parameters = [...rendered.values()]
    .map((get) => get().parameter)
    .filter((p): p is PreviewParameter => p !== undefined)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { parameters, diagnostics: [] };
}

interface Rendered {
  /** What `data.coder_parameter.<label>` evaluates to (a list when the block has `count`). */
  reference: Value;
  parameter?: PreviewParameter;
}

/** A parameter that refers to itself (through a default, say) renders as absent with its error instead. */
function memoRendered(label: string, compute: () => Rendered): () => Rendered {
  const get = memo(`data.coder_parameter.${label}`, () => compute() as unknown as Value);
  return () => get() as unknown as Rendered;
}

function renderOne(label: string, body: Json, scope: Scope, inputs: Record<string, string>): Rendered {
  const diagnostics: FriendlyDiagnostic[] = [];
  const where = (attr: string) => `${attr} of data.coder_parameter.${label}`;
  function attempt<T>(attr: string, fallback: T, f: () => T): T {
    try {
      return f();
    } catch (err) {
      diagnostics.push(diagnosticOf(err, where(attr)));
      return fallback;
    }
  }
  const get = (attr: string) => evaluateRaw(body[attr], scope);
  const has = (attr: string) => attr in body && body[attr] !== null;
  const counted = has("count");
  if (counted) {
    const count = attempt("count", 1, () => asNumber(get("count")));
    if (count === 0) return { reference: [] };
    if (count > 1)
      diagnostics.push(errorDiagnostic("Invalid count", "A parameter block can have count 0 or 1."));
  }
  const str = (attr: string, fallback = "") =>
    has(attr) ? attempt(attr, fallback, () => asString(get(attr))) : fallback;
  const bool = (attr: string) => (has(attr) ? attempt(attr, false, () => asBool(get(attr))) : false);
  const name = str("name", label);
  const type = (str("type") || "string") as TemplateParameter["type"];
  const options = renderOptions(body, scope, (attr, err) => diagnostics.push(diagnosticOf(err, where(attr))));
  const hasDefault = has("default");
  const defaultValue = hasDefault
    ? attempt("default", "", () => {
        const v = get("default");
        return Array.isArray(v) || (v !== null && typeof v === "object")
          ? jsonEncode(v)
          : v === null
            ? ""
            : asString(v);
      })
    : "";
  const validation = renderValidation(body, scope, (err) =>
    diagnostics.push(diagnosticOf(err, where("validation"))),
  );
  const param: TemplateParameter = {
    name,
    description: str("description"),
    description_plaintext: "",
    type,
    form_type: str("form_type") || defaultFormType(type, options.length > 0),
    mutable: bool("mutable"),
    default_value: defaultValue,
    icon: str("icon"),
    options: options.map((o) => ({
      name: o.name ?? "",
      description: o.description ?? "",
      value: o.value?.value ?? "",
      icon: o.icon ?? "",
    })),
    required: !hasDefault,
    ephemeral: bool("ephemeral"),
    ...validation,
  };
  if (!formTypeValid(param)) {
    diagnostics.push(
      errorDiagnostic(
        `Invalid parameter \`type="${type}"\` and \`form_type="${param.form_type}"\``,
        "This form_type does not suit the type and options.",
      ),
    );
    param.form_type = "error";
  }
  const given = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
  const value = given ?? (hasDefault ? defaultValue : undefined);
  if (value !== undefined && diagnostics.length === 0) diagnostics.push(...checkValue(param, value));
  if (value === undefined)
    diagnostics.push(
      errorDiagnostic(
        "Parameter value is not valid",
        "The value of a parameter is required to be sourced (default or input) for the parameter to function.",
      ),
    );
  const order = has("order") ? attempt("order", 0, () => asNumber(get("order"))) : 0;
  const styling = has("styling") ? attempt("styling", {}, () => renderStyling(get("styling"))) : {};
  const parameter: PreviewParameter = {
    name,
    display_name: str("display_name"),
    description: param.description,
    type,
    form_type: param.form_type as PreviewParameter["form_type"],
    styling,
    mutable: param.mutable,
    default_value: { value: defaultValue, valid: hasDefault },
    icon: param.icon,
    options,
    validations: Object.keys(validation).length > 0 ? [validationOut(validation)] : [],
    required: param.required,
    order,
    ephemeral: param.ephemeral,
    value: { value: value ?? "", valid: value !== undefined },
    diagnostics,
  };
  const reference: Value = {
    name,
    value: value ?? null,
    type,
    default: hasDefault ? defaultValue : null,
    display_name: parameter.display_name ?? "",
    description: param.description,
    mutable: param.mutable,
    ephemeral: param.ephemeral,
    optional: hasDefault,
    order,
    icon: param.icon,
  };
  return { reference: counted ? [reference] : reference, parameter };
}

/** The value against options and the validation block, with the provider's messages. */
function checkValue(p: TemplateParameter, value: string): FriendlyDiagnostic[] {
  if (p.options.length > 0) {
    const allowed = new Set(p.options.map((o) => o.value));
    const multi = p.type === "list(string)" && p.form_type === "multi-select";
    let items: unknown = [value];
    if (multi) {
      try {
        items = JSON.parse(value);
      } catch {
        items = undefined;
      }
    }
    const bad = Array.isArray(items) ? items.find((i) => !allowed.has(String(i))) : value;
    if (bad !== undefined)
      return [
        errorDiagnostic(
          "Value must be a valid option",
          `the value ${JSON.stringify(String(bad))} must be defined as one of options`,
        ),
      ];
  }
  const error = validationValid(p, value, undefined);
  return error
    ? [errorDiagnostic(`Paramater validation failed for value ${JSON.stringify(value)}`, error)]
    : [];
}

type Validation = Pick<
  TemplateParameter,
  "validation_error" | "validation_regex" | "validation_min" | "validation_max" | "validation_monotonic"
>;

function renderValidation(body: Json, scope: Scope, fail: (err: unknown) => void): Validation {
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

function validationOut(v: Validation) {
  return {
    validation_error: v.validation_error ?? "",
    validation_regex: v.validation_regex ?? null,
    validation_min: v.validation_min ?? null,
    validation_max: v.validation_max ?? null,
    validation_monotonic: v.validation_monotonic ?? null,
  };
}

function renderStyling(v: Value): PreviewParameter["styling"] {
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
function renderOptions(
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
