import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { at, block, type HclObject, loadTemplate } from "./helpers/template.js";

// kreuzwerker/docker's schema as @cdktf/provider-docker carries it: each resource's
// synthesizeAttributes() names its Terraform attributes and blocks, and each nested block has
// a <name>ToTerraform() function that names its own. No registry package carries the coder
// provider's schema, so only the docker side is checked here.
const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve("@cdktf/provider-docker/package.json"));

/** Attribute name -> nested block schema (or null for a plain attribute). */
type Schema = Map<string, Schema | null>;

/** The `key: value,` lines of the object literal returned right after `marker`. */
function returnedKeys(source: string, marker: string): Array<{ key: string; line: string }> {
  const start = source.indexOf(marker);
  if (start < 0) throw new Error(`${marker} not found in the provider package`);
  const body = source.slice(source.indexOf("return {", start) + "return {".length);
  const end = body.search(/\n\s*};/);
  return [...body.slice(0, end).matchAll(/^\s*([a-z0-9_]+): (.*)$/gm)].map((m) => ({
    key: m[1]!,
    line: m[2]!,
  }));
}

function schemaOf(source: string, marker: string): Schema {
  const schema: Schema = new Map();
  for (const { key, line } of returnedKeys(source, marker)) {
    const nested = /(?<!cdktf\.)\b([a-zA-Z0-9]+ToTerraform)\b/.exec(line)?.[1];
    schema.set(key, nested ? schemaOf(source, `function ${nested}(struct) {`) : null);
  }
  return schema;
}

function resourceSchema(folder: string): Schema {
  const source = readFileSync(join(PACKAGE_DIR, "lib", folder, "index.js"), "utf8");
  return schemaOf(source, "synthesizeAttributes() {");
}

const META_ARGUMENTS = new Set(["count", "for_each", "depends_on", "lifecycle", "provider"]);

/** Every attribute and block of an hcl2json block that the schema does not know, as paths. */
function unknown(block: HclObject, schema: Schema, path: string): string[] {
  const wrong: string[] = [];
  for (const [key, value] of Object.entries(block)) {
    if (META_ARGUMENTS.has(key) && path.split(".").length === 1) continue;
    if (key === "dynamic") {
      for (const [name, list] of Object.entries(value as HclObject)) {
        const nested = schema.get(name);
        if (!nested) wrong.push(`${path}.dynamic.${name}`);
        else
          wrong.push(
            ...unknown(((list as HclObject[])[0]!.content as HclObject[])[0]!, nested, `${path}.${name}`),
          );
      }
      continue;
    }
    if (!schema.has(key)) {
      wrong.push(`${path}.${key}`);
      continue;
    }
    const nested = schema.get(key);
    if (nested && Array.isArray(value)) {
      for (const item of value)
        if (item && typeof item === "object")
          wrong.push(...unknown(item as HclObject, nested, `${path}.${key}`));
    }
  }
  return wrong;
}

describe("main.tf against kreuzwerker/docker's schema (@cdktf/provider-docker)", () => {
  const container = resourceSchema("container");

  it("reads a schema that is inside the template's version range", async () => {
    const docs = readFileSync(join(PACKAGE_DIR, "lib", "container", "index.d.ts"), "utf8");
    const versions = new Set([...docs.matchAll(/kreuzwerker\/docker\/(\d+\.\d+\.\d+)\//g)].map((m) => m[1]));
    expect(versions.size).toBe(1);
    const [major, minor] = [...versions][0]!.split(".").map(Number);
    const range = String(
      at(block(block(await loadTemplate(), "terraform"), "required_providers"), "docker", "version"),
    );
    expect(range).toBe(">= 3.2.0, < 5.0.0");
    expect(major! > 3 || (major === 3 && minor! >= 2)).toBe(true);
    expect(major!).toBeLessThan(5);
  });

  it("knows every attribute and block of docker_container.workspace", async () => {
    const workspace = block(await loadTemplate(), "resource", "docker_container", "workspace");
    expect(unknown(workspace, container, "docker_container")).toEqual([]);
    // The two this issue relies on: upload files with a mode, and Docker's init as PID 1.
    expect((container.get("upload") as Schema).has("permissions")).toBe(true);
    expect(container.has("init")).toBe(true);
  });

  it("knows every attribute and block of docker_volume.home_volume and the provider", async () => {
    const template = await loadTemplate();
    const volume = block(template, "resource", "docker_volume", "home_volume");
    expect(unknown(volume, resourceSchema("volume"), "docker_volume")).toEqual([]);
    expect(unknown(block(template, "provider", "docker"), resourceSchema("provider"), "provider")).toEqual(
      [],
    );
  });

  it("fails on a name the provider does not have", () => {
    expect(unknown({ executable_bit: true, upload: [{ mode: "0755" }] }, container, "x")).toEqual([
      "x.executable_bit",
      "x.upload.mode",
    ]);
  });
});
