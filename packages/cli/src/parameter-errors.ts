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
}

const MAX_PROBLEM_LINES = 3;

/**
 * A problem as a few lines. The accepted values are left out when the message already states the rule (a regex
 * or the template's validation text), so nothing is printed twice.
 */
export function parameterBlock(problem: ParameterProblem, flags?: ParameterFlags): ParameterBlock {
  const lines = problem.message.split("\n").filter((l) => l.trim() !== "");
  const problemLines =
    lines.length > MAX_PROBLEM_LINES
      ? [...lines.slice(0, MAX_PROBLEM_LINES - 1), `(and ${lines.length - MAX_PROBLEM_LINES + 1} more)`]
      : lines;
  const rule = /^text matching (.+?)(?: \((.*)\))?$/.exec(problem.allowed ?? "");
  const repeated =
    rule !== null && (problem.message.includes(rule[1]!) || (!!rule[2] && problem.message.includes(rule[2])));
  return {
    name: problem.name,
    problem: problemLines,
    ...(problem.allowed && !repeated ? { accepted: problem.allowed } : {}),
    flag: flagFor(problem.name, flags),
  };
}
