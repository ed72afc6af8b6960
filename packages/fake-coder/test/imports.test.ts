import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The fake's module graph read from its sources: every relative `import`/`export ... from` (type-only ones too,
 * since a type-only cycle still tangles the layers), so the layering is checked without a bundler.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const FROM = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const files = sources(SRC);
const text = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));

function edges(file: string): string[] {
  return [...text.get(file)!.matchAll(FROM)]
    .map((m) => m[4]!)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
}

// Cycles and the 300-line cap are checked for every package by tests/modules/graph.test.ts.
describe("the fake's module graph", () => {
  it("keeps the expression language to itself: expressions/ imports nothing outside its folder", () => {
    const language = join(SRC, "expressions");
    const inside = files.filter((f) => f.startsWith(`${language}/`));
    expect(inside.length).toBeGreaterThan(0);
    const outward = inside.flatMap((f) =>
      edges(f)
        .filter((target) => !target.startsWith(`${language}/`))
        .map((target) => `${relative(SRC, f)} -> ${relative(SRC, target)}`),
    );
    expect(outward).toEqual([]);
  });

  it("imports only types from @spt-coder/sdk", () => {
    const value = files.flatMap((f) =>
      [...text.get(f)!.matchAll(FROM)]
        .filter((m) => m[4] === "@spt-coder/sdk" && !m[2])
        .map(() => relative(SRC, f)),
    );
    expect(value).toEqual([]);
  });
});
