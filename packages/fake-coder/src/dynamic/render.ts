/**
 * The fake's `coder/preview`: renders a dynamic template's `data "coder_parameter"` blocks for given inputs and
 * owner, into `PreviewParameter`s with their diagnostics. A parameter whose `count` is 0 does not exist; options
 * come from `option` blocks and `dynamic "option"` blocks; defaults and every attribute may be expressions.
 */
import type { FriendlyDiagnostic, PreviewParameter } from "../api-types.js";
import {
  asBool,
  asNumber,
  asString,
  evaluateRaw,
  jsonEncode,
  memo,
  type Scope,
  type Value,
} from "../expressions/index.js";
import { typedBlocks } from "../hcl.js";
import { formTypeValid } from "../parameters.js";
import type { TemplateParameter } from "../template-model.js";
import { defaultFormType } from "../template-read.js";
import { renderOptions, renderStyling, renderValidation, validationOut } from "./attributes.js";
import { checkValue } from "./check.js";
import { diagnosticOf, errorDiagnostic } from "./diagnostics.js";
import { type OwnerData, rootScope, type WorkspaceData } from "./scope.js";

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
  return render(source, input).result;
}

/** The scope a render sees, for other blocks (presets) that refer to parameters. */
export function renderScope(source: DynamicSource, input: RenderInput): Scope {
  return render(source, input).scope;
}

function render(source: DynamicSource, input: RenderInput): { result: RenderResult; scope: Scope } {
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
  return { result: { parameters, diagnostics: [] }, scope };
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
  if (value !== undefined && diagnostics.length === 0)
    diagnostics.push(...checkValue(param, value, Array.isArray(body.validation)));
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
