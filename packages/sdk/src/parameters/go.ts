/** Small re-implementations of the Go standard library behaviours Coder's parameter checks rely on. */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Go's `strconv.Atoi` on a 64-bit server: an optional sign and decimal digits only (no spaces, no `_`, no
 * decimals or exponents), within the int64 range. Returns undefined when Go would fail.
 */
export function atoi(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
  '"': '\\"',
};

/** Go's `%q` (`strconv.Quote`), used in Coder's messages such as `value "x" is not a number`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff)
      out += "\ufffd"; // a lone surrogate is invalid UTF-8 by the time Go sees it
    else if (PRINTABLE.test(ch)) out += ch;
    else out += cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/**
 * Decodes a value the way Go's `json.Unmarshal` fills a `[]string`: a JSON array of strings, where `null`
 * (the whole value or an element) is accepted and leaves an empty slice or an empty string. Undefined when
 * Go would return an error.
 */
export function parseStringList(value: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) return undefined;
  if (!parsed.every((item) => item === null || typeof item === "string")) return undefined;
  return parsed.map((item: string | null) => item ?? "");
}
