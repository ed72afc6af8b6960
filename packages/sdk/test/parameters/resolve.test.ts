import { describe, expect, it } from "vitest";
import { type ParameterInput, resolveParameter, resolveParameters } from "../../src/parameters/index.js";
import type { TemplateVersionParameter } from "../../src/types.js";
import { options, param } from "./helpers.js";

type Row = [string, Partial<TemplateVersionParameter>, ParameterInput, string | { error: string }];

function check(rows: Row[]) {
  it.each(rows)("%s", (_title, overrides, input, expected) => {
    const result = resolveParameter(param(overrides), input);
    expect(result).toEqual(
      typeof expected === "string" ? { ok: true, value: expected } : { ok: false, ...expected },
    );
  });
}

describe("resolution order", () => {
  check([
    ["the new value wins", { default_value: "d" }, { value: "new", previousValue: "old" }, "new"],
    ["else the previous value", { default_value: "d" }, { previousValue: "old" }, "old"],
    ["else the default", { default_value: "d" }, {}, "d"],
    [
      "ephemeral parameters never reuse the previous value",
      { ephemeral: true, default_value: "d" },
      { previousValue: "old" },
      "d",
    ],
    // coderd validates "" as the default but stores "" (the default is only used to check it).
    [
      "an empty optional value is checked as the default and kept empty",
      { default_value: "d" },
      { value: "" },
      "",
    ],
    ["an empty optional value with an empty default stays empty", {}, { value: "" }, ""],
  ]);
});

describe("immutable parameters", () => {
  const immutable = { mutable: false, name: "region" };
  check([
    ["can be set on create", immutable, { value: "eu" }, "eu"],
    ["can be given the same value again", immutable, { value: "eu", previousValue: "eu" }, "eu"],
    ["keep their previous value when not given", immutable, { previousValue: "eu" }, "eu"],
    [
      "cannot change",
      immutable,
      { value: "us", previousValue: "eu" },
      { error: `Parameter "region" is not mutable, so it can't be updated after creating a workspace.` },
    ],
    [
      "cannot be emptied either",
      immutable,
      { value: "", previousValue: "eu" },
      { error: `Parameter "region" is not mutable, so it can't be updated after creating a workspace.` },
    ],
  ]);
});

describe("required parameters", () => {
  const required = { required: true, name: "size" };
  check([
    ["need a value", required, {}, { error: 'Parameter "size" is required but not provided' }],
    ["refuse an empty value", required, { value: "" }, { error: "parameter value is required" }],
    [
      "refuse an empty value even with a previous one",
      required,
      { value: "", previousValue: "x" },
      { error: "parameter value is required" },
    ],
    ["accept the previous value", required, { previousValue: "x" }, "x"],
    [
      "ephemeral ones do not reuse the previous value",
      { ...required, ephemeral: true },
      { previousValue: "x" },
      { error: "parameter value is required" },
    ],
  ]);
});

describe("options", () => {
  const choice = { options: options("eu", "us") };
  const multi = {
    type: "list(string)" as const,
    form_type: "multi-select" as const,
    options: options("a", "b", "c"),
  };
  check([
    ["accept an option value", choice, { value: "us" }, "us"],
    [
      "refuse anything else",
      choice,
      { value: "asia" },
      { error: "parameter value must match one of options: [eu us]" },
    ],
    [
      "refuse an empty value with no matching default",
      choice,
      { value: "" },
      { error: "parameter value must match one of options: [eu us]" },
    ],
    ["check the default too", { ...choice, default_value: "eu" }, {}, "eu"],
    ["multi-select: every element must be an option", multi, { value: '["a","c"]' }, '["a","c"]'],
    ["multi-select: the empty list is fine", multi, { value: "[]" }, "[]"],
    ["multi-select: Go reads null as an empty list", multi, { value: "null" }, "null"],
    [
      "multi-select: one unknown element fails",
      multi,
      { value: '["a","z"]' },
      { error: "parameter value must match one of options: [a b c]" },
    ],
    [
      "multi-select: not JSON fails",
      multi,
      { value: "a,b" },
      { error: "parameter value must match one of options: [a b c]" },
    ],
    [
      "list(string) without multi-select compares the whole value",
      { type: "list(string)", options: options('["a","b"]') },
      { value: '["a","b"]' },
      '["a","b"]',
    ],
    [
      "the validation block still runs after an option matched",
      { type: "number", options: options("1", "50"), validation_max: 10 },
      { value: "50" },
      { error: "value 50 is more than the maximum 10" },
    ],
  ]);
});

describe("bool", () => {
  check([
    ["true", { type: "bool" }, { value: "true" }, "true"],
    ["false", { type: "bool" }, { value: "false" }, "false"],
    [
      "not True",
      { type: "bool" },
      { value: "True" },
      { error: 'boolean value can be either "true" or "false"' },
    ],
    ["not 1", { type: "bool" }, { value: "1" }, { error: 'boolean value can be either "true" or "false"' }],
    [
      "not an empty default",
      { type: "bool" },
      {},
      { error: 'boolean value can be either "true" or "false"' },
    ],
  ]);
});

describe("number", () => {
  const range = { type: "number" as const, validation_min: 1, validation_max: 10 };
  check([
    ["without rules anything passes (coderd does not parse it)", { type: "number" }, { value: "abc" }, "abc"],
    ["min is inclusive", range, { value: "1" }, "1"],
    ["max is inclusive", range, { value: "10" }, "10"],
    ["below min", range, { value: "0" }, { error: "value 0 is less than the minimum 1" }],
    ["above max", range, { value: "11" }, { error: "value 11 is more than the maximum 10" }],
    ["a sign is allowed", range, { value: "+5" }, "+5"],
    ["leading zeros are allowed, messages show the integer", range, { value: "007" }, "007"],
    ["leading zeros in messages", range, { value: "-007" }, { error: "value -7 is less than the minimum 1" }],
    ["no decimals", range, { value: "1.5" }, { error: 'value "1.5" is not a number' }],
    ["no exponents", range, { value: "1e1" }, { error: 'value "1e1" is not a number' }],
    ["no spaces", range, { value: " 5" }, { error: 'value " 5" is not a number' }],
    ["no underscores", range, { value: "1_0" }, { error: 'value "1_0" is not a number' }],
    ["no hex", range, { value: "0x5" }, { error: 'value "0x5" is not a number' }],
    [
      "0 is a real minimum",
      { type: "number", validation_min: 0 },
      { value: "-1" },
      { error: "value -1 is less than the minimum 0" },
    ],
    [
      "0 is a real maximum",
      { type: "number", validation_max: 0 },
      { value: "1" },
      { error: "value 1 is more than the maximum 0" },
    ],
    [
      "min alone leaves max open",
      { type: "number", validation_min: 0 },
      { value: "9223372036854775807" },
      "9223372036854775807",
    ],
    [
      "beyond int64 is not a number",
      { type: "number", validation_min: 0 },
      { value: "9223372036854775808" },
      { error: 'value "9223372036854775808" is not a number' },
    ],
    [
      "an empty value is not a number",
      { type: "number", validation_min: 0 },
      { value: "" },
      { error: 'value "" is not a number' },
    ],
  ]);
});

describe("custom validation_error", () => {
  const custom = { type: "number" as const, validation_min: 10, validation_error: "{min} < {value} < {max}" };
  check([
    ["replaces the min message; an unset max renders 0", custom, { value: "5" }, { error: "10 < 5 < 0" }],
    ["replaces the parse message", custom, { value: "x" }, { error: "10 < x < 0" }],
    [
      "is inserted once: {value} text is not substituted again",
      custom,
      { value: "{min}" },
      { error: "10 < {min} < 0" },
    ],
    [
      "does not replace the monotonic message",
      { ...custom, validation_monotonic: "increasing" },
      { value: "11", previousValue: "12" },
      { error: "parameter value '11' must be equal or greater than previous value: 12" },
    ],
  ]);
});

describe("monotonic", () => {
  const up = { type: "number" as const, validation_monotonic: "increasing" as const };
  const down = { type: "number" as const, validation_monotonic: "decreasing" as const };
  check([
    ["increasing allows equal", up, { value: "5", previousValue: "5" }, "5"],
    ["increasing allows more", up, { value: "6", previousValue: "5" }, "6"],
    [
      "increasing refuses less",
      up,
      { value: "4", previousValue: "5" },
      { error: "parameter value '4' must be equal or greater than previous value: 5" },
    ],
    [
      "decreasing refuses more",
      down,
      { value: "6", previousValue: "5" },
      { error: "parameter value '6' must be equal or lower than previous value: 5" },
    ],
    ["decreasing allows less", down, { value: "4", previousValue: "5" }, "4"],
    ["no previous value, no check", up, { value: "-100" }, "-100"],
    ["a non-integer previous value is ignored", up, { value: "1", previousValue: "lots" }, "1"],
    ["an empty previous value is ignored", up, { value: "1", previousValue: "" }, "1"],
    [
      "an unknown direction is reported",
      { type: "number", validation_monotonic: "sideways" as never },
      { value: "1" },
      { error: 'number monotonicity can be either "increasing" or "decreasing"' },
    ],
  ]);
});

describe("rules on the wrong type", () => {
  check([
    [
      "min on a string",
      { validation_min: 1 },
      { value: "x" },
      { error: "a min cannot be specified for a string type" },
    ],
    [
      "max on a bool",
      { type: "bool", validation_max: 1 },
      { value: "true" },
      { error: "a max cannot be specified for a bool type" },
    ],
    [
      "monotonic on a string",
      { validation_monotonic: "increasing" },
      { value: "x" },
      { error: "monotonic validation can only be specified for number types, not string types" },
    ],
    [
      "regex on a number",
      { type: "number", validation_regex: "^1$", validation_error: "e" },
      { value: "1" },
      { error: "a regex cannot be specified for a number type" },
    ],
  ]);
});

describe("regex", () => {
  const lower = { validation_regex: "^[a-z]+$", validation_error: "Must be lowercase" };
  check([
    ["a match passes", lower, { value: "abc" }, "abc"],
    [
      "a mismatch gives the error and the pattern",
      lower,
      { value: "ABC" },
      { error: 'Must be lowercase (value "ABC" does not match "^[a-z]+$")' },
    ],
    [
      "the match is unanchored",
      { validation_regex: "[0-9]", validation_error: "e" },
      { value: "abc1def" },
      "abc1def",
    ],
    [
      "quotes like Go",
      lower,
      { value: 'a"\n' },
      { error: 'Must be lowercase (value "a\\"\\n" does not match "^[a-z]+$")' },
    ],
    [
      "an error text is mandatory",
      { validation_regex: "^a$" },
      { value: "a" },
      { error: "an error must be specified with a regex validation" },
    ],
    [
      "RE2 syntax is translated",
      { validation_regex: "(?i)^\\Qa.b\\E$", validation_error: "e" },
      { value: "A.B" },
      "A.B",
    ],
    [
      "a pattern JavaScript cannot run faithfully defers to the server",
      { validation_regex: "a(?i)b", validation_error: "e" },
      { value: "ab" },
      {
        error:
          'validation_regex "a(?i)b" is not supported client-side (flag groups other than a leading (?i), (?s) or (?m)); the server decides',
      },
    ],
  ]);
});

describe("list(string)", () => {
  const list = { type: "list(string)" as const };
  check([
    ["a JSON list of strings", list, { value: '["a","b"]' }, '["a","b"]'],
    ["the empty list", list, { value: "[]" }, "[]"],
    ["Go accepts null elements", list, { value: '["a",null]' }, '["a",null]'],
    ["not a list", list, { value: "a,b" }, { error: 'value "a,b" is not valid list of strings' }],
    [
      "numbers are not strings",
      list,
      { value: '["a",1]' },
      { error: 'value "[\\"a\\",1]" is not valid list of strings' },
    ],
    [
      "an empty optional list with no default fails",
      list,
      { value: "" },
      { error: 'value "" is not valid list of strings' },
    ],
  ]);
});

describe("resolveParameters", () => {
  const template = [
    param({ name: "region", mutable: false, options: options("eu", "us"), default_value: "eu" }),
    param({ name: "cpu", type: "number", validation_min: 1, validation_max: 8, default_value: "2" }),
    param({ name: "gpu", type: "bool", default_value: "false" }),
    param({ name: "dotfiles", required: true }),
    param({ name: "debug", ephemeral: true, default_value: "off" }),
  ];

  it("returns the complete values in template order", () => {
    expect(resolveParameters(template, { dotfiles: "https://x", cpu: "4", debug: "on" })).toEqual({
      ok: true,
      values: [
        { name: "region", value: "eu" },
        { name: "cpu", value: "4" },
        { name: "gpu", value: "false" },
        { name: "dotfiles", value: "https://x" },
        { name: "debug", value: "on" },
      ],
    });
  });

  it("reuses previous values, except for ephemeral parameters, and ignores stale previous names", () => {
    const previous = [
      { name: "region", value: "us" },
      { name: "cpu", value: "6" },
      { name: "dotfiles", value: "repo" },
      { name: "debug", value: "on" },
      { name: "removed", value: "x" },
    ];
    expect(resolveParameters(template, { gpu: "true" }, previous)).toEqual({
      ok: true,
      values: [
        { name: "region", value: "us" },
        { name: "cpu", value: "6" },
        { name: "gpu", value: "true" },
        { name: "dotfiles", value: "repo" },
        { name: "debug", value: "off" },
      ],
    });
  });

  it("reports every problem at once, with what each parameter accepts", () => {
    const result = resolveParameters(template, { regoin: "us", cpu: "16", gpu: "yes", constructor: "x" }, [
      { name: "region", value: "eu" },
    ]);
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          name: "regoin",
          message: 'parameter "regoin" is not present in the template.\nDid you mean: region',
          allowed: "one of the template's parameters: region, cpu, gpu, dotfiles, debug",
        },
        {
          name: "constructor",
          message: 'parameter "constructor" is not present in the template.',
          allowed: "one of the template's parameters: region, cpu, gpu, dotfiles, debug",
        },
        {
          name: "cpu",
          message: "value 16 is more than the maximum 8",
          allowed: "an integer between 1 and 8",
        },
        { name: "gpu", message: 'boolean value can be either "true" or "false"', allowed: "true or false" },
        { name: "dotfiles", message: 'Parameter "dotfiles" is required but not provided' },
      ],
    });
  });

  it("reports an immutable change with the options", () => {
    const result = resolveParameters(template, { region: "us", dotfiles: "x" }, [
      { name: "region", value: "eu" },
    ]);
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          name: "region",
          message: `Parameter "region" is not mutable, so it can't be updated after creating a workspace.`,
          allowed: 'one of "eu", "us"',
        },
      ],
    });
  });

  it("suggests names within half the name's length", () => {
    const names = [param({ name: "cpu_cores" }), param({ name: "cpu" }), param({ name: "memory" })];
    const problem = (input: string) =>
      (resolveParameters(names, { [input]: "1" }) as { problems: { message: string }[] }).problems[0]!
        .message;
    expect(problem("cpu_core")).toMatch(/Did you mean: cpu_cores$/);
    expect(problem("cpus")).toMatch(/Did you mean: cpu$/);
    expect(problem("mem")).not.toMatch(/Did you mean/);
    expect(resolveParameters([], { a: "1" })).toMatchObject({
      problems: [{ allowed: "the template has no parameters" }],
    });
  });
});
