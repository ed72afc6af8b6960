import { readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { TemplateArchiveError } from "../errors/archive.js";
import { isInside } from "./fsutil.js";
import { compareUtf8 } from "./rules.js";
import type { ListedEntry, TemplateFolder } from "./walk.js";

/**
 * The largest variables file read: 1 MiB, the size Coder's whole template archive must stay under. A bigger file
 * cannot be a hand-written tfvars, and parsing it whole would take minutes and gigabytes.
 */
export const VARIABLES_FILE_LIMIT = 1_048_576;

/** A Terraform variable value as Coder's `user_variable_values` carries it: always a string. */
export interface TemplateVariableValue {
  name: string;
  value: string;
}

/**
 * The variables files the CLI reads, in the order it merges them (later wins): `terraform.tfvars`,
 * `terraform.tfvars.json`, then every top-level `*.auto.tfvars(.json)` by name. Nested `*.auto.tfvars` are
 * left out of the archive by Coder but never read; Terraform ignores them too.
 */
export function variablesFileNames(rootListing: ListedEntry[]): string[] {
  const names = rootListing.map((e) => e.name);
  const fixed = ["terraform.tfvars", "terraform.tfvars.json"].filter((n) => names.includes(n));
  const auto = names.filter((n) => n.endsWith(".auto.tfvars") || n.endsWith(".auto.tfvars.json"));
  return [...fixed, ...auto];
}

/**
 * Reads the variables files and converts their values the way `coder templates push` does. Symlinked files
 * follow the archive's symlink policy: skipped unless `followSymlinks`, and never outside the folder.
 */
export async function readVariables(options: TemplateFolder): Promise<TemplateVariableValue[]> {
  const { dir, rootListing, warnings } = options;
  const merged = new Map<string, string>();
  for (const name of variablesFileNames(rootListing)) {
    const dirent = rootListing.find((e) => e.name === name)!.dirent;
    const path = join(dir, name);
    if (dirent.isSymbolicLink()) {
      const real = options.followSymlinks ? await realpath(path).catch(() => undefined) : undefined;
      if (!real || !isInside(options.realRoot, real)) {
        warnings.push(
          `Ignored variables file ${JSON.stringify(name)}: it is a symlink ${options.followSymlinks ? "that is broken or points outside the template folder" : "(pass followSymlinks: true to read it)"}`,
        );
        continue;
      }
    }
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      warnings.push(`Ignored variables file ${JSON.stringify(name)}: it is not a regular file`);
      continue;
    }
    // Refused before a byte is read, as oversized template files are.
    if (info.size > VARIABLES_FILE_LIMIT) {
      throw new TemplateArchiveError(
        `The variables file ${JSON.stringify(name)} in ${dir} is ${mebibytes(info.size)}; variables files larger than 1 MiB are not read. Move it out of the template folder`,
        { dir, path: name, variablesFile: true },
      );
    }
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (cause) {
      throw new TemplateArchiveError(`Cannot read the variables file ${JSON.stringify(name)} in ${dir}`, {
        dir,
        path: name,
        variablesFile: true,
        cause,
      });
    }
    const values = name.endsWith(".json")
      ? parseJsonVariables(text, name, dir)
      : await parseHclVariables(text, name, dir);
    for (const [key, value] of values) merged.set(key, value);
  }
  return [...merged].map(([name, value]) => ({ name, value })).sort((a, b) => compareUtf8(a.name, b.name));
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

type Hcl2Json = typeof import("@cdktn/hcl2json");

/** Loaded on first use: the parser is a Go WebAssembly module, slow to start and only needed for tfvars. */
let hcl2json: Promise<Hcl2Json> | undefined;
function loadHcl2Json(): Promise<Hcl2Json> {
  hcl2json ??= import("@cdktn/hcl2json").then(
    (m) => ((m as { default?: Hcl2Json }).default ?? m) as Hcl2Json,
  );
  return hcl2json;
}

/**
 * HCL tfvars. The parser evaluates literal expressions and hands back Terraform-JSON: strings are templates
 * where a literal `${`/`%{` is escaped as `$${`/`%%{` and anything it could not evaluate stays `${...}`.
 * Conversion as the CLI does: strings as-is, numbers as decimal text, bools as `true`/`false`, tuples of
 * strings as a compact JSON array. Everything else (objects, blocks, null, mixed tuples, expressions that
 * need variables or functions) is rejected, naming the variable.
 *
 * Two deliberate differences from Go: the CLI rejects bools and prints numbers with 10 significant digits;
 * here bools become text and numbers keep all the digits a double holds.
 */
export async function parseHclVariables(
  text: string,
  file: string,
  dir: string,
): Promise<[string, string][]> {
  const { parse } = await loadHcl2Json();
  let parsed: Record<string, unknown>;
  try {
    parsed = await parse(file, text);
  } catch (cause) {
    throw new TemplateArchiveError(`Cannot parse ${file}: ${(cause as Error).message ?? cause}`, {
      dir,
      path: file,
      variablesFile: true,
      cause,
    });
  }
  const fail = (name: string, why: string) =>
    new TemplateArchiveError(
      `Variable ${JSON.stringify(name)} in ${file} ${why}; Coder template variables take strings, numbers, bools or lists of strings written as literals`,
      { dir, path: file, variablesFile: true },
    );
  return Object.entries(parsed).map(([name, value]): [string, string] => {
    if (typeof value === "string") {
      const literal = unescapeTemplate(value);
      if (literal === undefined) throw fail(name, "is an expression, not a literal value");
      return [name, literal];
    }
    if (typeof value === "number") return [name, decimalText(value)];
    if (typeof value === "boolean") return [name, String(value)];
    if (Array.isArray(value)) {
      // The parser turns blocks into lists of objects.
      if (value.some((item) => item !== null && typeof item === "object")) {
        throw fail(name, "has an unsupported type (a block or a list of objects)");
      }
      const items = value.map((item) => (typeof item === "string" ? unescapeTemplate(item) : undefined));
      if (items.some((item) => item === undefined))
        throw fail(name, "is a list with an item that is not a literal string");
      return [name, JSON.stringify(items)];
    }
    throw fail(name, `has an unsupported type (${value === null ? "null" : "object or block"})`);
  });
}

/** Undoes the Terraform-JSON template escaping; undefined when the string holds a real interpolation. */
function unescapeTemplate(value: string): string | undefined {
  let expression = false;
  const out = value.replace(/\$\$\{|%%\{|\$\{|%\{/g, (m) => {
    if (m.length === 3) return m.slice(1);
    expression = true;
    return m;
  });
  return expression ? undefined : out;
}

/** A number in plain decimal notation, never `1e+21` style. */
function decimalText(n: number): string {
  if (Number.isInteger(n)) return BigInt(n).toString();
  const text = String(n);
  if (!text.includes("e")) return text;
  return n.toFixed(100).replace(/0+$/, "");
}

/**
 * JSON tfvars, as the CLI does: strings as-is, bools as text, everything else (numbers, null, arrays,
 * objects) JSON-encoded like Go's `json.Marshal` (object keys sorted; `<`, `>`, `&`, U+2028 and U+2029
 * escaped), so the values match what the CLI sends byte for byte.
 */
export function parseJsonVariables(text: string, file: string, dir: string): [string, string][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new TemplateArchiveError(`Cannot parse ${file}: ${(cause as Error).message}`, {
      dir,
      path: file,
      variablesFile: true,
      cause,
    });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TemplateArchiveError(`${file} must hold a JSON object of variable names to values`, {
      dir,
      path: file,
      variablesFile: true,
    });
  }
  return Object.entries(parsed).map(([name, value]): [string, string] => {
    if (typeof value === "string") return [name, value];
    if (typeof value === "boolean") return [name, String(value)];
    return [name, goJson(value)];
  });
}

/** Encodes like Go's `json.Marshal` of a decoded value. Written by hand because JS objects put integer-like keys first. */
function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort(compareUtf8);
    return `{${keys.map((k) => `${goString(k)}:${goJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return typeof value === "string" ? goString(value) : JSON.stringify(value);
}

function goString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
