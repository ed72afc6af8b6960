import { chmod, symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packTemplate } from "../../src/archive/index.js";
import { extract, makeTree } from "./helpers.js";

async function treeWithLinks(links: Record<string, string>, spec: Record<string, string | null> = {}) {
  const dir = await makeTree({ "main.tf": "", "mod/inner.tf": "inner", "script.sh": "#!/bin/sh", ...spec });
  await chmod(join(dir, "script.sh"), 0o755);
  for (const [name, target] of Object.entries(links)) await symlink(target, join(dir, name));
  return dir;
}

describe("symlinks, by default", () => {
  it("skips every symlink with a warning", async () => {
    const dir = await treeWithLinks({ "link.sh": "script.sh", linkmod: "mod" });
    const packed = await packTemplate(dir);
    expect(packed.files).toEqual(["main.tf", "mod/", "mod/inner.tf", "script.sh"]);
    expect(packed.warnings).toEqual([
      'Skipped symlink "link.sh" -> "script.sh": symlinks are not archived (pass followSymlinks: true to archive what it points to inside the template folder)',
      'Skipped symlink "linkmod" -> "mod": symlinks are not archived (pass followSymlinks: true to archive what it points to inside the template folder)',
    ]);
  });

  it("applies the hidden rule to the link's own name first", async () => {
    const dir = await treeWithLinks({ ".hidden": "mod" });
    expect((await packTemplate(dir, { followSymlinks: true })).warnings).toEqual([]);
  });
});

describe("symlinks with followSymlinks", () => {
  it("archives a file link as a regular file under the link's name, with the target's mode", async () => {
    const dir = await treeWithLinks({ "link.sh": "script.sh" });
    const packed = await packTemplate(dir, { followSymlinks: true });
    const entries = await extract(packed.bytes);
    const link = entries.find((e) => e.name === "link.sh")!;
    expect([link.type, link.mode.toString(8), link.data.toString()]).toEqual(["file", "755", "#!/bin/sh"]);
    expect(packed.warnings).toEqual([]);
  });

  it("inlines a folder link", async () => {
    const dir = await treeWithLinks({ linkmod: "mod" });
    const packed = await packTemplate(dir, { followSymlinks: true });
    expect(packed.files).toEqual([
      "linkmod/",
      "linkmod/inner.tf",
      "main.tf",
      "mod/",
      "mod/inner.tf",
      "script.sh",
    ]);
    expect((await extract(packed.bytes)).find((e) => e.name === "linkmod/inner.tf")!.data.toString()).toBe(
      "inner",
    );
  });

  it("skips links that escape the folder, relative or absolute", async () => {
    const outside = await makeTree({ "secret.txt": "s", "dir/x": "x" });
    const dir = await treeWithLinks({
      "up.txt": join("..", outside.split("/").pop()!, "secret.txt"),
      abs: join(outside, "dir"),
      etc: "/etc",
    });
    const packed = await packTemplate(dir, { followSymlinks: true });
    expect(packed.files).toEqual(["main.tf", "mod/", "mod/inner.tf", "script.sh"]);
    expect(packed.warnings).toHaveLength(3);
    for (const w of packed.warnings) expect(w).toMatch(/points outside the template folder$/);
  });

  it("skips broken links", async () => {
    const dir = await treeWithLinks({ "gone.tf": "missing.tf" });
    const packed = await packTemplate(dir, { followSymlinks: true });
    expect(packed.files).not.toContain("gone.tf");
    expect(packed.warnings).toEqual([
      'Skipped symlink "gone.tf" -> "missing.tf": it is broken (its target does not exist)',
    ]);
  });

  it("detects loops through parent folders and terminates", async () => {
    const dir = await treeWithLinks({});
    await symlink("..", join(dir, "mod/up"));
    await symlink(".", join(dir, "mod/self"));
    await symlink("mod", join(dir, "again"));
    const packed = await packTemplate(dir, { followSymlinks: true });
    expect(packed.files).toEqual([
      "again/",
      "again/inner.tf",
      "main.tf",
      "mod/",
      "mod/inner.tf",
      "script.sh",
    ]);
    expect(packed.warnings).toEqual([
      'Skipped symlink "again/self" -> ".": it points to one of its own parent folders (a loop)',
      'Skipped symlink "again/up" -> "..": it points to one of its own parent folders (a loop)',
      'Skipped symlink "mod/self" -> ".": it points to one of its own parent folders (a loop)',
      'Skipped symlink "mod/up" -> "..": it points to one of its own parent folders (a loop)',
    ]);
  });

  it("allows a template folder that is itself reached through a symlink", async () => {
    const real = await makeTree({ "main.tf": "", "a/b": "b" });
    const holder = await makeTree({});
    await symlink(real, join(holder, "tpl"));
    await symlink("a", join(real, "alias"));
    const packed = await packTemplate(join(holder, "tpl"), { followSymlinks: true });
    expect(packed.files).toEqual(["a/", "a/b", "alias/", "alias/b", "main.tf"]);
  });
});
