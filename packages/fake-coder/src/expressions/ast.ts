/**
 * The expression tree of the HCL subset the fake evaluates for dynamic parameters. hcl2json hands expressions over
 * as template strings (`${...}` inside otherwise literal text), so parsing starts from a template.
 */

/** An HCL value as the evaluator carries it: lists and tuples are arrays, maps and objects are plain objects. */
export type Value = null | string | number | boolean | Value[] | { [key: string]: Value };

/** One node of a parsed expression. */
export type Expr =
  | { kind: "literal"; value: Value }
  | { kind: "template"; parts: (string | Expr)[] }
  | { kind: "variable"; name: string }
  | { kind: "attribute"; target: Expr; name: string }
  | { kind: "index"; target: Expr; key: Expr }
  | { kind: "call"; name: string; args: Expr[]; expandLast: boolean }
  | { kind: "unary"; op: "-" | "!"; operand: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "conditional"; test: Expr; then: Expr; otherwise: Expr }
  | { kind: "tuple"; items: Expr[] }
  | { kind: "object"; items: { key: Expr; value: Expr }[] }
  | ForExpr;

/** `[for k, v in coll : value if cond]`, or `{for k, v in coll : key => value if cond}` when `key` is set. */
export interface ForExpr {
  kind: "for";
  keyName?: string;
  valueName: string;
  collection: Expr;
  key?: Expr;
  value: Expr;
  condition?: Expr;
}

/** HCL's binary operators. */
export type BinaryOp = "||" | "&&" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "+" | "-" | "*" | "/" | "%";

/** The expression uses HCL the fake does not evaluate; `construct` names it for the diagnostic. */
export class UnsupportedConstruct extends Error {
  constructor(readonly construct: string) {
    super(`${construct} is not supported by the fake Coder's parameter evaluator`);
  }
}

/** The expression could not be parsed or evaluated (Terraform would say the same kind of thing). */
export class ExpressionError extends Error {
  constructor(
    readonly summary: string,
    detail: string,
  ) {
    super(detail);
  }
}
