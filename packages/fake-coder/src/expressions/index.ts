/**
 * The HCL expression language as the fake evaluates it: a parser for the subset parameter blocks use, an evaluator
 * over lazily resolved names, and Terraform's built-in functions with go-cty's conversions. It knows nothing of
 * Coder: `dynamic/` builds the scope (`data.coder_parameter`, `local`, `var`) and applies Coder's rules to the values.
 * `test/expressions/terraform.test.ts` checks its results against Terraform's own.
 */
export { type Expr, ExpressionError, UnsupportedConstruct, type Value } from "./ast.js";
export { evaluate, memo, Namespace, type Scope, withNames } from "./evaluate.js";
export { jsonEncode } from "./functions.js";
export { evaluateRaw, toExpr } from "./hcl-json.js";
export { parseTemplate } from "./parser.js";
export { asBool, asList, asMap, asNumber, asString } from "./values.js";
