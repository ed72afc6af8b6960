import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The SDK reads top to bottom: generated types and the error hierarchy (errors/) → transport (client/) → resources → the assembled client
// (coder-client.ts) → jobs, exec, parameters, archive and flows. A lower layer never imports a higher one, even for a
// type, so each can be read (and tested) without the ones above it.
const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
const ABOVE: Record<string, string[]> = {
  errors: [
    "client",
    "resources",
    "coder-client.ts",
    "flows",
    "jobs",
    "exec",
    "parameters",
    "archive",
    "index.ts",
  ],
  client: ["resources", "coder-client.ts", "flows", "jobs", "exec", "parameters", "archive", "index.ts"],
  resources: ["coder-client.ts", "flows", "jobs", "exec", "parameters", "archive", "index.ts"],
};

/** Every relative import specifier of every `.ts` file under `dir`, with the layer (top folder or file) it names. */
function importsOf(dir: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      const target = relative(src, resolve(dirname(file), match[1] as string)).replace(/\.js$/, ".ts");
      found.push({ file: relative(src, file), target });
    }
  }
  return found;
}

describe("SDK layers", () => {
  for (const [layer, above] of Object.entries(ABOVE)) {
    it(`${layer}/ imports nothing from the layers above it`, () => {
      const imports = importsOf(join(src, layer));
      expect(imports.length).toBeGreaterThan(0); // the scan found the layer's imports at all
      const upward = imports.filter(({ target }) => above.includes(target.split("/")[0] as string));
      expect(upward).toEqual([]);
    });
  }
});
