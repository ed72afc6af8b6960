import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertFiles } from "@cdktn/hcl2json";

/** The Coder template folder that `spt-coder up` pushes. */
export const TEMPLATE_DIR = fileURLToPath(new URL("../../../template/", import.meta.url));
/** The template's shell scripts, copied into the container by `docker_container.upload`. */
export const SCRIPTS_DIR = join(TEMPLATE_DIR, "scripts");

/** A block or object as `@cdktn/hcl2json` returns it. */
export type HclObject = Record<string, unknown>;

let parsed: Promise<HclObject> | undefined;

/** All top-level `.tf` files of the template, merged and parsed by a real HCL parser. */
export function loadTemplate(): Promise<HclObject> {
  parsed ??= convertFiles(TEMPLATE_DIR);
  return parsed;
}

function isObject(value: unknown): value is HclObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Walks object keys; throws with the path when a step is missing, so failures read well. */
export function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const [i, key] of path.entries()) {
    if (!isObject(current) || !(key in current)) {
      throw new Error(`missing ${path.slice(0, i + 1).join(".")}`);
    }
    current = current[key];
  }
  return current;
}

/** The blocks at `path` (hcl2json gives every block as an array entry). */
export function blocks(node: unknown, ...path: string[]): HclObject[] {
  const value = at(node, ...path);
  if (!Array.isArray(value) || !value.every(isObject))
    throw new Error(`${path.join(".")} is not a block list`);
  return value;
}

/** The one block at `path`; throws when there are none or several. */
export function block(node: unknown, ...path: string[]): HclObject {
  const list = blocks(node, ...path);
  if (list.length !== 1) throw new Error(`${path.join(".")} has ${list.length} blocks, expected 1`);
  return list[0]!;
}

/** Nested blocks of a block (empty when absent). */
export function children(parent: HclObject, name: string): HclObject[] {
  return name in parent ? blocks(parent, name) : [];
}

/** The merged `locals` of the template. */
export async function templateLocals(): Promise<Record<string, unknown>> {
  const all = blocks(await loadTemplate(), "locals");
  return Object.assign({}, ...all);
}

/**
 * Replaces each `local.name` in an expression with that local's own expression, recursively,
 * so a test can see which inputs a value really depends on.
 */
export function expandLocals(expression: string, locals: Record<string, unknown>, depth = 0): string {
  if (depth > 10) throw new Error("locals nest too deep (cycle?)");
  return expression.replace(/local\.([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = locals[name];
    if (value === undefined) throw new Error(`unknown local.${name}`);
    return `(${expandLocals(String(value), locals, depth + 1)})`;
  });
}

/** The shell scripts of the template, as absolute paths. */
export function scriptFiles(): string[] {
  return readdirSync(SCRIPTS_DIR)
    .filter((name) => name.endsWith(".sh"))
    .sort()
    .map((name) => join(SCRIPTS_DIR, name));
}

/** The text of a template file, by path relative to the template folder. */
export function templateText(relative: string): string {
  return readFileSync(join(TEMPLATE_DIR, relative), "utf8");
}

/** The absolute path of an executable on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  const found = spawnSync("bash", ["-c", 'command -v -- "$1"', "find-tool", name], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path !== "" ? path : undefined;
}

/** Prints a skip notice that stands out in CI logs; a silent skip would look like a pass. */
export function announceSkip(what: string, why: string): void {
  const line = "!".repeat(100);
  console.warn(`\n${line}\n!!! SKIPPED: ${what}\n!!! because ${why}\n${line}\n`);
}
