import { UsageError } from "./errors.js";
import { readInputFile } from "./input-file.js";
import type { ParameterFlags } from "./parameter-errors.js";

/** `--param` / `--param-file`: the one definition of every command that takes parameter values. */
export const paramArgs = {
  param: { type: "string", array: true, describe: "Parameter value name=value (repeatable)" },
  "param-file": { type: "string", describe: "YAML or JSON file of parameter values" },
} as const;

/**
 * The values of `--param-file` then `--param` (later wins), with the flag each value came from, so that an error
 * names the one the user typed.
 */
export async function parameterInputs(args: {
  param?: readonly unknown[] | undefined;
  paramFile?: string | undefined;
}): Promise<{ values: Record<string, string>; flags: ParameterFlags }> {
  const fromFile = args.paramFile ? await readParamFile(args.paramFile) : {};
  const fromFlags = parsePairs("--param", args.param);
  const flags: ParameterFlags = {};
  for (const name of Object.keys(fromFile))
    flags[name] = `the "${name}" entry of --param-file ${args.paramFile}`;
  for (const name of Object.keys(fromFlags)) flags[name] = `--param ${name}=<value>`;
  return { values: { ...fromFile, ...fromFlags }, flags };
}

/**
 * Parses repeated `name=value` flags (`--param`, `--var`), splitting on the first `=` as the coder CLI does.
 * Later occurrences of a name win.
 */
export function parsePairs(flag: string, values: readonly unknown[] | undefined): Record<string, string> {
  // A Map, then fromEntries: an assignment would drop a `__proto__` name (it sets the prototype), where every other
  // unknown name is refused later; as an own key it is refused the same way.
  const result = new Map<string, string>();
  for (const raw of values ?? []) {
    const text = String(raw);
    const eq = text.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(`${flag}: format name=value expected, but got "${text}".`);
    }
    result.set(text.slice(0, eq).trim(), text.slice(eq + 1));
  }
  return Object.fromEntries(result);
}

/**
 * Reads a parameter file: a YAML (or JSON, which is YAML) map of name → value, like coder's
 * `--rich-parameter-file`. Strings, numbers and booleans become their text; lists become a compact JSON array
 * (how Coder passes `list(string)` values); anything else is rejected with the parameter's name.
 */
export async function readParamFile(path: string): Promise<Record<string, string>> {
  const text = await readInputFile(path, {
    flag: "--param-file",
    expected: "a YAML or JSON file of parameter values",
  });
  // yaml is CommonJS: from a code-split bundle its functions arrive on `default`, from the sources as named exports.
  const yaml = (await import("yaml")) as typeof import("yaml") & { default?: typeof import("yaml") };
  const parse = yaml.parse ?? yaml.default?.parse;
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new UsageError(`--param-file: ${path} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError(`--param-file: ${path} must be a map of parameter names to values.`);
  }
  const result: [string, string][] = [];
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      result.push([name, String(value)]);
    } else if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) {
      result.push([name, JSON.stringify(value.map((v) => (v === null ? "" : String(v))))]);
    } else {
      throw new UsageError(
        `--param-file: parameter "${name}" in ${path} has an unsupported value (${value === null ? "null" : typeof value}); use a string, number, boolean or a list.`,
      );
    }
  }
  return Object.fromEntries(result); // a `__proto__` entry stays a name, refused as unknown (see parsePairs)
}
