import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The SDK states facts; the CLI gives advice in its own words (report-rules.ts). A library user has no `--var` or
// `spt-coder push`, so no text the SDK produces may name a CLI flag or command: every string and template
// literal in src/ (comments aside) is read with TypeScript's own scanner.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const CLI_WORDS = /(?:^|[\s("'`=])--[a-z][a-z-]+|\bspt-coder [a-z]/;

/** The text of every string and template literal in `source`, with its line. */
function literals(file: string, source: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      const { line } = ts.getLineAndCharacterOfPosition(node.getSourceFile(), node.getStart());
      found.push({ line: line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true));
  return found;
}

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

describe("the SDK's messages name no CLI flag or command", () => {
  it("finds a planted one (the check can fail), in a string or a template, not in a comment", () => {
    const planted = [
      "// pass --var here",
      'const a = "pass each with --var name=value";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the planted source holds a template literal
      "const b = `run spt-coder push ${x} first`;",
    ].join("\n");
    const hits = literals("planted.ts", planted).filter((l) => CLI_WORDS.test(l.text));
    expect(hits.map((h) => h.line)).toEqual([2, 3]);
  });

  it("holds for every string in src/", () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(50);
    const hits = files.flatMap((file) =>
      literals(file, readFileSync(file, "utf8"))
        .filter((l) => CLI_WORDS.test(l.text))
        .map((l) => `${relative(SRC, file)}:${l.line}: ${l.text}`),
    );
    expect(hits).toEqual([]);
  });
});
