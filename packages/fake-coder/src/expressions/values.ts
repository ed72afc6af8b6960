/** HCL's type conversions and equality for the evaluator's values (go-cty's rules, as far as parameters need). */
import { ExpressionError, type Value } from "./ast.js";

/** The type name Terraform prints in its messages. */
export function typeName(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "tuple";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}

/** Terraform formats numbers without a trailing `.0` and without exponents for ordinary sizes. */
function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

/** Converts to string as Terraform does: numbers and bools convert, null and collections do not. */
export function asString(v: Value, what = "value"): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) throw new ExpressionError("Invalid value", `The ${what} is null; a string is required.`);
  throw new ExpressionError("Incorrect value type", `The ${what} is a ${typeName(v)}; a string is required.`);
}

/** Converts to number: numbers as they are, strings that spell a number. */
export function asNumber(v: Value, what = "value"): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(v)) return Number(v);
  if (typeof v === "string")
    throw new ExpressionError(
      "Invalid value",
      `Cannot convert ${JSON.stringify(v)} to number: a number is required.`,
    );
  throw new ExpressionError("Incorrect value type", `The ${what} is a ${typeName(v)}; a number is required.`);
}

/** Converts to bool: bools as they are, the strings `true` and `false`. */
export function asBool(v: Value, what = "value"): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new ExpressionError(
    "Incorrect value type",
    `The ${what} is ${typeof v === "string" ? JSON.stringify(v) : `a ${typeName(v)}`}; a bool is required.`,
  );
}

/** A list (or tuple): arrays only. */
export function asList(v: Value, what = "value"): Value[] {
  if (Array.isArray(v)) return v;
  throw new ExpressionError("Incorrect value type", `The ${what} is a ${typeName(v)}; a list is required.`);
}

/** A map (or object). */
export function asMap(v: Value, what = "value"): { [key: string]: Value } {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) return v;
  throw new ExpressionError("Incorrect value type", `The ${what} is a ${typeName(v)}; a map is required.`);
}

/** HCL equality: same type and same value, deeply; `1 == "1"` is false. */
export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  const ka = Object.keys(a);
  const mb = b as { [key: string]: Value };
  return ka.length === Object.keys(mb).length && ka.every((k) => k in mb && equal((a as never)[k], mb[k]!));
}
