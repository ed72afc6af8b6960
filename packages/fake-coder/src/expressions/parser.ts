/**
 * A recursive-descent parser for the HCL expression subset used by parameter blocks: literals, template strings,
 * references with attribute and index access, function calls, unary, binary and conditional operators, tuples and
 * objects, `for` expressions. Splats and template directives are refused with {@link UnsupportedConstruct}.
 */
import { type BinaryOp, type Expr, ExpressionError, UnsupportedConstruct } from "./ast.js";
import { parseFor } from "./for.js";

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;
/** Binary operators by precedence, lowest first (HCL's table). */
const LEVELS: BinaryOp[][] = [
  ["||"],
  ["&&"],
  ["==", "!="],
  ["<=", ">=", "<", ">"],
  ["+", "-"],
  ["*", "/", "%"],
];

/**
 * Parses a string as hcl2json gives it: literal text (escapes already decoded) with `${ expr }` interpolations;
 * `$${` and `%%{` stand for literal `${` and `%{`. A string that is exactly one interpolation is that expression,
 * as in HCL, so its value keeps its type.
 */
export function parseTemplate(source: string): Expr {
  const parser = new Parser(source);
  const parts = parser.templateParts(undefined);
  if (parts.length === 1 && typeof parts[0] !== "string") return parts[0]!;
  if (parts.every((p) => typeof p === "string")) return { kind: "literal", value: parts.join("") };
  return { kind: "template", parts };
}

/** The parser; its scanning methods are shared with the `for` expression parser. */
export class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  /** Template text up to `quote` (inside an expression) or the end (top level), decoding escapes when quoted. */
  templateParts(quote: '"' | undefined): (string | Expr)[] {
    const parts: (string | Expr)[] = [];
    let text = "";
    while (this.pos < this.src.length) {
      const rest = this.src.slice(this.pos);
      if (quote && rest[0] === quote) break;
      if (rest.startsWith("$${") || rest.startsWith("%%{")) {
        text += `${rest[0]}{`;
        this.pos += 3;
      } else if (rest.startsWith("${")) {
        if (text) parts.push(text);
        text = "";
        this.pos += 2;
        this.skipSpace();
        if (this.src[this.pos] === "~") this.pos += 1; // strip markers change whitespace only
        parts.push(this.expression());
        this.skipSpace();
        if (this.src[this.pos] === "~") this.pos += 1;
        this.expect("}");
      } else if (rest.startsWith("%{")) {
        throw new UnsupportedConstruct("A template directive (%{ ... })");
      } else if (quote && rest[0] === "\\") {
        text += this.escape();
      } else {
        text += rest[0];
        this.pos += 1;
      }
    }
    if (quote && this.src[this.pos] !== quote) throw this.error("Unterminated template string");
    if (quote) this.pos += 1;
    if (text || parts.length === 0) parts.push(text);
    return parts;
  }

  private escape(): string {
    const c = this.src[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
    if (c !== undefined && c in simple) return simple[c]!;
    if (c === "u" || c === "U") {
      const len = c === "u" ? 4 : 8;
      const hex = this.src.slice(this.pos, this.pos + len);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) throw this.error("Invalid escape sequence");
      this.pos += len;
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    throw this.error(`The symbol "${c}" is not a valid escape sequence selector.`);
  }

  expression(): Expr {
    const test = this.binary(0);
    this.skipSpace();
    if (this.src[this.pos] !== "?") return test;
    this.pos += 1;
    const then = this.expression();
    this.skipSpace();
    this.expect(":");
    const otherwise = this.expression();
    return { kind: "conditional", test, then, otherwise };
  }

  private binary(level: number): Expr {
    if (level >= LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      this.skipSpace();
      const op = LEVELS[level]!.find((o) => this.src.startsWith(o, this.pos));
      if (!op) return left;
      this.pos += op.length;
      const right = this.binary(level + 1);
      left = { kind: "binary", op, left, right };
    }
  }

  private unary(): Expr {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === "-" || c === "!") {
      this.pos += 1;
      return { kind: "unary", op: c, operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(start: Expr): Expr {
    let expr = start;
    for (;;) {
      this.skipSpace();
      const c = this.src[this.pos];
      if (this.src.startsWith("...", this.pos)) return expr;
      if (c === "." && /[0-9]/.test(this.src[this.pos + 1] ?? "")) {
        this.pos += 1;
        expr = { kind: "index", target: expr, key: { kind: "literal", value: Number(this.digits()) } };
      } else if (c === ".") {
        this.pos += 1;
        if (this.src[this.pos] === "*") throw new UnsupportedConstruct("A splat expression (.*)");
        expr = { kind: "attribute", target: expr, name: this.identifier() };
      } else if (c === "[") {
        this.pos += 1;
        this.skipSpace();
        if (this.src[this.pos] === "*") throw new UnsupportedConstruct("A splat expression ([*])");
        const key = this.expression();
        this.skipSpace();
        this.expect("]");
        expr = { kind: "index", target: expr, key };
      } else {
        return expr;
      }
    }
  }

  private primary(): Expr {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === undefined) throw this.error("Missing expression");
    if (c === "(") {
      this.pos += 1;
      const inner = this.expression();
      this.skipSpace();
      this.expect(")");
      return inner;
    }
    if (c === '"') {
      this.pos += 1;
      const parts = this.templateParts('"');
      if (parts.every((p) => typeof p === "string")) return { kind: "literal", value: parts.join("") };
      return { kind: "template", parts };
    }
    if (this.src.startsWith("<<", this.pos)) throw new UnsupportedConstruct("A heredoc inside an expression");
    if (/[0-9]/.test(c)) return { kind: "literal", value: this.number() };
    if (c === "[") return this.tuple();
    if (c === "{") return this.object();
    if (IDENT_START.test(c)) {
      const name = this.identifier();
      if (name === "true" || name === "false") return { kind: "literal", value: name === "true" };
      if (name === "null") return { kind: "literal", value: null };
      this.skipSpace();
      if (this.src[this.pos] === "(") return this.call(name);
      return { kind: "variable", name };
    }
    throw this.error(`Unexpected "${c}"`);
  }

  private call(name: string): Expr {
    this.pos += 1;
    const args: Expr[] = [];
    let expandLast = false;
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === ")") break;
      args.push(this.expression());
      this.skipSpace();
      if (this.src.startsWith("...", this.pos)) {
        expandLast = true;
        this.pos += 3;
        this.skipSpace();
      }
      if (this.src[this.pos] === ",") this.pos += 1;
      else break;
    }
    this.skipSpace();
    this.expect(")");
    return { kind: "call", name, args, expandLast };
  }

  private tuple(): Expr {
    this.pos += 1;
    this.skipSpace();
    if (/^for\s/.test(this.src.slice(this.pos))) return parseFor(this, "]");
    const items: Expr[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === "]") break;
      items.push(this.expression());
      this.skipSpace();
      if (this.src[this.pos] === ",") this.pos += 1;
      else break;
    }
    this.skipSpace();
    this.expect("]");
    return { kind: "tuple", items };
  }

  private object(): Expr {
    this.pos += 1;
    this.skipSpace();
    if (/^for\s/.test(this.src.slice(this.pos))) return parseFor(this, "}");
    const items: { key: Expr; value: Expr }[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === "}") break;
      // A bare identifier key is a literal name, as in HCL; anything else is an expression.
      const save = this.pos;
      let key: Expr;
      if (IDENT_START.test(this.src[this.pos] ?? "")) {
        const name = this.identifier();
        this.skipSpace();
        if (this.src[this.pos] === "=" || this.src[this.pos] === ":") key = { kind: "literal", value: name };
        else {
          this.pos = save;
          key = this.expression();
        }
      } else key = this.expression();
      this.skipSpace();
      if (this.src[this.pos] !== "=" && this.src[this.pos] !== ":") throw this.error('Missing "=" in object');
      this.pos += 1;
      items.push({ key, value: this.expression() });
      this.skipSpace();
      if (this.src[this.pos] === ",") this.pos += 1;
    }
    this.expect("}");
    return { kind: "object", items };
  }

  identifier(): string {
    const start = this.pos;
    if (!IDENT_START.test(this.src[this.pos] ?? "")) throw this.error("Expected a name");
    while (IDENT_PART.test(this.src[this.pos] ?? "")) this.pos += 1;
    return this.src.slice(start, this.pos);
  }

  private digits(): string {
    const start = this.pos;
    while (/[0-9]/.test(this.src[this.pos] ?? "")) this.pos += 1;
    return this.src.slice(start, this.pos);
  }

  private number(): number {
    const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.src.slice(this.pos))!;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  skipSpace(): void {
    for (;;) {
      while (/\s/.test(this.src[this.pos] ?? "")) this.pos += 1;
      const rest = this.src.slice(this.pos);
      if (rest.startsWith("#") || rest.startsWith("//")) {
        while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos += 1;
      } else if (rest.startsWith("/*")) {
        const end = this.src.indexOf("*/", this.pos + 2);
        this.pos = end < 0 ? this.src.length : end + 2;
      } else return;
    }
  }

  expect(c: string): void {
    if (this.src[this.pos] !== c) throw this.error(`Expected "${c}"`);
    this.pos += 1;
  }

  error(what: string): ExpressionError {
    return new ExpressionError(
      "Invalid expression",
      `${what} at offset ${this.pos} of ${JSON.stringify(this.src)}`,
    );
  }
}
