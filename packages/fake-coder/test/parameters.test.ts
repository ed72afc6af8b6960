import { describe, expect, it } from "vitest";
import { parameterDefinitionProblem, resolveBuildParameters, validateValue } from "../src/parameters.js";
import type { TemplateParameter } from "../src/template-model.js";

function param(overrides: Partial<TemplateParameter>): TemplateParameter {
  return {
    name: "p",
    description: "",
    description_plaintext: "",
    type: "string",
    form_type: "input",
    mutable: true,
    default_value: "",
    icon: "",
    options: [],
    required: false,
    ephemeral: false,
    ...overrides,
  };
}

const option = (value: string) => ({ name: value, description: "", value, icon: "" });

describe("coderd's classic value rules", () => {
  it.each<[string, Partial<TemplateParameter>, string, string | undefined, string | undefined]>([
    ["required and empty", { required: true }, "", undefined, "parameter value is required"],
    // codersdk compares with "" exactly: spaces are a value.
    ["required and only spaces", { required: true }, " ", undefined, undefined],
    [
      "empty optional takes the default",
      { default_value: "x", options: [option("x")] },
      "",
      undefined,
      undefined,
    ],
    [
      "not an option",
      { options: [option("a"), option("b")] },
      "c",
      undefined,
      "parameter value must match one of options: [a b]",
    ],
    [
      "bool must be true/false",
      { type: "bool" },
      "yes",
      undefined,
      'boolean value can be either "true" or "false"',
    ],
    ["bool true", { type: "bool" }, "true", undefined, undefined],
    ["number without validation accepts anything", { type: "number" }, "abc", undefined, undefined],
    [
      "number below min",
      { type: "number", validation_min: 2 },
      "1",
      undefined,
      "value 1 is less than the minimum 2",
    ],
    [
      "number above max",
      { type: "number", validation_max: 5 },
      "6",
      undefined,
      "value 6 is more than the maximum 5",
    ],
    [
      "min 0 is a real bound",
      { type: "number", validation_min: 0 },
      "-1",
      undefined,
      "value -1 is less than the minimum 0",
    ],
    [
      "number must be an integer",
      { type: "number", validation_min: 0 },
      "1.5",
      undefined,
      'value "1.5" is not a number',
    ],
    [
      "custom error with placeholders",
      { type: "number", validation_min: 10, validation_error: "{value} < {min} < {max}" },
      "5",
      undefined,
      "5 < 10 < 0",
    ],
    [
      "monotonic increasing",
      { type: "number", validation_monotonic: "increasing" },
      "3",
      "4",
      "parameter value '3' must be equal or greater than previous value: 4",
    ],
    [
      "monotonic decreasing",
      { type: "number", validation_monotonic: "decreasing" },
      "5",
      "4",
      "parameter value '5' must be equal or lower than previous value: 4",
    ],
    [
      "monotonic ignores a non-numeric previous value",
      { type: "number", validation_monotonic: "increasing" },
      "1",
      "x",
      undefined,
    ],
    [
      "regex is unanchored and needs an error",
      { validation_regex: "b+", validation_error: "need b" },
      "abc",
      undefined,
      undefined,
    ],
    [
      "regex mismatch",
      { validation_regex: "^a$", validation_error: "only a" },
      "b",
      undefined,
      'only a (value "b" does not match "^a$")',
    ],
    [
      "regex without error",
      { validation_regex: "^a$" },
      "a",
      undefined,
      "an error must be specified with a regex validation",
    ],
    [
      "regex on a number",
      { type: "number", validation_regex: "1" },
      "1",
      undefined,
      "a regex cannot be specified for a number type",
    ],
    ["min on a string", { validation_min: 1 }, "x", undefined, "a min cannot be specified for a string type"],
    [
      "list must be a JSON string array",
      { type: "list(string)" },
      "a,b",
      undefined,
      'value "a,b" is not valid list of strings',
    ],
    [
      "empty optional list fails",
      { type: "list(string)" },
      "",
      undefined,
      'value "" is not valid list of strings',
    ],
    [
      "multi-select checks every element",
      { type: "list(string)", form_type: "multi-select", options: [option("a"), option("b")] },
      '["a","c"]',
      undefined,
      "parameter value must match one of options: [a b]",
    ],
  ])("%s", (_name, overrides, value, previous, expected) => {
    expect(validateValue(param(overrides), value, previous)).toBe(expected);
  });
});

describe("resolveBuildParameters", () => {
  const region = param({
    name: "region",
    display_name: "Region",
    default_value: "eu",
    options: [option("eu"), option("us")],
  });
  const disk = param({ name: "disk", mutable: false, default_value: "10", type: "number" });
  const token = param({ name: "token", required: true });
  const once = param({ name: "once", ephemeral: true, default_value: "no" });

  it("resolves new value, then previous (unless ephemeral), then default; drops unknown names", () => {
    const result = resolveBuildParameters(
      [region, disk, token, once],
      [
        { name: "token", value: "t" },
        { name: "stray", value: "x" },
      ],
      [
        { name: "region", value: "us" },
        { name: "once", value: "yes" },
      ],
    );
    expect(result.problems).toEqual([]);
    expect(result.values).toEqual([
      { name: "region", value: "us" },
      { name: "disk", value: "10" },
      { name: "token", value: "t" },
      { name: "once", value: "no" },
    ]);
  });

  it("reports required, immutable and rule problems with coderd's wording", () => {
    const { problems } = resolveBuildParameters(
      [region, disk, token],
      [
        { name: "region", value: "asia" },
        { name: "disk", value: "20" },
      ],
      [{ name: "disk", value: "10" }],
    );
    expect(problems).toEqual([
      {
        name: "region",
        reason:
          'can\'t validate build parameter "Region": parameter value must match one of options: [eu us]',
      },
      {
        name: "disk",
        reason: 'Parameter "disk" is not mutable, so it can\'t be updated after creating a workspace.',
      },
      { name: "token", reason: 'Parameter "token" is required but not provided' },
    ]);
  });

  it("accepts an immutable parameter given its previous value again", () => {
    const { problems } = resolveBuildParameters(
      [disk],
      [{ name: "disk", value: "10" }],
      [{ name: "disk", value: "10" }],
    );
    expect(problems).toEqual([]);
  });
});

describe("the provider's definition checks at import", () => {
  it.each<[Partial<TemplateParameter>, string | undefined]>([
    [{ mutable: false, ephemeral: true, default_value: "x" }, "parameter can't be immutable and ephemeral"],
    [{ ephemeral: true, required: true }, "ephemeral parameter requires the default property"],
    [
      { options: [option("a"), { ...option("a"), name: "other" }], form_type: "radio" },
      "Option values must be unique.",
    ],
    [
      { default_value: "c", options: [option("a")], form_type: "radio" },
      "Default value must be a valid option",
    ],
    [{ form_type: "checkbox" }, "Invalid form_type for parameter"],
    [
      { type: "number", default_value: "20", validation_max: 10, form_type: "input" },
      "value 20 is more than the maximum 10",
    ],
    [{ required: true, validation_regex: "^x" }, "an error must be specified with a regex validation"],
    [{ default_value: "x" }, undefined],
  ])("%j → %s", (overrides, expected) => {
    expect(parameterDefinitionProblem(param(overrides))).toBe(expected);
  });
});
