/**
 * Evaluates parsed expressions against a scope. References resolve lazily through {@link Namespace}s, so a local
 * or a parameter is computed only when something reads it (and a cycle is reported, not looped on).
 */
import { type Expr, ExpressionError, type ForExpr, UnsupportedConstruct, type Value } from "./ast.js";
import { callFunction } from "./functions.js";
import { asBool, asNumber, asString, equal, typeName } from "./values.js";

/**
 * A lazily resolved group of names (`var`, `local`, `data`, `data.<type>`, ...); `kind` is what Terraform calls a
 * member when it is missing ("input variable", "local value", "resource").
 */
export class Namespace {
  constructor(
    readonly path: string,
    private readonly lookup: (name: string) => Value | Namespace | undefined,
    private readonly names: () => string[],
    private readonly kind = "resource",
  ) {}

  get(name: string): Value | Namespace {
    const found = this.lookup(name);
    if (found === undefined)
      throw new ExpressionError(
        `Reference to undeclared ${this.kind}`,
        `${this.path}.${name} is not declared.`,
      );
    return found;
  }

  /** The whole group as an object value (forces every member). */
  value(): Value {
    return Object.fromEntries(this.names().map((n) => [n, force(this.get(n))]));
  }
}

function force(v: Value | Namespace): Value {
  return v instanceof Namespace ? v.value() : v;
}

/** Root names an expression can use. */
export type Scope = (name: string) => Value | Namespace | undefined;

/** Memoises a computation and reports a reference cycle instead of recursing forever. */
export function memo(what: string, compute: () => Value): () => Value {
  let state: "new" | "busy" | "done" = "new";
  let result: Value = null;
  let failure: unknown;
  return () => {
    if (state === "busy") throw new ExpressionError("Cycle in references", `${what} refers to itself.`);
    if (state === "new") {
      state = "busy";
      try {
        result = compute();
      } catch (err) {
        failure = err;
      }
      state = "done";
    }
    if (failure !== undefined) throw failure;
    return result;
  };
}

/** A scope with extra names (a `for` expression's or a `dynamic` block's iterator) over another. */
export function withNames(base: Scope, names: Record<string, Value>): Scope {
  return (name) => (Object.hasOwn(names, name) ? names[name] : base(name));
}

/** Evaluates an expression to a value. */
export function evaluate(expr: Expr, scope: Scope): Value {
  return force(evalRef(expr, scope));
}

function evalRef(expr: Expr, scope: Scope): Value | Namespace {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "template":
      return expr.parts
        .map((p) => (typeof p === "string" ? p : asString(evaluate(p, scope), "interpolated value")))
        .join("");
    case "variable": {
      const found = scope(expr.name);
      if (found !== undefined) return found;
      if (expr.name === "count" || expr.name === "each" || expr.name === "self" || expr.name === "path")
        throw new UnsupportedConstruct(`The reference "${expr.name}"`);
      throw new ExpressionError("Unknown variable", `There is no variable named "${expr.name}".`);
    }
    case "attribute": {
      const target = evalRef(expr.target, scope);
      if (target instanceof Namespace) return target.get(expr.name);
      return attribute(target, expr.name);
    }
    case "index":
      return index(evaluate(expr.target, scope), evaluate(expr.key, scope));
    case "call":
      return call(expr, scope);
    case "unary": {
      const v = evaluate(expr.operand, scope);
      return expr.op === "!" ? !operand(asBool, v, "unary") : -operand(asNumber, v, "unary");
    }
    case "binary":
      return binary(expr, scope);
    case "conditional":
      return condition(evaluate(expr.test, scope))
        ? evaluate(expr.then, scope)
        : evaluate(expr.otherwise, scope);
    case "tuple":
      return expr.items.map((i) => evaluate(i, scope));
    case "object":
      return Object.fromEntries(
        expr.items.map(({ key, value }) => [
          asString(evaluate(key, scope), "object key"),
          evaluate(value, scope),
        ]),
      );
    case "for":
      return forExpression(expr, scope);
  }
}

/** Iterates a list (keys are indices) or a map (keys in order), keeping the items whose condition holds. */
function forExpression(expr: ForExpr, scope: Scope): Value {
  const collection = evaluate(expr.collection, scope);
  const entries: [Value, Value][] = Array.isArray(collection)
    ? collection.map((v, i) => [i, v])
    : collection !== null && typeof collection === "object"
      ? Object.entries(collection).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      : [];
  if (!Array.isArray(collection) && (collection === null || typeof collection !== "object"))
    throw new ExpressionError(
      "Iteration over non-iterable value",
      `A ${typeName(collection)} cannot be iterated.`,
    );
  const items: [Value, Value][] = [];
  for (const [k, v] of entries) {
    const names: Record<string, Value> = { [expr.valueName]: v };
    if (expr.keyName !== undefined) names[expr.keyName] = k;
    const inner = withNames(scope, names);
    if (expr.condition && !asBool(evaluate(expr.condition, inner), "for condition")) continue;
    items.push([expr.key ? evaluate(expr.key, inner) : k, evaluate(expr.value, inner)]);
  }
  if (!expr.key) return items.map(([, v]) => v);
  return Object.fromEntries(items.map(([k, v]) => [asString(k, "object key"), v]));
}

function attribute(target: Value, name: string): Value {
  if (target !== null && typeof target === "object" && !Array.isArray(target)) {
    if (Object.hasOwn(target, name)) return target[name]!;
    throw new ExpressionError(
      "Unsupported attribute",
      `This object does not have an attribute named "${name}".`,
    );
  }
  if (Array.isArray(target))
    throw new ExpressionError(
      "Unsupported attribute",
      `Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list ([0].${name})?`,
    );
  throw new ExpressionError(
    "Unsupported attribute",
    `Can't access attributes on a ${typeName(target)} value.`,
  );
}

function index(target: Value, key: Value): Value {
  if (Array.isArray(target)) {
    const i = asNumber(key, "index");
    if (!Number.isInteger(i) || i < 0 || i >= target.length)
      throw new ExpressionError(
        "Invalid index",
        `The given key does not identify an element in this collection value.`,
      );
    return target[i]!;
  }
  if (target !== null && typeof target === "object") {
    const k = asString(key, "key");
    if (Object.hasOwn(target, k)) return target[k]!;
    throw new ExpressionError(
      "Invalid index",
      `The given key does not identify an element in this collection value.`,
    );
  }
  throw new ExpressionError(
    "Invalid index",
    `This value does not have any indices (it is a ${typeName(target)}).`,
  );
}

function call(expr: Extract<Expr, { kind: "call" }>, scope: Scope): Value {
  if (expr.name === "try") {
    // try() evaluates its arguments one at a time and keeps the first that succeeds.
    for (const arg of expr.args) {
      try {
        return evaluate(arg, scope);
      } catch (err) {
        if (err instanceof UnsupportedConstruct) throw err;
      }
    }
    throw new ExpressionError(
      "Error in function call",
      'Call to function "try" failed: no expression succeeded.',
    );
  }
  const args = expr.args.map((a) => evaluate(a, scope));
  if (expr.expandLast) {
    const last = args.pop();
    if (!Array.isArray(last))
      throw new ExpressionError(
        "Invalid expanding argument value",
        "The expanding argument (...) must be a list.",
      );
    args.push(...last);
  }
  return callFunction(expr.name, args);
}

/** Converts an operand, failing as HCL does when it cannot ("Invalid operand"). */
function operand<T>(convert: (v: Value) => T, v: Value, side: "unary" | "left" | "right"): T {
  try {
    return convert(v);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    throw new ExpressionError("Invalid operand", `Unsuitable value for ${side} operand: ${err.message}`);
  }
}

function condition(v: Value): boolean {
  if (typeof v === "boolean" || v === "true" || v === "false") return asBool(v);
  throw new ExpressionError("Incorrect condition type", "The condition expression must be of type bool.");
}

function binary(expr: Extract<Expr, { kind: "binary" }>, scope: Scope): Value {
  const { op } = expr;
  if (op === "&&" || op === "||") {
    // HCL evaluates both operands (no short circuit), so an unsuitable right operand fails either way.
    const left = operand(asBool, evaluate(expr.left, scope), "left");
    const right = operand(asBool, evaluate(expr.right, scope), "right");
    return op === "&&" ? left && right : left || right;
  }
  const left = evaluate(expr.left, scope);
  const right = evaluate(expr.right, scope);
  if (op === "==") return equal(left, right);
  if (op === "!=") return !equal(left, right);
  const a = operand(asNumber, left, "left");
  const b = operand(asNumber, right, "right");
  switch (op) {
    case "<":
      return a < b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case ">=":
      return a >= b;
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      if (b === 0) throw new ExpressionError("Operation failed", "Error during operation: divide by zero.");
      return a / b;
    default:
      return a % b;
  }
}
