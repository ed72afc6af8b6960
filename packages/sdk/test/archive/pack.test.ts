import { execFileSync } from "node:child_process";
import { chmod, chown, mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  DEFAULT_TEMPLATE_MTIME,
  packTemplate,
  TEMPLATE_ARCHIVE_LIMIT,
  TemplateArchiveError,
} from "../../src/archive/index.js";
import { CoderInvalidInputError } from "../../src/errors/base.js";
import { extract, field, headerBlocks, makeTree } from "./helpers.js";

function hasCommand(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function packError(dir: string): Promise<TemplateArchiveError> {
  const error = await packTemplate(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemplateArchiveError);
  return error as TemplateArchiveError;
}

describe("Coder's inclusion rules", () => {
  it("follows Coder's HiddenFiles matrix (provisionersdk/archive_test.go)", async () => {
    const dir = await makeTree({
      "1234.tf": "",
      ".1234": "",
      "testing/.test/1234.tf": "",
      "testing/asd.1234": "",
      ".terraform/.1234": "",
      "example/.terraform/1234": "",
      ".terraform.lock.hcl": "",
      "example/.terraform.lock.hcl": "",
      ".terraform/.terraform.lock.hcl": "",
      "terraform.tfstate": "",
      "terraform.tfvars": "",
      "terraform.tfvars.json": "{}",
      "1234.auto.tfvars": "",
      "1234.auto.tfvars.json": "{}",
    });
    const packed = await packTemplate(dir);
    expect(packed.files).toEqual([
      ".terraform.lock.hcl",
      "1234.tf",
      "example/",
      "example/.terraform.lock.hcl",
      "testing/",
      "testing/asd.1234",
    ]);
    expect((await extract(packed.bytes)).map((e) => e.name)).toEqual(packed.files);
  });

  it("skips anything whose path contains .tfstate, pruning such folders", async () => {
    const dir = await makeTree({
      "main.tf": "",
      "terraform.tfstate.backup": "x",
      "env/prod.tfstate": "x",
      "states.tfstate.d/dev/main.tf": "x",
      "env/keep.tf": "x",
    });
    expect((await packTemplate(dir)).files).toEqual(["env/", "env/keep.tf", "main.tf"]);
  });

  it("skips terraform.tfvars only at the top but *.auto.tfvars at any depth", async () => {
    const dir = await makeTree({
      "main.tf": "",
      "sub/terraform.tfvars": 'x = "1"',
      "sub/terraform.tfvars.json": "{}",
      "sub/x.auto.tfvars": 'y = "2"',
      "sub/x.auto.tfvars.json": "{}",
    });
    const packed = await packTemplate(dir);
    expect(packed.files).toEqual(["main.tf", "sub/", "sub/terraform.tfvars", "sub/terraform.tfvars.json"]);
    expect(packed.variables).toEqual([]); // nested variables files are not read, as in the CLI
  });

  it("drops the entry of a folder named like a variables file but keeps its contents, as Coder's walk does", async () => {
    const dir = await makeTree({ "main.tf": "", "terraform.tfvars/inner.txt": "x" });
    expect((await packTemplate(dir)).files).toEqual(["main.tf", "terraform.tfvars/inner.txt"]);
  });

  it("keeps empty folders and non-hidden junk such as node_modules", async () => {
    const dir = await makeTree({ "main.tf": "", empty: null, "node_modules/x/index.js": "1" });
    expect((await packTemplate(dir)).files).toEqual([
      "empty/",
      "main.tf",
      "node_modules/",
      "node_modules/x/",
      "node_modules/x/index.js",
    ]);
  });

  it("needs a .tf or .tf.json file at the top level", async () => {
    const dir = await makeTree({ "modules/main.tf": "", "README.md": "" });
    const error = await packError(dir);
    expect(error).toBeInstanceOf(CoderInvalidInputError);
    expect(error.message).toContain(`${dir} is not a valid template since it has no .tf or .tf.json file`);
    expect(error.message).toContain("(a template is the folder that holds main.tf)");
    expect(error.dir).toBe(dir);
    const json = await makeTree({ "main.tf.json": "{}" });
    expect((await packTemplate(json)).files).toEqual(["main.tf.json"]);
  });

  it("accepts a hidden top-level .tf for the check like Coder, but warns that no .tf was archived", async () => {
    const dir = await makeTree({ ".main.tf": "", "README.md": "" });
    const packed = await packTemplate(dir);
    expect(packed.files).toEqual(["README.md"]);
    expect(packed.warnings.join("\n")).toMatch(/No top-level \.tf/);
  });

  it("reports a missing folder and a file given as the folder", async () => {
    const dir = await makeTree({ "main.tf": "" });
    expect((await packError(join(dir, "nope"))).message).toMatch(
      /cannot be opened \(ENOENT: no such file or folder\)/,
    );
    expect((await packError(join(dir, "main.tf"))).message).toMatch(/is a file/);
  });
});

describe("archive format", () => {
  it("walks like Go's filepath.Walk: depth-first, names sorted by UTF-8 bytes", async () => {
    const dir = await makeTree({
      "b.tf": "",
      "a/z": "",
      "a/B/c": "",
      "a.tf": "",
      "A.tf": "",
      "é.tf": "",
      _x: "",
      "a-b": "",
    });
    expect((await packTemplate(dir)).files).toEqual([
      "A.tf",
      "_x",
      "a/",
      "a/B/",
      "a/B/c",
      "a/z",
      "a-b",
      "a.tf",
      "b.tf",
      "é.tf",
    ]);
  });

  it("writes plain ustar headers: magic, uid/gid 0, no owner names, fixed mtime, normalised modes", async () => {
    const dir = await makeTree({ "main.tf": "x", "run.sh": "#!/bin/sh", "sub/private": "p" });
    await chmod(join(dir, "run.sh"), 0o700);
    await chmod(join(dir, "sub/private"), 0o600);
    await chmod(join(dir, "sub"), 0o700);
    const packed = await packTemplate(dir);
    for (const header of headerBlocks(packed.bytes)) {
      expect(header.subarray(257, 265).toString("latin1")).toBe("ustar\u000000");
      expect(field(header, 265, 32)).toBe("");
      expect(field(header, 297, 32)).toBe("");
    }
    const entries = await extract(packed.bytes);
    expect(entries.map((e) => [e.name, e.type, e.mode.toString(8), e.uid, e.gid, e.mtime])).toEqual([
      ["main.tf", "file", "644", 0, 0, DEFAULT_TEMPLATE_MTIME],
      ["run.sh", "file", "755", 0, 0, DEFAULT_TEMPLATE_MTIME],
      ["sub/", "directory", "755", 0, 0, DEFAULT_TEMPLATE_MTIME],
      ["sub/private", "file", "644", 0, 0, DEFAULT_TEMPLATE_MTIME],
    ]);
    expect(entries[1]!.data.toString()).toBe("#!/bin/sh");
  });

  it("archives any exec bit as 0755", async () => {
    const dir = await makeTree({ "main.tf": "", u: "", g: "", o: "" });
    await chmod(join(dir, "u"), 0o744);
    await chmod(join(dir, "g"), 0o654);
    await chmod(join(dir, "o"), 0o645);
    const modes = (await extract((await packTemplate(dir)).bytes)).map((e) => [e.name, e.mode.toString(8)]);
    expect(modes).toEqual([
      ["g", "755"],
      ["main.tf", "644"],
      ["o", "755"],
      ["u", "755"],
    ]);
  });

  it("writes no end-of-archive blocks, like the CLI (an empty .tf is 512 bytes, 100 bytes make 1024)", async () => {
    expect((await packTemplate(await makeTree({ "main.tf": "" }))).size).toBe(512);
    const packed = await packTemplate(await makeTree({ "main.tf": "x".repeat(100) }));
    expect(packed.size).toBe(1024);
    expect(packed.bytes.length).toBe(1024);
  });

  it("honours SOURCE_DATE_EPOCH and rejects a malformed one", async () => {
    const dir = await makeTree({ "main.tf": "" });
    vi.stubEnv("SOURCE_DATE_EPOCH", "1700000000");
    try {
      expect((await extract((await packTemplate(dir)).bytes))[0]!.mtime).toBe(1_700_000_000);
      vi.stubEnv("SOURCE_DATE_EPOCH", "yesterday");
      expect((await packError(dir)).message).toMatch(/SOURCE_DATE_EPOCH="yesterday" is not a whole number/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("gives the same bytes and sha256 for the same tree with other mtimes, owners and non-exec modes", async () => {
    const spec = {
      "main.tf": 'resource "null" "x" {}',
      "scripts/run.sh": "echo hi",
      "scripts/data.txt": "d",
    };
    const first = await makeTree(spec);
    const second = await makeTree(spec);
    await chmod(join(first, "scripts/run.sh"), 0o755);
    await chmod(join(second, "scripts/run.sh"), 0o711);
    await chmod(join(first, "scripts/data.txt"), 0o644);
    await chmod(join(second, "scripts/data.txt"), 0o600);
    await chmod(join(second, "scripts"), 0o700);
    for (const path of ["main.tf", "scripts/run.sh", "scripts/data.txt", "scripts"]) {
      await utimes(join(second, path), 12345, 67890);
      await chown(join(second, path), 4321, 8765);
    }
    const [a, b] = [await packTemplate(first), await packTemplate(second)];
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(b.sha256).toBe(a.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.skipIf(!hasCommand("tar"))("is readable by GNU/BSD tar", async () => {
    const packed = await packTemplate(await makeTree({ "main.tf": "x", "sub/a": "y" }));
    const listing = execFileSync("tar", ["-tf", "-"], { input: Buffer.from(packed.bytes) }).toString();
    expect(listing.trim().split("\n")).toEqual(["main.tf", "sub/", "sub/a"]);
  });
});

describe("the 1 MiB limit", () => {
  // main.tf (empty) takes one header block; big takes a header plus its contents rounded up to 512.
  const treeOfSize = (bigSize: number) => makeTree({ "main.tf": "", "big.bin": Buffer.alloc(bigSize, 7) });

  it("accepts an archive one block under the limit", async () => {
    const packed = await packTemplate(await treeOfSize(TEMPLATE_ARCHIVE_LIMIT - 1024 - 512));
    expect(packed.size).toBe(TEMPLATE_ARCHIVE_LIMIT - 512);
    expect(packed.size).toBeLessThan(TEMPLATE_ARCHIVE_LIMIT);
  });

  it("rejects an archive of exactly 1,048,576 bytes, as Coder does", async () => {
    const error = await packError(await treeOfSize(TEMPLATE_ARCHIVE_LIMIT - 1024));
    expect(error.size).toBe(TEMPLATE_ARCHIVE_LIMIT);
    expect(error.message).toContain("would be 1,048,576 bytes");
    expect(error.message).toContain("smaller than 1,048,576 bytes (1 MiB)");
    // It is the CLI's packing limit (coder's TemplateArchiveLimit), not the server's: say so.
    expect(error.message).toContain("packing limit of this tool and of the coder CLI");
    expect(error.message).not.toContain("Coder only accepts");
  });

  it("is coder's TemplateArchiveLimit, exported from the package entry", async () => {
    const sdk = await import("../../src/index.js");
    expect(sdk.TEMPLATE_ARCHIVE_LIMIT).toBe(1_048_576);
  });

  it("counts the padding of the last block", async () => {
    const error = await packError(await treeOfSize(TEMPLATE_ARCHIVE_LIMIT - 1024 - 511));
    expect(error.size).toBe(TEMPLATE_ARCHIVE_LIMIT);
  });

  it("names the five largest files with their sizes", async () => {
    const spec: Record<string, Buffer | string> = { "main.tf": "" };
    const sizes = [300_000, 250_000, 200_000, 150_000, 100_000, 50_000, 10_000];
    sizes.forEach((size, i) => {
      spec[`data/file${i}.bin`] = Buffer.alloc(size);
    });
    const error = await packError(await makeTree(spec));
    expect(error.largestFiles).toEqual(
      sizes.slice(0, 5).map((size, i) => ({ name: `data/file${i}.bin`, size })),
    );
    expect(error.message).toContain(
      "Largest files: data/file0.bin (300,000 bytes), data/file1.bin (250,000 bytes), data/file2.bin (200,000 bytes), data/file3.bin (150,000 bytes), data/file4.bin (100,000 bytes).",
    );
    expect(error.message).not.toContain("file5");
  });
});

describe("long names", () => {
  it("uses the ustar prefix field, splitting at a slash", async () => {
    const deep = `${"d".repeat(80)}/${"e".repeat(60)}`;
    const file = `${deep}/${"f".repeat(90)}.tf`;
    const packed = await packTemplate(await makeTree({ "main.tf": "", [file]: "deep" }));
    expect(packed.files).toEqual([`${"d".repeat(80)}/`, `${deep}/`, file, "main.tf"]);
    const headers = headerBlocks(packed.bytes);
    expect(field(headers[1]!, 0, 100)).toBe(`${"e".repeat(60)}/`);
    expect(field(headers[1]!, 345, 155)).toBe("d".repeat(80));
    expect(field(headers[2]!, 0, 100)).toBe(`${"f".repeat(90)}.tf`);
    expect(field(headers[2]!, 345, 155)).toBe(deep);
    const entries = await extract(packed.bytes);
    expect(entries.map((e) => e.name)).toEqual(packed.files);
    expect(entries[2]!.data.toString()).toBe("deep");
  });

  it("refuses a name with a backslash, whose meaning depends on the provisioner's OS", async () => {
    const error = await packError(await makeTree({ "main.tf": "", "mod\\extra.tf": "" }));
    expect(error.path).toBe("mod\\extra.tf");
    expect(error.message).toBe(
      'The path "mod\\\\extra.tf" contains a backslash, which Coder\'s provisioner reads as part of the name on Linux but as a folder separator on Windows; rename it without "\\"',
    );
    const folder = await packError(await makeTree({ "main.tf": "", "a\\b/c.tf": "" }));
    expect(folder.path).toBe("a\\b/");
  });

  it("shortens a path of thousands of characters in the message, keeping it whole in the error's fields", async () => {
    const deep = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, "0")}${"d".repeat(98)}`).join(
      "/",
    );
    const root = join(await makeTree({ [`${deep}/README.md`]: "" }), deep);
    const error = await packError(root);
    expect(error.dir).toBe(root);
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toBe(
      `${root.slice(0, 40)}…${root.slice(-100)} (${root.length} characters) is not a valid template since it has no .tf or .tf.json file at its top level (a template is the folder that holds main.tf)`,
    );
  });

  it("fails clearly, naming the path, when no split fits", async () => {
    const long = `sub/${"n".repeat(101)}`;
    const error = await packError(await makeTree({ "main.tf": "", [long]: "" }));
    expect(error.path).toBe(long);
    expect(error.message).toContain(`The path "${long}" is too long for a ustar archive (105 bytes)`);
    // A folder entry carries its trailing slash, so a 100-byte folder name is already one byte too long.
    const folder = `${"a".repeat(100)}/x`;
    expect((await packError(await makeTree({ "main.tf": "", [folder]: "" }))).path).toBe(
      `${"a".repeat(100)}/`,
    );
    // "aaa…/bbb…/" still splits (prefix 99, name 100), its file cannot: 155 bytes is too short for both folders.
    const deep = `${"a".repeat(99)}/${"b".repeat(99)}/c`;
    expect((await packError(await makeTree({ "main.tf": "", [deep]: "" }))).path).toBe(deep);
  });
});

describe("special files", () => {
  it.skipIf(!hasCommand("mkfifo"))("skips a FIFO with a warning instead of blocking on it", async () => {
    const dir = await makeTree({ "main.tf": "" });
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const packed = await packTemplate(dir);
    expect(packed.files).toEqual(["main.tf"]);
    expect(packed.warnings).toEqual(['Skipped "pipe": it is a FIFO, not a regular file or folder']);
  });

  it("skips names that are not valid UTF-8, with a warning, and never enters such folders", async () => {
    const dir = await makeTree({ "main.tf": "" });
    const bad = Buffer.from([0x62, 0x61, 0x64, 0xff]);
    await writeFile(Buffer.concat([Buffer.from(`${dir}/`), bad, Buffer.from(".txt")]), "x");
    await mkdir(Buffer.concat([Buffer.from(`${dir}/dir`), bad]));
    const packed = await packTemplate(dir);
    expect(packed.files).toEqual(["main.tf"]);
    expect(packed.warnings).toHaveLength(2);
    for (const w of packed.warnings) expect(w).toMatch(/its name is not valid UTF-8; rename it/);
  });

  it("archives real UTF-8 names as UTF-8 bytes in the ustar name field", async () => {
    const packed = await packTemplate(await makeTree({ "main.tf": "", "données.txt": "é" }));
    expect((await extract(packed.bytes)).map((e) => e.name)).toEqual(["données.txt", "main.tf"]);
  });
});
