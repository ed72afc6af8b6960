/**
 * `for` expressions: `[for v in coll : expr]`, `[for k, v in coll : expr if cond]` and the object form
 * `{for k, v in coll : key => value}`. Grouping (`...` after the value) is refused by name.
 */
import { type Expr, type ExpressionError, type ForExpr, UnsupportedConstruct } from "./ast.js";

/** The parser as a `for` sees it: an interface, so that the import runs one way (parser to for). */
export interface ForParser {
  pos: number;
  readonly src: string;
  skipSpace(): void;
  identifier(): string;
  expression(): Expr;
  expect(c: string): void;
  error(what: string): ExpressionError;
}

/** Parses from just after the opening bracket; `close` is `]` (tuple) or `}` (object). */
export function parseFor(p: ForParser, close: "]" | "}"): Expr {
  p.pos += 3; // "for"
  p.skipSpace();
  const first = p.identifier();
  p.skipSpace();
  let keyName: string | undefined;
  let valueName = first;
  if (p.src[p.pos] === ",") {
    p.pos += 1;
    p.skipSpace();
    keyName = first;
    valueName = p.identifier();
    p.skipSpace();
  }
  if (!p.src.startsWith("in", p.pos)) throw p.error('Expected "in"');
  p.pos += 2;
  const collection = p.expression();
  p.skipSpace();
  p.expect(":");
  const out: ForExpr = { kind: "for", valueName, collection, value: { kind: "literal", value: null } };
  if (keyName !== undefined) out.keyName = keyName;
  if (close === "}") {
    out.key = p.expression();
    p.skipSpace();
    if (!p.src.startsWith("=>", p.pos)) throw p.error('Expected "=>"');
    p.pos += 2;
  }
  out.value = p.expression();
  p.skipSpace();
  if (p.src.startsWith("...", p.pos)) throw new UnsupportedConstruct("Grouping (...) in a for expression");
  if (/^if\b/.test(p.src.slice(p.pos))) {
    p.pos += 2;
    out.condition = p.expression();
    p.skipSpace();
  }
  p.expect(close);
  return out;
}
