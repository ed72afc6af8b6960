// No file outside the template folder can reach what is uploaded, through symlinks or names. Random template
// trees mix regular files, tricky names, and symlinks of every kind (absolute and relative links out of the
// folder, to files and folders, chains through an inside link, loops, broken links, `/`, variables files that
// point outside); outside files carry a marker in their name and contents. With symlinks skipped (the default)
// and followed, the archive and the variables never hold the marker, every entry name is a plain relative path,
// and every archived file resolves to a file inside the folder.
// (packages/sdk/test/archive/symlinks.test.ts has the hand-written cases this generalises.)
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { packTemplate, TemplateArchiveError } from "@spt-coder/sdk";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { extract } from "../../packages/sdk/test/archive/helpers.js";

const MARK = `outside-${randomBytes(8).toString("hex")}`;
const scratch = mkdtempSync(join(tmpdir(), "spt-escape-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What lives outside every generated template folder. */
const outside = join(scratch, "outside");
mkdirSync(join(outside, "dir"), { recursive: true });
writeFileSync(join(outside, `${MARK}.txt`), `${MARK}\n`);
writeFileSync(join(outside, "dir", `${MARK}.tf`), `# ${MARK}\n`);
writeFileSync(join(outside, "vars.tfvars"), `stolen = "${MARK}"\n`);
writeFileSync(join(outside, "vars.json"), JSON.stringify({ stolen: MARK }));

type Target =
  | "outside-file-abs"
  | "outside-file-rel"
  | "outside-dir-abs"
  | "outside-dir-rel"
  | "outside-via-inside-link"
  | "outside-tfvars"
  | "root"
  | "parent"
  | "self"
  | "inside-file"
  | "broken"
  | "slash";

type Node = { file: string } | { link: Target } | { dir: Tree };
interface Tree {
  [name: string]: Node;
}

const names = fc.constantFrom(
  "a",
  "..a",
  "a..",
  "...",
  "-rf",
  "a\\..\\b",
  "sp ace",
  "ü",
  "x.tf",
  ".hidden",
  "%2e%2e",
  "a:b",
  "new\nline",
  "terraform.tfvars",
  "terraform.tfvars.json",
  "v.auto.tfvars",
);
const target = fc.constantFrom<Target>(
  "outside-file-abs",
  "outside-file-rel",
  "outside-dir-abs",
  "outside-dir-rel",
  "outside-via-inside-link",
  "outside-tfvars",
  "root",
  "parent",
  "self",
  "inside-file",
  "broken",
  "slash",
);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.dictionary(
    names,
    fc.oneof(
      { depthSize: "small" },
      fc.record({ file: fc.string({ maxLength: 20 }) }),
      fc.record({ link: target }),
      fc.record({ dir: tie("tree") }),
    ),
    { maxKeys: 5 },
  ) as fc.Arbitrary<Tree>,
}));

let count = 0;

/** Writes a template folder (main.tf plus the tree) and returns it. */
function write(spec: Tree): string {
  const root = join(scratch, `t${count++}`);
  mkdirSync(root);
  writeFileSync(join(root, "main.tf"), "# main\n");
  // An inside link that leads out, for chains.
  symlinkSync(join(outside, "dir"), join(root, "hop"));
  const visit = (dir: string, node: Tree) => {
    for (const [name, child] of Object.entries(node)) {
      const path = join(dir, name);
      if ("file" in child) {
        // Variables files must parse; their values never come from outside here.
        const data = name.endsWith(".json") ? "{}" : name.includes("tfvars") ? "" : child.file;
        writeFileSync(path, data);
      } else if ("dir" in child) {
        mkdirSync(path);
        visit(path, child.dir);
      } else {
        symlinkSync(linkTarget(child.link, root, dir, name), path);
      }
    }
  };
  visit(root, spec);
  return root;
}

function linkTarget(kind: Target, root: string, dir: string, name: string): string {
  switch (kind) {
    case "outside-file-abs":
      return join(outside, `${MARK}.txt`);
    case "outside-file-rel":
      return relative(dir, join(outside, `${MARK}.txt`));
    case "outside-dir-abs":
      return join(outside, "dir");
    case "outside-dir-rel":
      return relative(dir, join(outside, "dir"));
    case "outside-via-inside-link":
      return relative(dir, join(root, "hop"));
    case "outside-tfvars":
      return join(outside, name.endsWith(".json") ? "vars.json" : "vars.tfvars");
    case "root":
      return root;
    case "parent":
      return "..";
    case "self":
      return name;
    case "inside-file":
      return relative(dir, join(root, "main.tf"));
    case "broken":
      return join(dir, "does-not-exist");
    case "slash":
      return "/";
  }
}

async function checkPack(root: string, followSymlinks: boolean): Promise<void> {
  let packed: Awaited<ReturnType<typeof packTemplate>>;
  try {
    packed = await packTemplate(root, { followSymlinks });
  } catch (error) {
    // A tree may legitimately be refused (a name too long for ustar); never with outside data in the message.
    expect(error).toBeInstanceOf(TemplateArchiveError);
    expect((error as Error).message).not.toContain(MARK);
    return;
  }
  expect(Buffer.from(packed.bytes).includes(MARK)).toBe(false);
  expect(JSON.stringify(packed.variables)).not.toContain(MARK);
  const realRoot = realpathSync(root);
  const dest = join(scratch, "extract-here");
  for (const entry of await extract(packed.bytes)) {
    const name = entry.name.replace(/\/$/, "");
    expect(isAbsolute(name), entry.name).toBe(false);
    expect(name.split("/"), entry.name).not.toContain("..");
    expect(name.split("/"), entry.name).not.toContain("");
    // Extracted anywhere, it stays there.
    const landing = resolve(dest, name);
    expect(landing === dest || landing.startsWith(dest + sep), entry.name).toBe(true);
    // And what it holds comes from inside the folder.
    const real = realpathSync(join(root, name));
    expect(real === realRoot || real.startsWith(realRoot + sep), `${entry.name} -> ${real}`).toBe(true);
  }
}

describe("nothing outside the template folder reaches the archive", () => {
  it("holds for random trees of files, odd names and symlinks, followed or not", async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (spec) => {
        const root = write(spec);
        await checkPack(root, false);
        await checkPack(root, true);
      }),
      { numRuns: 150 },
    );
  });

  it("the generator does produce links out of the folder (so the property is not vacuous)", () => {
    const root = write({ x: { link: "outside-file-abs" }, y: { dir: { z: { link: "outside-dir-rel" } } } });
    expect(realpathSync(join(root, "x"))).toBe(realpathSync(join(outside, `${MARK}.txt`)));
    expect(dirname(realpathSync(join(root, "y", "z", `${MARK}.tf`)))).toBe(
      realpathSync(join(outside, "dir")),
    );
  });
});
