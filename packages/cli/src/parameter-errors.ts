import type { ParameterProblem } from "@spt-coder/sdk";
import { UsageError } from "./errors.js";

/** How the user set (or can set) each parameter: `--repo <url>`, `--param name=<value>`, `--param-file`. */
export type ParameterFlags = Record<string, string>;

/**
 * An SDK `ParameterValidationError` with the flag each value came from, so the report names the flag the user
 * typed: a {@link UsageError} of the CLI's family (exit 2). The SDK error stays the cause (and keeps its class for
 * programs reading `cause`).
 */
export class ParameterInputError extends UsageError {
  override name = "ParameterInputError";
  readonly problems: ParameterProblem[];
  readonly flags: ParameterFlags;
  constructor(cause: Error & { problems: ParameterProblem[] }, flags: ParameterFlags) {
    super(cause.message, { cause });
    this.problems = cause.problems;
    this.flags = flags;
  }
}

/** The flag to name for a parameter: the one it came from, else `--param name=<value>`. */
export function flagFor(name: string, flags: ParameterFlags = {}): string {
  return flags[name] ?? `--param ${name}=<value>`;
}

/** One parameter's lines in an error: what is wrong, what is accepted, how to set it. */
export interface ParameterBlock {
  name: string;
  problem: string[];
  accepted?: string | undefined;
  flag: string;
  /** The validation regex, when it was too long to print inside the problem (the JSON output keeps it here). */
  pattern?: string | undefined;
}

const MAX_PROBLEM_LINES = 3;
/** A regex longer than this says less than the template's own error text next to it: it is left out of the text. */
const MAX_SHOWN_PATTERN = 40;
// The provider's `<error> (value "<value>" does not match "<regex>")`, both quoted as Go's %q does.
const GO_QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
const PATTERN_CLAUSE = new RegExp(String.raw` \(value (${GO_QUOTED}) does not match (${GO_QUOTED})\)`);

/**
 * A problem's text without a long validation regex (the repo_url one is 600 characters, printed where the
 * template's error already says what to type), and that regex.
 */
export function withoutLongPattern(message: string): { text: string; pattern?: string } {
  const clause = PATTERN_CLAUSE.exec(message);
  if (!clause) return { text: message };
  const pattern = unquote(clause[2]!);
  if (pattern.length <= MAX_SHOWN_PATTERN) return { text: message };
  const text = message.replace(
    clause[0],
    ` (value ${clause[1]} does not match the template's validation regex)`,
  );
  return { text, pattern };
}

function unquote(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}

/** A problem as one line for a `field: detail` validation: the rule only when the message does not state it. */
export function problemDetail(problem: ParameterProblem): string {
  const { text } = withoutLongPattern(problem.message);
  return problem.allowed && !repeatsRule(problem) ? `${text} (allowed: ${problem.allowed})` : text;
}

/** True when the accepted values are a regex or the template's validation text that the message already states. */
function repeatsRule(problem: ParameterProblem): boolean {
  const rule = /^text matching (.+?)(?: \((.*)\))?$/.exec(problem.allowed ?? "");
  return (
    rule !== null && (problem.message.includes(rule[1]!) || (!!rule[2] && problem.message.includes(rule[2])))
  );
}

/**
 * A problem as a few lines. The accepted values are left out when the message already states the rule (a regex
 * or the template's validation text), so nothing is printed twice.
 */
export function parameterBlock(problem: ParameterProblem, flags?: ParameterFlags): ParameterBlock {
  const { text, pattern } = withoutLongPattern(problem.message);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const problemLines =
    lines.length > MAX_PROBLEM_LINES
      ? [...lines.slice(0, MAX_PROBLEM_LINES - 1), `(and ${lines.length - MAX_PROBLEM_LINES + 1} more)`]
      : lines;
  return {
    name: problem.name,
    problem: problemLines,
    ...(problem.allowed && !repeatsRule(problem) ? { accepted: problem.allowed } : {}),
    flag: flagFor(problem.name, flags),
    ...(pattern ? { pattern } : {}),
  };
}
