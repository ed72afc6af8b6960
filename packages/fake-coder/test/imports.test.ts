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

/** The first import cycle found by depth-first search, as a list of paths relative to src, or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = stack.indexOf(node);
    if (at >= 0) return [...stack.slice(at), node];
    if (done.has(node)) return undefined;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("the fake's module graph", () => {
  it("finds a planted cycle (the check can fail)", () => {
    const planted = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
    ]);
    expect(findCycle(planted)).toEqual(["a", "b", "c", "a"]);
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toBeUndefined();
  });

  it("has no import cycle, type-only imports included", () => {
    const graph = new Map(files.map((f) => [f, edges(f)]));
    const cycle = findCycle(graph)?.map((f) => relative(SRC, f));
    expect(cycle, `import cycle: ${cycle?.join(" -> ")}`).toBeUndefined();
  });

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

  it("has no source file over 300 lines", () => {
    const long = files
      .map((f) => ({ file: relative(SRC, f), lines: text.get(f)!.split("\n").length - 1 }))
      .filter((f) => f.lines > 300)
      .map((f) => f.file);
    expect(long).toEqual([]);
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
