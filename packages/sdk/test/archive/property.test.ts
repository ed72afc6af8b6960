import { chmod, utimes } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packTemplate } from "../../src/archive/index.js";
import { extract, makeTree, type TreeSpec } from "./helpers.js";

/** A generated folder: names map to a file (contents + exec bit) or a sub-folder. */
interface GenDir {
  [name: string]: GenFile | GenDir;
}
interface GenFile {
  data: Uint8Array;
  exec: boolean;
}
const isFile = (v: GenFile | GenDir): v is GenFile => v.data instanceof Uint8Array;

const names = fc.constantFrom(
  "a",
  "B",
  "b.tf",
  "é",
  "a.b",
  ".hidden",
  ".terraform",
  ".terraform.lock.hcl",
  "x.tfstate",
  "s.tfstate.backup",
  "terraform.tfvars",
  "terraform.tfvars.json",
  "v.auto.tfvars",
  "w.auto.tfvars.json",
  "node_modules",
);
const file = fc.record({ data: fc.uint8Array({ maxLength: 1500 }), exec: fc.boolean() });
const { dir } = fc.letrec<{ dir: GenDir }>((tie) => ({
  dir: fc.dictionary(names, fc.oneof({ depthSize: "small", withCrossShrink: true }, file, tie("dir")), {
    maxKeys: 5,
  }) as fc.Arbitrary<GenDir>,
}));
const template = dir.map(
  (d): GenDir => ({ ...d, "main.tf": { data: new TextEncoder().encode("# main"), exec: false } }),
);

/** Variables files are parsed, so generated ones get valid empty contents. */
function contentsFor(name: string, data: Uint8Array): Uint8Array | string {
  if (name.endsWith(".tfvars.json")) return "{}";
  if (name.endsWith(".tfvars")) return "";
  return data;
}

async function writeTree(tree: GenDir, into?: string): Promise<string> {
  const spec: TreeSpec = {};
  const execs: string[] = [];
  const visit = (d: GenDir, prefix: string) => {
    for (const [name, v] of Object.entries(d)) {
      const path = prefix + name;
      if (isFile(v)) {
        spec[path] = contentsFor(name, v.data);
        if (v.exec) execs.push(path);
      } else {
        spec[path] = null;
        visit(v, `${path}/`);
      }
    }
  };
  visit(tree, "");
  const root = await makeTree(spec, into);
  for (const path of execs) await chmod(join(root, path), 0o755);
  return root;
}

interface Expected {
  name: string;
  data?: Buffer;
  mode: number;
}

/** Coder's rules restated per path: the oracle the packer is checked against. */
function expectedEntries(tree: GenDir): Expected[] {
  const out: Expected[] = [];
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const visit = (d: GenDir, parts: string[]) => {
    for (const name of Object.keys(d).sort(byBytes)) {
      const v = d[name]!;
      const path = [...parts, name].join("/");
      if (name.startsWith(".") && name !== ".terraform.lock.hcl") continue; // prunes hidden folders too
      if (path.includes(".tfstate")) continue;
      const varsFile = /^terraform\.tfvars(\.json)?$|\.auto\.tfvars(\.json)?$/.test(path);
      if (isFile(v)) {
        if (!varsFile)
          out.push({
            name: path,
            data: Buffer.from(contentsFor(name, v.data)),
            mode: v.exec ? 0o755 : 0o644,
          });
      } else {
        if (!varsFile) out.push({ name: `${path}/`, mode: 0o755 });
        visit(v, [...parts, name]);
      }
    }
  };
  visit(tree, []);
  return out;
}

describe("packTemplate properties", () => {
  it("extracting the archive gives back exactly the included files, bytes and modes", async () => {
    await fc.assert(
      fc.asyncProperty(template, async (tree) => {
        const packed = await packTemplate(await writeTree(tree));
        const got = (await extract(packed.bytes)).map((e) =>
          e.type === "directory"
            ? { name: e.name, mode: e.mode }
            : { name: e.name, data: e.data, mode: e.mode },
        );
        expect(got).toEqual(expectedEntries(tree));
        expect(packed.files).toEqual(got.map((e) => e.name));
        expect(packed.size).toBe(packed.bytes.length);
        expect(packed.size % 512).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("the same tree always packs to the same sha256, whatever the mtimes", async () => {
    await fc.assert(
      fc.asyncProperty(template, fc.integer({ min: 0, max: 2_000_000_000 }), async (tree, mtime) => {
        const first = await writeTree(tree);
        const second = await writeTree(tree);
        await utimes(join(second, "main.tf"), mtime, mtime);
        await utimes(second, mtime, mtime);
        const [a, b] = [await packTemplate(first), await packTemplate(second)];
        expect(b.sha256).toBe(a.sha256);
        expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
