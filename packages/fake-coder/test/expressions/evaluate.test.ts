// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are HCL template strings, not JS templates
import { describe, expect, it } from "vitest";
import {
  ExpressionError,
  evaluate,
  Namespace,
  parseTemplate,
  type Scope,
  UnsupportedConstruct,
} from "../../src/expressions/index.js";
import { ERRORS, VALUES, VARIABLES } from "./cases.js";

const scope: Scope = (name) =>
  name === "var"
    ? new Namespace(
        "var",
        (k) => VARIABLES[k],
        () => Object.keys(VARIABLES),
        "input variable",
      )
    : undefined;
const run = (source: string) => evaluate(parseTemplate(source), scope);

/** The error a source throws, or undefined. */
function thrown(source: string): unknown {
  try {
    run(source);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("the fake's HCL expression evaluator", () => {
  it.each(VALUES)("%s", (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each(ERRORS)("fails on %s as Terraform does (%s)", (source, summary) => {
    const error = thrown(source);
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).summary).toBe(summary);
  });

  it.each([
    ["${{ for k, v in var.map : v => k... }}", "Grouping (...) in a for expression"],
    ["${var.list[*]}", "A splat expression ([*])"],
    ['${base64encode("x")}', 'The function "base64encode"'],
    ["%{ if true }x%{ endif }", "A template directive (%{ ... })"],
    ["${count.index}", 'The reference "count"'],
  ])("names the unsupported construct in %s", (source, construct) => {
    const error = thrown(source);
    expect(error).toBeInstanceOf(UnsupportedConstruct);
    expect((error as UnsupportedConstruct).construct).toBe(construct);
  });

  it("reports wrong types and unknown names as errors, not values", () => {
    expect(() => run('${"a" + 1}')).toThrow(/Cannot convert "a" to number/);
    expect(() => run("${var.nope}")).toThrow(/var.nope is not declared/);
    expect(() => run("${unknown_root}")).toThrow(/no variable named "unknown_root"/);
    expect(() => run("${var.list[7]}")).toThrow(/does not identify an element/);
    expect(() => run('${try(base64encode("x"), 1)}')).toThrow(UnsupportedConstruct);
  });
});
