// `pnpm pack` without a build shipped a package with no dist/: each package's prepack (scripts/prepack.mjs) builds
// first when its built entry is missing or older than what it is built from.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without types.
import { staleReason } from "../../scripts/prepack.mjs";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A checkout with these files, each with its modification time in seconds. */
function checkout(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), "spt-prepack-"));
  roots.push(root);
  for (const [path, seconds] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), "x");
    utimesSync(join(root, path), seconds, seconds);
  }
  return root;
}

describe("prepack", () => {
  it("builds when dist is missing", () => {
    const root = checkout({ "packages/sdk/src/index.ts": 100 });
    expect(staleReason("sdk", root)).toBe("packages/sdk/dist/index.js is missing");
  });

  it("builds when a source it is built from is newer, its own or another package's or the template", () => {
    const root = checkout({
      "packages/cli/dist/spt-coder.js": 200,
      "packages/cli/src/main.ts": 100,
      "packages/sdk/src/index.ts": 100,
      "template/main.tf": 300,
    });
    expect(staleReason("cli", root)).toBe("template/main.tf is newer than packages/cli/dist/spt-coder.js");
    utimesSync(join(root, "template/main.tf"), 100, 100);
    utimesSync(join(root, "packages/sdk/src/index.ts"), 300, 300);
    expect(staleReason("cli", root)).toBe(
      "packages/sdk/src/index.ts is newer than packages/cli/dist/spt-coder.js",
    );
  });

  it("packs an up-to-date build as it is", () => {
    const root = checkout({
      "packages/fake-coder/dist/bin.js": 200,
      "packages/fake-coder/src/bin.ts": 100,
      "packages/sdk/src/index.ts": 100,
    });
    expect(staleReason("fake-coder", root)).toBeUndefined();
  });
});
