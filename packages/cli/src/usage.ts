/**
 * yargs' own failure texts ("Unknown argument: upp", "Not enough non-option arguments: got 0, need at least 1")
 * say what went wrong in yargs' terms. These turn them into what the user typed wrong and what to type instead.
 */
import type { Options, PositionalOptions } from "yargs";
import type { CommandDef } from "./command.js";
import { UsageError } from "./errors.js";

/** The options every command takes (main.ts declares them as globals). */
export const GLOBAL_FLAGS = ["url", "token", "verbose", "color", "help", "version"] as const;

interface CommandInfo {
  name: string;
  usage: string;
  flags: string[];
  positionals: [string, PositionalOptions][];
}

function info(def: CommandDef<never>): CommandInfo {
  const usage = def.command;
  const flags: string[] = [];
  for (const [name, options] of Object.entries((def.args ?? {}) as Record<string, Options>)) {
    flags.push(name);
    const aliases = options.alias === undefined ? [] : ([] as string[]).concat(options.alias);
    flags.push(...aliases);
  }
  return {
    name: usage.split(" ")[0] ?? usage,
    usage,
    flags,
    positionals: Object.entries((def.positionals ?? {}) as Record<string, PositionalOptions>),
  };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest of `candidates` to `word`, if it is close enough to be what was meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate.length < 2) continue;
    const score = candidate.startsWith(word) && word.length >= 2 ? 0.5 : distance(word, candidate);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  // Two edits (a swapped pair of letters is two) for short words, a third of the word for long ones.
  const allowed = word.length <= 2 ? 1 : Math.max(2, Math.floor(word.length / 3));
  return bestScore <= allowed ? best : undefined;
}

const dashed = (flag: string) => (flag.length === 1 ? `-${flag}` : `--${flag}`);

/** A usage error in place of yargs' `message`, given the command line it failed on. */
export function friendlyUsageError(
  message: string,
  argv: readonly string[],
  commands: readonly CommandDef<never>[],
): UsageError {
  const known = commands.map(info);
  const words = argv.filter((a) => !a.startsWith("-"));
  const command = known.find((c) => c.name === words[0]);
  // A command that takes its own words after `--` (exec): without `--` they read as unknown options.
  const takesRest = commands.find((c) => c.afterDashes && argv.includes(c.command.split(" ")[0]!));
  if (takesRest && !argv.includes("--") && /^Unknown arguments?: /.test(message)) {
    return new UsageError(`spt-coder ${takesRest.command.split(" ")[0]} takes its command after --.`, {
      suggestion: `Usage: ${takesRest.afterDashes}`,
    });
  }
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    const names = unknown[1]!.split(", ");
    if (!command && words[0] !== undefined && names.includes(words[0])) {
      const guess = closest(words[0], [...known.map((c) => c.name), "completion"]);
      return new UsageError(`"${words[0]}" is not a spt-coder command.`, {
        suggestion: guess
          ? `Did you mean \`spt-coder ${guess}\`? (\`spt-coder --help\` lists every command.)`
          : "`spt-coder --help` lists every command.",
      });
    }
    const flags = [...(command?.flags ?? []), ...GLOBAL_FLAGS];
    const parts = names.map((name) => {
      const guess = closest(name, flags);
      const shown = argv.find((a) => a.replace(/^-+/, "").split("=")[0] === name) ?? dashed(name);
      return guess ? `${shown} (did you mean ${dashed(guess)}?)` : shown;
    });
    const where = command ? `spt-coder ${command.name}` : "spt-coder";
    return new UsageError(`${where} has no option ${parts.join(", ")}.`, {
      suggestion: `\`${where} --help\` lists its options.`,
    });
  }
  const missing = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(message);
  if (missing && command) {
    const got = Number(missing[1]) - 1; // yargs counts the command itself
    const absent = command.positionals.slice(Math.max(0, got)).map(([name]) => `<${name}>`);
    return new UsageError(`spt-coder ${command.name} needs ${absent.join(" ") || "an argument"}.`, {
      suggestion: `Usage: spt-coder ${command.usage} (see \`spt-coder ${command.name} --help\`).`,
    });
  }
  const choice = /^Invalid values:\s+Argument: (\S+), Given: (.+), Choices: (.+)$/s.exec(message);
  if (choice) {
    const choices = choice[3]!.replace(/"/g, "").trim();
    return new UsageError(`${dashed(choice[1]!)} ${choice[2]!.trim()} is not one of: ${choices}.`);
  }
  return new UsageError(message);
}
