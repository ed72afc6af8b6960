// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are HCL template strings, not JS templates
import { describe, expect, it } from "vitest";
import { UnsupportedConstruct, type Value } from "../../src/dynamic/ast.js";
import { evaluate, Namespace, type Scope } from "../../src/dynamic/evaluate.js";
import { parseTemplate } from "../../src/dynamic/parser.js";

const names: Record<string, Value> = {
  list: ["a", "b", "c"],
  map: { eu: "Europe", us: "USA" },
  n: "3",
  flag: "true",
};
const scope: Scope = (name) =>
  name === "var"
    ? new Namespace(
        "var",
        (k) => names[k],
        () => Object.keys(names),
      )
    : undefined;
const run = (source: string) => evaluate(parseTemplate(source), scope);

describe("the fake's HCL expression evaluator", () => {
  it.each<[string, Value]>([
    ["plain text", "plain text"],
    ["$${not} interpolated", "${not} interpolated"],
    ["${1 + 2 * 3}", 7],
    ["${(1 + 2) * 3}", 9],
    ["${-var.n + 1}", -2],
    ['${var.n == "3"}', true],
    ["${var.n == 3}", false],
    ["${var.n > 2 && !false}", true],
    ['${var.flag ? "yes" : "no"}', "yes"],
    ['x-${var.list[1]}-${var.map["eu"]}', "x-b-Europe"],
    ["${var.map.us}", "USA"],
    ['${contains(var.list, "b")}', true],
    ["${length(var.map)}", 2],
    ['${lookup(var.map, "xx", "none")}', "none"],
    ['${try(var.map.nope, "fallback")}', "fallback"],
    ['${coalesce("", null, "c")}', "c"],
    ['${concat(var.list, ["d"])}', ["a", "b", "c", "d"]],
    ['${join(",", split("-", "a-b"))}', "a,b"],
    ['${upper("a")}${lower("B")}', "Ab"],
    ['${startswith("abc", "ab") && endswith("abc", "bc")}', true],
    ["${jsonencode({ b = 1, a = [true, null] })}", '{"a":[true,null],"b":1}'],
    ['${jsondecode("{\\"k\\": [1]}").k[0]}', 1],
    ['${tostring(1)}${tonumber("2")}${tobool("true")}', "12true"],
    ['${format("%s is %d (%q)", "x", 4.7, "y")}', 'x is 4 ("y")'],
    ['${regex("([a-z]+)-([0-9]+)", "ab-12")}', ["ab", "12"]],
    ['${regex("[0-9]+", "ab-12")}', "12"],
    ["${element(var.list, 4)}", "b"],
    ["${keys(var.map)}", ["eu", "us"]],
    ["${values(var.map)}", ["Europe", "USA"]],
    ['${merge(var.map, { eu = "EU" })}', { eu: "EU", us: "USA" }],
    ["${range(3)}", [0, 1, 2]],
    ['${{ "k" = 1, (var.n) = 2 }}', { k: 1, "3": 2 }],
    ['${concat([var.list, ["d"]]...)}', ["a", "b", "c", "d"]],
    ["${[for s in var.list : upper(s)]}", ["A", "B", "C"]],
    ['${[for i, s in var.list : i if s != "b"]}', [0, 2]],
    ["${{ for k, v in var.map : v => k }}", { Europe: "eu", USA: "us" }],
  ])("%s", (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each([
    ["${{ for k, v in var.map : v => k... }}", "Grouping (...) in a for expression"],
    ["${var.list[*]}", "A splat expression ([*])"],
    ['${base64encode("x")}', 'The function "base64encode"'],
    ["%{ if true }x%{ endif }", "A template directive (%{ ... })"],
    ["${count.index}", 'The reference "count"'],
  ])("names the unsupported construct in %s", (source, construct) => {
    const error = (() => {
      try {
        run(source);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
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
