import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The module graph of each package, read from its sources: every relative `import` / `export ... from` and dynamic
// `import("./x.js")`, type-only ones too (a type-only cycle still tangles the layers). No cycle, and no source
// file over 300 lines (the generated API types aside), in the SDK, the CLI and the fake alike. Each package's
// own rules stay beside it: the SDK's layers (packages/sdk/test/client/layers.test.ts), the fake's type-only use
// of the SDK and its fenced expression language (packages/fake-coder/test/imports.test.ts).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PACKAGES = ["sdk", "cli", "fake-coder"] as const;
const MAX_LINES = 300;
const FROM =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?[^;]*?\s+from\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === "generated"
        ? []
        : sources(join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [join(dir, e.name)]
        : [],
  );
}

/** Each file's relative imports, as absolute paths of the `.ts` files they name. */
function graphOf(files: string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => [
      file,
      [...readFileSync(file, "utf8").matchAll(FROM)].map((m) =>
        resolve(dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, ".ts")),
      ),
    ]),
  );
}

/** The first import cycle found by depth-first search, as a list of nodes, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
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

describe("module graphs", () => {
  it("finds a planted cycle (the check can fail)", () => {
    const planted = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
    ]);
    expect(findCycle(planted)).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["b"]]]))).toBeUndefined();
  });

  describe.each(PACKAGES)("packages/%s/src", (name) => {
    const src = join(ROOT, "packages", name, "src");
    const files = sources(src);

    it("has no import cycle, type-only imports included", () => {
      const graph = graphOf(files);
      expect([...graph.values()].flat().length).toBeGreaterThan(20); // the scan found the imports at all
      const cycle = findCycle(graph)?.map((f) => relative(src, f));
      expect(cycle, `import cycle: ${cycle?.join(" -> ")}`).toBeUndefined();
    });

    it(`has no source file over ${MAX_LINES} lines`, () => {
      const long = files
        .map((f) => ({ file: relative(src, f), lines: readFileSync(f, "utf8").split("\n").length - 1 }))
        .filter((f) => f.lines > MAX_LINES)
        .map((f) => `${f.file} (${f.lines})`);
      expect(long).toEqual([]);
    });
  });
});
