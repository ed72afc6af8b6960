/**
 * Reads the top-level Terraform files of a template with a real HCL parser (`@cdktn/hcl2json`, HashiCorp's parser
 * compiled to WASM): the files, their blocks and the template's variables. `template-read.ts` turns Coder's blocks
 * into the API's shapes. Expressions are not evaluated, apart from `var.x` references and `jsonencode([...])` of
 * literals in parameter defaults.
 */
import type { ArchiveFile } from "./archive.js";
import { blockSite } from "./hcl-sites.js";
import type { TemplateVariable } from "./template-model.js";

/** A Terraform syntax error; `message` reads like Terraform's diagnostic (`file:line,col: summary; detail`). */
export class HclSyntaxError extends Error {}

export type Json = Record<string, unknown>;
type HclParse = (filename: string, contents: string) => Promise<Json>;

let parser: Promise<HclParse> | undefined;

/** The WASM parser costs ~300 ms to load, so it is loaded on first use: the bin must start in under a second. */
function loadParser(): Promise<HclParse> {
  parser ??= import("@cdktn/hcl2json").then((m) => m.parse as HclParse);
  return parser;
}

/** True for files Terraform reads as the root module: `.tf` / `.tf.json` at the top level of the archive. */
export function isTopLevelTerraform(path: string): boolean {
  return !path.includes("/") && (path.endsWith(".tf") || path.endsWith(".tf.json"));
}

/** Parses one file into hcl2json's shape (blocks as arrays of bodies). */
async function parseFile(file: ArchiveFile): Promise<Json> {
  const source = Buffer.from(file.data).toString("utf8");
  if (file.path.endsWith(".tf.json")) {
    try {
      return normaliseJsonSyntax(JSON.parse(source) as Json);
    } catch (err) {
      throw new HclSyntaxError(`${file.path}: Invalid JSON; ${(err as Error).message}`);
    }
  }
  const key = `${file.path}\0${source}`;
  let parsed = parsedFiles.get(key);
  if (!parsed) {
    parsed = parseHcl(file.path, source);
    parsedFiles.set(key, parsed);
    if (parsedFiles.size > PARSED_FILES_KEPT) parsedFiles.delete(parsedFiles.keys().next().value as string);
  }
  // Every caller gets its own copy: the shapes are read, and a caller changing one must not change the next.
  return structuredClone(await parsed);
}

/**
 * The same template is pushed again and again (each test, each fleet member, each version with a new message), and
 * one parse in the WASM parser costs milliseconds of CPU where a copy of its result costs microseconds: the latest
 * results are kept, by file name and contents (the name is in Terraform's diagnostics).
 */
const parsedFiles = new Map<string, Promise<Json>>();
const PARSED_FILES_KEPT = 64;

async function parseHcl(path: string, source: string): Promise<Json> {
  const parse = await loadParser();
  try {
    return await parse(path, source);
  } catch (err) {
    // hcl2json reports "parse config: [<diagnostics>]"; keep Terraform's own diagnostic text.
    const message = String((err as Error).message ?? err).replace(/^parse config: \[(.*)\]$/s, "$1");
    throw new HclSyntaxError(message);
  }
}

/** Terraform's JSON syntax writes a single block body as an object; hcl2json always uses arrays. */
function normaliseJsonSyntax(doc: Json): Json {
  const wrap = (v: unknown) => (Array.isArray(v) ? v : [v]);
  const out: Json = {};
  for (const [kind, value] of Object.entries(doc)) {
    if (kind === "variable" || kind === "module" || kind === "output") {
      out[kind] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, wrap(v)]));
    } else if (kind === "resource" || kind === "data") {
      out[kind] = Object.fromEntries(
        Object.entries(value as Json).map(([type, byName]) => [
          type,
          Object.fromEntries(Object.entries(byName as Json).map(([k, v]) => [k, wrap(v)])),
        ]),
      );
    } else {
      out[kind] = value;
    }
  }
  return out;
}

/** One parsed Terraform file. */
export interface ParsedFile {
  path: string;
  source: string;
  doc: Json;
}

/** Parses every top-level Terraform file, in name order; throws {@link HclSyntaxError} on bad syntax. */
export async function parseTemplateFiles(files: ArchiveFile[]): Promise<ParsedFile[]> {
  const parsed: ParsedFile[] = [];
  const terraform = files
    .filter((f) => isTopLevelTerraform(f.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  for (const file of terraform) {
    parsed.push({
      path: file.path,
      source: Buffer.from(file.data).toString("utf8"),
      doc: await parseFile(file),
    });
  }
  return parsed;
}

/** Every block of a kind (`variable`, `module`, ...) as `[label, body]`, across files. */
export function blocks(docs: Json[], kind: string): [string, Json][] {
  const out: [string, Json][] = [];
  for (const doc of docs) {
    const group = doc[kind] as Record<string, Json[]> | undefined;
    for (const [label, bodies] of Object.entries(group ?? {}))
      for (const body of bodies) out.push([label, body]);
  }
  return out;
}

/** Every `resource` or `data` block of one type as `[name, body]`, across files. */
export function typedBlocks(docs: Json[], kind: "resource" | "data", type: string): [string, Json][] {
  const out: [string, Json][] = [];
  for (const doc of docs) {
    const group = (doc[kind] as Record<string, Record<string, Json[]>> | undefined)?.[type];
    for (const [label, bodies] of Object.entries(group ?? {}))
      for (const body of bodies) out.push([label, body]);
  }
  return out;
}

export const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
export const bool = (v: unknown, fallback: boolean): boolean => (typeof v === "boolean" ? v : fallback);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
export const firstBlock = (v: unknown): Json | undefined => (Array.isArray(v) ? (v[0] as Json) : undefined);

/** Terraform variable values as Coder hands them over: strings as they are, anything else JSON-encoded. */
function variableText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Where a block starts in its file: hcl2json loses source order, which Coder keeps for variables. */
function position(files: ParsedFile[], kind: string, name: string): [number, number] {
  const site = blockSite(files, kind, [name]);
  return site ? [site.index, site.offset] : [files.length, 0];
}

/**
 * Reads `variable` blocks as `convertTerraformVariable` does (required exactly when there is no default), sorted
 * by file and position as the provisioner does.
 */
export function readVariables(files: ParsedFile[]): TemplateVariable[] {
  const docs = files.map((f) => f.doc);
  const variables = blocks(docs, "variable").map(([name, body]): TemplateVariable => {
    const hasDefault = "default" in body && body.default !== null;
    const rawType = str(body.type).replace(/^\$\{(.*)\}$/, "$1");
    const type: TemplateVariable["type"] = rawType === "number" || rawType === "bool" ? rawType : "string";
    return {
      name,
      description: str(body.description),
      type,
      default_value: hasDefault ? variableText(body.default) : "",
      required: !hasDefault,
      sensitive: bool(body.sensitive, false),
    };
  });
  const key = (v: TemplateVariable) => position(files, "variable", v.name);
  return variables.sort((a, b) => {
    const [fa, pa] = key(a);
    const [fb, pb] = key(b);
    return fa - fb || pa - pb;
  });
}

/** Evaluates the few default expressions templates commonly use; anything else stays as written. */
export function evaluateDefault(value: unknown, variables: Map<string, string>): string {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  const text = str(value);
  const varRef = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(text);
  if (varRef && variables.has(varRef[1]!)) return variables.get(varRef[1]!)!;
  const encoded = /^\$\{jsonencode\((.*)\)\}$/s.exec(text);
  if (encoded) {
    try {
      return JSON.stringify(JSON.parse(encoded[1]!));
    } catch {
      return text;
    }
  }
  return text;
}

/** Resolves `${var.x}` and `${local.x}` in a string when they name literal values; the rest stays as written. */
export type Interpolate = (value: unknown) => string;

export function interpolator(docs: Json[], variables: Map<string, string>): Interpolate {
  const locals = new Map<string, unknown>();
  for (const doc of docs)
    for (const block of (doc.locals as Json[] | undefined) ?? [])
      for (const [k, v] of Object.entries(block)) locals.set(k, v);
  const resolve = (text: string, depth: number): string =>
    text.replace(/\$\{(var|local)\.([A-Za-z0-9_-]+)\}/g, (whole, kind: string, name: string) => {
      if (depth > 5) return whole;
      const value = kind === "var" ? variables.get(name) : locals.get(name);
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      return typeof value === "string" ? resolve(value, depth + 1) : whole;
    });
  return (value) =>
    typeof value === "string" ? resolve(value, 0) : value === undefined ? "" : variableText(value);
}
