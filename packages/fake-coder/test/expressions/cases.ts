// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are HCL template strings, not JS templates
/**
 * Expressions with the values (or the errors) HCL gives them. The fake's evaluator is tested against this table
 * (`evaluate.test.ts`) and the table against Terraform itself (`terraform.test.ts`), so an expected value is
 * Terraform's answer rather than our reading of its documentation.
 *
 * Sources are written as hcl2json hands an attribute over: a template string whose literal text is already
 * unescaped. Terraform reads the same text as the body of a quoted string, so literal text here holds no `"`,
 * `\` or newline.
 */
import type { Value } from "../../src/expressions/index.js";

/** `var.*` for every case: what a template's variables would hold. */
export const VARIABLES: Record<string, Value> = {
  list: ["a", "b", "c"],
  map: { eu: "Europe", us: "USA" },
  n: "3",
  flag: "true",
};

/** Expressions and their values. */
export const VALUES: [source: string, value: Value][] = [
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
  ['${format("%s is %d (%q)", "x", 4, "y")}', 'x is 4 ("y")'],
  ['${format("%.2f|%t|%v", 3.14159, true, "v")}', "3.14|true|v"],
  ['${regex("([a-z]+)-([0-9]+)", "ab-12")}', ["ab", "12"]],
  ['${regex("[0-9]+", "ab-12")}', "12"],
  ['${regex("(?P<word>[a-z]+)", "12ab")}', { word: "ab" }],
  ['${regexall("[^\\\\s,]+", "a, b  c")}', ["a", "b", "c"]],
  [
    '${regexall("([a-z])([0-9])", "a1 b2")}',
    [
      ["a", "1"],
      ["b", "2"],
    ],
  ],
  ['${regexall("x", "y")}', []],
  ["${element(var.list, 4)}", "b"],
  ["${keys(var.map)}", ["eu", "us"]],
  ["${values(var.map)}", ["Europe", "USA"]],
  ['${merge(var.map, { eu = "EU" })}', { eu: "EU", us: "USA" }],
  ["${range(3)}", [0, 1, 2]],
  ["${range(5, 1, -2)}", [5, 3]],
  ['${{ "k" = 1, (var.n) = 2 }}', { k: 1, "3": 2 }],
  ['${concat([var.list, ["d"]]...)}', ["a", "b", "c", "d"]],
  ["${[for s in var.list : upper(s)]}", ["A", "B", "C"]],
  ['${[for i, s in var.list : i if s != "b"]}', [0, 2]],
  ["${{ for k, v in var.map : v => k }}", { Europe: "eu", USA: "us" }],
  ["${10 / 4}", 2.5],
  ["${-7 % 3}", -1],
  ["n=${1.5}", "n=1.5"],
  ["${length(var.list) > 2 ? var.list[0] : null}", "a"],
  ['${format("%d|%f|%v|%q", "3", 1, [1], 1)}', '3|1.000000|[1]|"1"'],
  ["${upper(1)}", "1"],
  ['${jsonencode({ "a<b" = "x&y>" })}', '{"a\\u003cb":"x\\u0026y\\u003e"}'],
];

/** Expressions that fail, with the summary of Terraform's diagnostic. */
export const ERRORS: [source: string, summary: string][] = [
  ['${"a" + 1}', "Invalid operand"],
  ["${var.nope}", "Reference to undeclared input variable"],
  ["${var.list[7]}", "Invalid index"],
  ["${var.map.nope}", "Unsupported attribute"],
  ['${lookup(var.map, "xx")}', "Invalid function argument"],
  ['${tonumber("x")}', "Invalid function argument"],
  ["${element([], 1)}", "Error in function call"],
  ['${true && "x"}', "Invalid operand"],
  ['${format("%d", 1.5)}', "Error in function call"],
  ['${format("%s %s", "a")}', "Error in function call"],
  ['${-"x"}', "Invalid operand"],
  ['${"a" < "b"}', "Invalid operand"],
  ['${"x" ? 1 : 2}', "Incorrect condition type"],
  ["${var.list.x}", "Unsupported attribute"],
  ["${[for x in 1 : x]}", "Iteration over non-iterable value"],
  ['${regex("x", "y")}', "Error in function call"],
  ['${coalesce(null, "")}', "Error in function call"],
  ['${jsondecode("x")}', "Error in function call"],
  ["${length(1)}", "Error in function call"],
  ["${range(2000)}", "Error in function call"],
  ['${element(["a", "b"], -1)}', "Error in function call"],
  ['${tobool("x")}', "Invalid function argument"],
  ['${tonumber(" 3")}', "Invalid function argument"],
  ["${concat(1)}", "Invalid function argument"],
  ["${keys(1)}", "Invalid function argument"],
  ["${tostring([1])}", "Invalid function argument"],
  ['${split("-")}', "Not enough function arguments"],
];
