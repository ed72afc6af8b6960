import type { TemplateVersionParameter } from "../../src/types.js";

/** A template parameter with Coder's defaults for an optional, mutable string. */
export function param(overrides: Partial<TemplateVersionParameter> = {}): TemplateVersionParameter {
  return {
    name: "p",
    description: "",
    description_plaintext: "",
    type: "string",
    form_type: "",
    mutable: true,
    default_value: "",
    icon: "",
    options: [],
    required: false,
    ephemeral: false,
    ...overrides,
  };
}

/** Options from bare values (name = value). */
export function options(...values: string[]): TemplateVersionParameter["options"] {
  return values.map((value) => ({ name: value, description: "", value, icon: "" }));
}
