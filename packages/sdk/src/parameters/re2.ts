/**
 * Translation of Go RE2 patterns (what `validation_regex` holds) into JavaScript `RegExp`s with the same
 * meaning, or a clear refusal when that cannot be guaranteed.
 *
 * What differs between the engines and how it is handled:
 * - RE2 matches UTF-8 code points; JavaScript only does with the `u` flag, which is always set. Under `u`,
 *   JavaScript refuses escapes RE2 accepts (`\-`, `\_`, `\#`, a lone `{`, `}` or `]`), so every escaped or
 *   literal punctuation character is rewritten as `\xHH`.
 * - Flags: a leading `(?i)`, `(?s)`, `(?m)` (or a mix such as `(?is)`) becomes JavaScript flags; flags later
 *   in the pattern, scoped flag groups `(?i:…)` and the ungreedy `U` flag are refused.
 * - `\A` and `\z` become "nothing before" / "nothing after" lookarounds. With `m`, RE2's `^`/`$` only see
 *   `\n` as a line break (JavaScript also sees `\r`, U+2028, U+2029), so they are rewritten the same way.
 * - RE2's `.` does not match `\n` only (JavaScript also excludes `\r`, U+2028, U+2029): it becomes `[^\n]`.
 * - RE2's `\s` is `[\t\n\f\r ]` (JavaScript's is Unicode whitespace and includes `\v`): rewritten.
 * - `\pN` and `\p{Greek}`: one- and two-letter general categories stay, scripts become `\p{Script=Greek}`.
 * - POSIX classes `[[:alpha:]]`, `\Q…\E` quoting, `\x{10FFFF}`, octal `\123`, `\a` and `(?P<name>…)` are
 *   translated. Negated POSIX classes, `\S` inside a class and `\C` are refused.
 * - Lookarounds and backreferences do not exist in RE2, so a template carrying one cannot be valid (the
 *   provider fails on it); lookarounds are refused here too.
 *
 * Anything refused, or anything JavaScript fails to compile, is reported as "not supported client-side":
 * the server, which runs the real RE2, has the final word.
 */

/** The result of {@link translateRe2}. */
export type Re2Translation = { ok: true; regexp: RegExp } | { ok: false; reason: string };

class Unsupported extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};
const RE2_SPACE = "\\t\\n\\f\\r ";
const KEPT_ESCAPES = new Set(["d", "D", "w", "W", "b", "B", "f", "n", "r", "t", "v"]);

/** Compiles an RE2 pattern as an equivalent JavaScript RegExp (see the module comment for the rules). */
export function translateRe2(pattern: string): Re2Translation {
  try {
    const { flags, rest } = leadingFlags(pattern);
    const source = new Translator(rest, flags).run();
    return {
      ok: true,
      regexp: new RegExp(source, `u${flags.has("i") ? "i" : ""}${flags.has("s") ? "s" : ""}`),
    };
  } catch (error) {
    const why =
      error instanceof Unsupported
        ? error.message
        : `JavaScript cannot compile it (${(error as Error).message})`;
    return { ok: false, reason: why };
  }
}

function leadingFlags(pattern: string): { flags: Set<string>; rest: string } {
  const flags = new Set<string>();
  let rest = pattern;
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(rest); m; m = /^\(\?([a-zA-Z]+)\)/.exec(rest)) {
    for (const flag of m[1]!) {
      if (!"ims".includes(flag)) throw new Unsupported(`the (?${flag}) flag has no JavaScript equivalent`);
      flags.add(flag);
    }
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

class Translator {
  private i = 0;
  private out = "";
  constructor(
    private readonly src: string,
    private readonly flags: Set<string>,
  ) {}

  run(): string {
    while (this.i < this.src.length) {
      const ch = this.src[this.i]!;
      if (ch === "\\") this.out += this.escape(false);
      else if (ch === "[") this.out += this.characterClass();
      else if (ch === "(") this.out += this.group();
      else if (ch === "{") this.out += this.brace();
      else {
        this.i++;
        if (ch === ".") this.out += this.flags.has("s") ? "." : "[^\\n]";
        else if (ch === "^") this.out += this.flags.has("m") ? "(?<![^\\n])" : "^";
        else if (ch === "$") this.out += this.flags.has("m") ? "(?![^\\n])" : "$";
        else if (ch === "}" || ch === "]") this.out += literal(ch);
        else this.out += ch;
      }
    }
    return this.out;
  }

  private group(): string {
    const rest = this.src.slice(this.i);
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named) {
      this.i += named[0].length;
      return `(?<${named[1]}>`;
    }
    if (rest.startsWith("(?:")) {
      this.i += 3;
      return "(?:";
    }
    if (/^\(\?<?[=!]/.test(rest)) throw new Unsupported("lookarounds are not RE2 syntax");
    if (rest.startsWith("(?")) throw new Unsupported("flag groups other than a leading (?i), (?s) or (?m)");
    this.i++;
    return "(";
  }

  /** `{n}`, `{n,}` and `{n,m}` repeat; any other brace is a literal in RE2. */
  private brace(): string {
    const m = /^\{\d+(?:,\d*)?\}/.exec(this.src.slice(this.i));
    this.i += m ? m[0].length : 1;
    return m ? m[0] : literal("{");
  }

  private characterClass(): string {
    let out = "[";
    this.i++;
    if (this.src[this.i] === "^") {
      out += "^";
      this.i++;
    }
    let first = true;
    while (this.i < this.src.length) {
      const ch = this.src[this.i]!;
      if (ch === "]" && !first) {
        this.i++;
        return `${out}]`;
      }
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i));
      if (posix) {
        const expansion = POSIX_CLASSES[posix[2]!];
        if (posix[1] || expansion === undefined) throw new Unsupported(`the POSIX class ${posix[0]}`);
        out += expansion;
        this.i += posix[0].length;
      } else if (ch === "\\") {
        out += this.escape(true);
      } else {
        out += /[\][{}()|/]/.test(ch) ? literal(ch) : ch;
        this.i++;
      }
    }
    throw new Unsupported("an unterminated character class");
  }

  /** Translates the escape starting at `\`; `inClass` changes how class shorthands expand. */
  private escape(inClass: boolean): string {
    const c = this.src[this.i + 1];
    this.i += 2;
    if (c === undefined) throw new Unsupported("a trailing backslash");
    if (c === "A" && !inClass) return "(?<![\\s\\S])";
    if (c === "z" && !inClass) return "(?![\\s\\S])";
    if (c === "s") return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
    if (c === "S" && !inClass) return `[^${RE2_SPACE}]`;
    if (c === "a") return "\\x07";
    if (KEPT_ESCAPES.has(c) && !(inClass && "bB".includes(c))) return `\\${c}`;
    if (c === "p" || c === "P") return this.unicodeClass(c);
    if (c === "x") return this.hexEscape();
    if (c === "Q") return this.quoted();
    if (/[0-7]/.test(c)) return this.octal(c);
    // Go: "escaped non-word characters are always themselves" (any ASCII that is not a letter or digit).
    if (c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return literal(c);
    throw new Unsupported(`the escape \\${c}`);
  }

  private unicodeClass(c: string): string {
    let name: string;
    if (this.src[this.i] === "{") {
      const end = this.src.indexOf("}", this.i);
      if (end < 0) throw new Unsupported("an unterminated \\p{...}");
      name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = this.src[this.i] ?? "";
      this.i++;
    }
    let negated = c === "P";
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    if (!/^[A-Za-z_]+$/.test(name)) throw new Unsupported(`the Unicode class \\${c}{${name}}`);
    const property = name.length <= 2 || name === "Any" ? name : `Script=${name}`;
    return `\\${negated ? "P" : "p"}{${property}}`;
  }

  private hexEscape(): string {
    const rest = this.src.slice(this.i);
    const m = /^\{([0-9A-Fa-f]{1,8})\}/.exec(rest) ?? /^([0-9A-Fa-f]{2})/.exec(rest);
    if (!m) throw new Unsupported("a malformed \\x escape");
    this.i += m[0].length;
    const cp = Number.parseInt(m[1]!, 16);
    if (cp > 0x10ffff) throw new Unsupported("a \\x escape beyond U+10FFFF");
    return `\\u{${cp.toString(16)}}`;
  }

  /** `\Q...\E`: everything in between is literal. */
  private quoted(): string {
    const end = this.src.indexOf("\\E", this.i);
    const text = this.src.slice(this.i, end < 0 ? undefined : end);
    this.i = end < 0 ? this.src.length : end + 2;
    return [...text].map(literal).join("");
  }

  /** RE2 reads `\0`, `\0nn` and `\nn`/`\nnn` as octal; a lone `\1`–`\7` is a backreference, which it rejects. */
  private octal(first: string): string {
    let digits = first;
    while (digits.length < 3 && /[0-7]/.test(this.src[this.i] ?? "")) {
      digits += this.src[this.i];
      this.i++;
    }
    if (first !== "0" && digits.length === 1) throw new Unsupported("backreferences are not RE2 syntax");
    return `\\u{${Number.parseInt(digits, 8).toString(16)}}`;
  }
}

/** A character matched literally, written so both `u`-mode JavaScript and class context accept it. */
function literal(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x80 || /[0-9A-Za-z]/.test(ch)) return ch;
  return `\\x${cp.toString(16).padStart(2, "0")}`;
}
