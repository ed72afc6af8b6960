/**
 * Values as hcl2json hands them over: an attribute's expression arrives as a template string (`"${var.x}"`,
 * `"a-${b}"`), collections as JSON arrays and objects whose members are such strings in turn.
 */
import type { Expr, Value } from "./ast.js";
import { evaluate, type Scope } from "./evaluate.js";
import { parseTemplate } from "./parser.js";

/** Turns a value as hcl2json gives it into an expression: strings are templates, collections recurse. */
export function toExpr(raw: unknown): Expr {
  if (typeof raw === "string") return parseTemplate(raw);
  if (raw === null || raw === undefined) return { kind: "literal", value: null };
  if (typeof raw === "number" || typeof raw === "boolean") return { kind: "literal", value: raw };
  if (Array.isArray(raw)) return { kind: "tuple", items: raw.map(toExpr) };
  return {
    kind: "object",
    items: Object.entries(raw as Record<string, unknown>).map(([k, v]) => ({
      key: parseTemplate(k),
      value: toExpr(v),
    })),
  };
}

/** Evaluates a raw hcl2json value in a scope. */
export function evaluateRaw(raw: unknown, scope: Scope): Value {
  return evaluate(toExpr(raw), scope);
}
