/**
 * The fake agent's shell, part one: a parser for the small subset of POSIX `sh` a command line may use in the
 * fake. No shell runs inside the fake; commands are scripted by its users (see `run.ts`). Supported: words with
 * single and double quotes and backslashes, `$name`, `${name}`, `${name:-default}`, `$?`, command substitution
 * `$(…)`, variable assignments before a command, `;`, newlines, `&&`, `||`, `#` comments (a shebang line is one),
 * and redirections of a file descriptor to or from a file (`<`, `>`, `>>`, `2>`) or to another descriptor (`2>&1`).
 * Pipes, `&`, subshells and backquotes are not: they are a syntax error naming what is missing.
 */

/** A piece of a word: literal text, a parameter to expand (with its `:-` default), or a command's output. */
export type Segment = { text: string } | { param: string; fallback?: string } | { command: string };
/** A word before expansion. */
export type Word = Segment[];

/** A redirection: descriptor `fd` to or from `target`, or duplicated from descriptor `dup`. */
export interface Redirect {
  fd: number;
  op: "<" | ">" | ">>" | ">&";
  target: Word;
}

/** `NAME=value ... word word ... redirections`. */
export interface SimpleCommand {
  assignments: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
}

/** Commands joined by `&&` and `||`, run left to right. */
export interface AndOr {
  first: SimpleCommand;
  rest: { op: "&&" | "||"; command: SimpleCommand }[];
}

/** A command line the fake shell was asked to run, as `sh` would report it. */
export class ShellSyntaxError extends Error {}

const UNSUPPORTED: Record<string, string> = {
  "|": "pipes",
  "&": "background jobs",
  "(": "subshells",
  ")": "subshells",
  "`": "backquotes (use $(…))",
};

/** Parses a command line into the lists it runs, in order. */
export function parseCommandLine(source: string): AndOr[] {
  const lists: AndOr[] = [];
  let current: SimpleCommand = emptyCommand();
  let list: AndOr | undefined;
  let pending: "&&" | "||" | undefined;
  let i = 0;
  const endCommand = () => {
    const empty =
      current.words.length === 0 && current.assignments.length === 0 && current.redirects.length === 0;
    if (empty) {
      if (pending) throw new ShellSyntaxError(`Syntax error: end of command after "${pending}" unexpected`);
      return;
    }
    if (!list) {
      list = { first: current, rest: [] };
      lists.push(list);
    } else list.rest.push({ op: pending ?? "&&", command: current });
    pending = undefined;
    current = emptyCommand();
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === " " || c === "\t") {
      i++;
    } else if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "\n" || c === ";") {
      endCommand();
      list = undefined;
      i++;
    } else if (source.startsWith("&&", i) || source.startsWith("||", i)) {
      if (current.words.length === 0)
        throw new ShellSyntaxError(`Syntax error: "${source.slice(i, i + 2)}" unexpected`);
      endCommand();
      pending = source.slice(i, i + 2) as "&&" | "||";
      i += 2;
    } else if (c in UNSUPPORTED || source.startsWith("$(", i)) {
      throw new ShellSyntaxError(
        `the fake shell does not support ${UNSUPPORTED[source.startsWith("$(", i) ? "$(" : c]}`,
      );
    } else {
      const redirect = /^(\d?)(>>|>&|>|<)/.exec(source.slice(i));
      if (redirect) {
        i += redirect[0].length;
        while (source[i] === " " || source[i] === "\t") i++;
        const [target, next] = readWord(source, i);
        if (target.length === 0) throw new ShellSyntaxError("Syntax error: redirection without a target");
        const op = redirect[2] as Redirect["op"];
        current.redirects.push({ fd: redirect[1] ? Number(redirect[1]) : op === "<" ? 0 : 1, op, target });
        i = next;
        continue;
      }
      const [word, next] = readWord(source, i);
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(source.slice(i));
      if (assignment && current.words.length === 0) {
        const [value, end] = readWord(source, i + assignment[0].length);
        current.assignments.push({ name: assignment[1]!, value });
        i = end;
      } else {
        current.words.push(word);
        i = next;
      }
    }
  }
  endCommand();
  return lists;
}

function emptyCommand(): SimpleCommand {
  return { assignments: [], words: [], redirects: [] };
}

/** Reads one word from `i`; returns it and the index after it. */
function readWord(source: string, start: number): [Word, number] {
  const word: Word = [];
  const literal = (text: string) => {
    const last = word[word.length - 1];
    if (last && "text" in last) last.text += text;
    else word.push({ text });
  };
  let i = start;
  while (i < source.length) {
    const c = source[i]!;
    if (" \t\n;&|<>()`".includes(c)) break;
    if (c === "'") {
      const end = source.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("Syntax error: Unterminated quoted string");
      literal(source.slice(i + 1, end));
      // An empty '' still makes a word.
      if (end === i + 1 && word.length === 0) word.push({ text: "" });
      i = end + 1;
    } else if (c === '"') {
      i++;
      const before = word.length;
      while (source[i] !== '"') {
        if (i >= source.length) throw new ShellSyntaxError("Syntax error: Unterminated quoted string");
        if (source[i] === "\\" && '$`"\\\n'.includes(source[i + 1] ?? "")) {
          literal(source[i + 1]!);
          i += 2;
        } else if (source[i] === "$") i = readParam(source, i, word, literal);
        else literal(source[i++]!);
      }
      if (word.length === before) word.push({ text: "" });
      i++;
    } else if (c === "\\") {
      if (i + 1 < source.length && source[i + 1] !== "\n") literal(source[i + 1]!);
      i += 2;
    } else if (c === "$") {
      i = readParam(source, i, word, literal);
    } else {
      literal(c);
      i++;
    }
  }
  return [word, i];
}

/** Reads `$?`, `$name`, `${name}`, `${name:-default}` or `$(command)` at `i` (a lone `$` is literal). */
function readParam(source: string, i: number, word: Word, literal: (text: string) => void): number {
  if (source.startsWith("$(", i)) {
    const close = closingParen(source, i + 2);
    word.push({ command: source.slice(i + 2, close) });
    return close + 1;
  }
  if (source[i + 1] === "?") {
    word.push({ param: "?" });
    return i + 2;
  }
  if (source[i + 1] === "{") {
    const close = source.indexOf("}", i + 2);
    if (close < 0) throw new ShellSyntaxError("Syntax error: Missing '}'");
    const m = /^([A-Za-z_][A-Za-z0-9_]*|\?)(?::-(.*))?$/s.exec(source.slice(i + 2, close));
    if (!m) throw new ShellSyntaxError(`${source.slice(i, close + 1)}: Bad substitution`);
    word.push(m[2] === undefined ? { param: m[1]! } : { param: m[1]!, fallback: m[2] });
    return close + 1;
  }
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i + 1))?.[0];
  if (!name) {
    literal("$");
    return i + 1;
  }
  word.push({ param: name });
  return i + 1 + name.length;
}

/** The index of the `)` that closes a `$(` whose inside starts at `from` (quotes and nesting respected). */
function closingParen(source: string, from: number): number {
  let depth = 1;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) break;
      i = end;
    } else if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  throw new ShellSyntaxError('Syntax error: end of file unexpected (expecting ")")');
}
