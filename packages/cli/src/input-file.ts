/**
 * The YAML or JSON files a user gives (`--param-file`, the fleet declaration), read with limits before any parsing:
 * the YAML parser takes some 34 times a file's size in memory (a 50 MB value took 1.7 GiB), and a deep nesting
 * costs it seconds per level-thousand before it gives up. Parameter values together must stay under 2 MiB for a
 * build to start at all (the SDK's MAX_PARAMETER_VALUES_TOTAL_BYTES), so a larger file cannot be a valid one.
 */
import { open } from "node:fs/promises";
import { UsageError } from "./errors.js";

/** The largest input file read: 2 MiB. */
export const MAX_INPUT_FILE_BYTES = 2 * 1024 * 1024;

/** The deepest nesting of collections read; a parameter file needs 2 levels, a fleet declaration 5. */
export const MAX_INPUT_DEPTH = 16;

/** Which file is read, as its errors name it. */
export interface InputFileKind {
  /** The flag that named it: `--param-file`, `-f`. */
  flag: string;
  /** What it should be, for a folder given instead: "a YAML or JSON file of parameter values". */
  expected: string;
  /** Goes with a file that cannot be read. */
  suggestion?: string;
}

/**
 * The text of `path`, or a {@link UsageError} (named after the flag) when it cannot be read, is larger than
 * {@link MAX_INPUT_FILE_BYTES} or nests deeper than {@link MAX_INPUT_DEPTH}.
 */
export async function readInputFile(path: string, kind: InputFileKind): Promise<string> {
  const { flag, suggestion } = kind;
  let text: string;
  try {
    // Read at most one byte past the cap, whatever the file claims (a FIFO, a file still growing).
    const file = await open(path, "r");
    try {
      const buffer = Buffer.alloc(MAX_INPUT_FILE_BYTES + 1);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_INPUT_FILE_BYTES) {
        throw new UsageError(
          `${flag}: ${path} is larger than ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB, more than the parameter values of a build may take together; nothing was read from it.`,
        );
      }
      text = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const reason =
      (error as NodeJS.ErrnoException).code === "EISDIR"
        ? `it is a folder; give ${kind.expected}`
        : why(error);
    throw new UsageError(`${flag}: cannot read ${path}: ${reason}.`, suggestion ? { suggestion } : {});
  }
  const depth = nestingDepth(text);
  if (depth > MAX_INPUT_DEPTH) {
    throw new UsageError(
      `${flag}: ${path} nests collections ${depth} deep; at most ${MAX_INPUT_DEPTH} levels are read (a parameter file needs 2, a fleet declaration 5).`,
    );
  }
  return text;
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "there is no such file";
  if (code === "EACCES") return "permission denied";
  return code ?? String(error);
}

/**
 * How deep collections nest in YAML `text`, found without parsing it: flow brackets (`[`, `{`) outside quotes and
 * comments, plus block levels (each deeper indentation, and each `- ` that opens a sequence on a line). It may
 * count a level too many in odd layouts, never too few for a nesting the parser would build.
 */
export function nestingDepth(text: string): number {
  let deepest = 0;
  const indents: number[] = [];
  let flow = 0;
  for (const line of text.split("\n")) {
    const indent = line.length - line.trimStart().length;
    const content = line.slice(indent);
    if (flow === 0 && content !== "" && !content.startsWith("#")) {
      while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
      indents.push(indent);
    }
    let dashes = 0;
    for (let i = 0; content[i] === "-" && (i + 1 === content.length || content[i + 1] === " "); dashes++) {
      for (i++; content[i] === " "; i++);
    }
    flow = scanFlow(content, flow, (level) => {
      deepest = Math.max(deepest, indents.length + dashes + level);
    });
    deepest = Math.max(deepest, indents.length + dashes);
  }
  return deepest;
}

/** Walks one line's flow brackets from depth `flow`; reports each depth reached; returns the depth at its end. */
function scanFlow(line: string, flow: number, reached: (level: number) => void): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === "\\" && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "#" && (i === 0 || /\s/.test(line[i - 1]!))) break;
    else if (char === "[" || char === "{") reached(++flow);
    else if ((char === "]" || char === "}") && flow > 0) flow--;
  }
  return flow;
}
