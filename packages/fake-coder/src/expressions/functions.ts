/**
 * The Terraform functions parameter expressions commonly call, with Terraform's semantics (maps iterate in key
 * order, `jsonencode` sorts keys, `element` wraps). `try` is not here: it needs its arguments unevaluated.
 * Failures carry Terraform's summaries: an argument that does not convert is an "Invalid function argument", a
 * failure inside the function an "Error in function call".
 */
import { ExpressionError, UnsupportedConstruct, type Value } from "./ast.js";
import { asBool, asList, asMap, asNumber, asString, equal, typeName } from "./values.js";

type Fn = (args: Value[]) => Value;

const INVALID_ARGUMENT = "Invalid function argument";

/** The function itself failed on arguments of the right types; `callFunction` names the function. */
class CallFailed extends ExpressionError {
  constructor(detail: string) {
    super("Error in function call", detail);
  }
}

function arity(name: string, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new ExpressionError(
      args.length < min ? "Not enough function arguments" : "Too many function arguments",
      `Function "${name}" expects ${want} argument(s); ${args.length} given.`,
    );
  }
}

function sortedEntries(v: Value): [string, Value][] {
  return Object.entries(asMap(v)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** JSON text of a scalar, with `<`, `>` and `&` escaped as Go's encoder (and so Terraform's) writes them. */
function jsonScalar(v: Value): string {
  return JSON.stringify(v).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Terraform's `jsonencode`: object keys sorted, integers without a fraction. */
export function jsonEncode(v: Value): string {
  if (v === null || typeof v !== "object") return jsonScalar(v);
  if (Array.isArray(v)) return `[${v.map(jsonEncode).join(",")}]`;
  return `{${sortedEntries(v)
    .map(([k, x]) => `${jsonScalar(k)}:${jsonEncode(x)}`)
    .join(",")}}`;
}

/** `format`'s verbs: %s %d %f (with precision) %t %v %q and %%. */
function format(spec: string, args: Value[]): string {
  let next = 0;
  return spec.replace(/%(\.\d+)?([sdftvq%])/g, (whole, precision: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (next >= args.length) throw new CallFailed(`not enough arguments for "${whole}"`);
    const arg = args[next++]!;
    switch (verb) {
      case "d":
        if (!Number.isInteger(asNumber(arg)))
          throw new CallFailed(
            `unsupported value for "${whole}": number has no exact integer representation`,
          );
        return asString(arg);
      case "f":
        return asNumber(arg).toFixed(precision ? Number(precision.slice(1)) : 6);
      case "t":
        return String(asBool(arg));
      case "q":
        return JSON.stringify(asString(arg));
      case "v":
        return typeof arg === "object" && arg !== null ? jsonEncode(arg) : asString(arg);
      default:
        return asString(arg);
    }
  });
}

/**
 * `regex`: no groups gives the match, named groups a map, other groups a list. RE2 is approximated by JS, with
 * RE2's spelling of a named group, `(?P<name>...)`, read as JavaScript's `(?<name>...)`.
 */
function regex(pattern: string, text: string): Value {
  const m = compile(pattern, "").exec(text);
  if (!m) throw new CallFailed("pattern did not match any part of the given string");
  return matched(m);
}

/** `regexall`: every match, each shaped as `regex` shapes one; no match is an empty list. */
function regexAll(pattern: string, text: string): Value[] {
  return [...text.matchAll(compile(pattern, "g"))].map(matched);
}

function compile(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern.replaceAll("(?P<", "(?<"), flags);
  } catch (err) {
    throw new ExpressionError(INVALID_ARGUMENT, `Invalid regular expression: ${(err as Error).message}`);
  }
}

function matched(m: RegExpExecArray | RegExpMatchArray): Value {
  if (m.groups) return Object.fromEntries(Object.entries(m.groups).map(([k, v]) => [k, v ?? null]));
  if (m.length > 1) return m.slice(1).map((g) => g ?? null);
  return m[0];
}

function range(args: Value[]): Value[] {
  const n = args.map((a) => asNumber(a));
  const [start, limit, step] =
    n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? (n[0]! <= n[1]! ? 1 : -1)];
  // A zero step would never end; Terraform reports it as running past the limit.
  if (step === 0) throw new CallFailed("more than 1024 values were generated");
  const out: number[] = [];
  for (let i = start; step > 0 ? i < limit : i > limit; i += step) {
    out.push(i);
    if (out.length > 1024) throw new CallFailed("more than 1024 values were generated");
  }
  return out;
}

const ANY = Number.POSITIVE_INFINITY;

/** Each function with its argument count range. */
const FUNCTIONS: Record<string, [min: number, max: number, fn: Fn]> = {
  contains: [2, 2, (a) => asList(a[0]!).some((x) => equal(x, a[1]!))],
  length: [1, 1, ([v]) => length(v!)],
  lookup: [
    2,
    3,
    (a) => {
      const map = asMap(a[0]!);
      const key = asString(a[1]!);
      if (Object.hasOwn(map, key)) return map[key]!;
      if (a.length === 3) return a[2]!;
      throw new ExpressionError(INVALID_ARGUMENT, `the given key ${JSON.stringify(key)} does not exist`);
    },
  ],
  coalesce: [
    1,
    ANY,
    (a) => {
      const found = a.find((v) => v !== null && v !== "");
      if (found === undefined) throw new CallFailed("no non-null, non-empty-string arguments");
      return found;
    },
  ],
  concat: [1, ANY, (a) => a.flatMap((v) => asList(v))],
  join: [
    2,
    2,
    (a) =>
      asList(a[1]!)
        .map((v) => asString(v))
        .join(asString(a[0]!)),
  ],
  split: [2, 2, (a) => asString(a[1]!).split(asString(a[0]!))],
  lower: [1, 1, (a) => asString(a[0]!).toLowerCase()],
  upper: [1, 1, (a) => asString(a[0]!).toUpperCase()],
  startswith: [2, 2, (a) => asString(a[0]!).startsWith(asString(a[1]!))],
  endswith: [2, 2, (a) => asString(a[0]!).endsWith(asString(a[1]!))],
  jsonencode: [1, 1, (a) => jsonEncode(a[0]!)],
  jsondecode: [1, 1, (a) => jsonDecode(asString(a[0]!))],
  tostring: [1, 1, (a) => (a[0] === null ? null : asString(a[0]!))],
  tonumber: [1, 1, (a) => (a[0] === null ? null : asNumber(a[0]!))],
  tobool: [1, 1, (a) => (a[0] === null ? null : asBool(a[0]!))],
  format: [1, ANY, (a) => format(asString(a[0]!), a.slice(1))],
  regex: [2, 2, (a) => regex(asString(a[0]!), asString(a[1]!))],
  regexall: [2, 2, (a) => regexAll(asString(a[0]!), asString(a[1]!))],
  element: [2, 2, (a) => element(asList(a[0]!), asNumber(a[1]!))],
  keys: [1, 1, (a) => sortedEntries(a[0]!).map(([k]) => k)],
  values: [1, 1, (a) => sortedEntries(a[0]!).map(([, v]) => v)],
  merge: [0, ANY, (a) => Object.assign({}, ...a.filter((v) => v !== null).map((v) => asMap(v))) as Value],
  range: [1, 3, range],
};

function length(v: Value): number {
  if (typeof v === "string") return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (v !== null && typeof v === "object") return Object.keys(v).length;
  throw new CallFailed(
    `argument must be a string, a collection type, or a structural type, not ${typeName(v)}`,
  );
}

function jsonDecode(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch (err) {
    throw new CallFailed((err as Error).message);
  }
}

/** `element` wraps around the end of the list, as Terraform's does. */
function element(list: Value[], index: number): Value {
  if (list.length === 0) throw new CallFailed("cannot use element function with an empty list");
  if (!Number.isInteger(index) || index < 0)
    throw new CallFailed("invalid index: value must be a whole number");
  return list[index % list.length]!;
}

/** Calls a supported function; any other name is an {@link UnsupportedConstruct}. */
export function callFunction(name: string, args: Value[]): Value {
  const entry = FUNCTIONS[name];
  if (!entry) throw new UnsupportedConstruct(`The function "${name}"`);
  const [min, max, fn] = entry;
  arity(name, args, min, max);
  try {
    return fn(args);
  } catch (err) {
    if (!(err instanceof ExpressionError) || err.summary === INVALID_ARGUMENT) throw err;
    if (err instanceof CallFailed)
      throw new ExpressionError(err.summary, `Call to function "${name}" failed: ${err.message}.`);
    // A conversion of an argument failed (a list where a string belongs, "x" for a number).
    throw new ExpressionError(INVALID_ARGUMENT, `Invalid value for an argument of "${name}": ${err.message}`);
  }
}
