import { execFileSync } from "node:child_process";
import { mkdir, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { packTemplate, TemplateArchiveError } from "../../src/archive/index.js";
import { makeTree } from "./helpers.js";

// Tests run as root, so chmod 000 proves nothing. Instead every path the packer hands to node:fs (the walk and
// the reads are synchronous) or node:fs/promises (tfvars) is recorded, and a failure can be injected for a path.
const fsLog = vi.hoisted(() => ({ paths: [] as string[], failOn: undefined as string | undefined }));

const denied = vi.hoisted(
  () => (path: string) =>
    Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" }),
);

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const spy =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      const path = String(args[0]);
      fsLog.paths.push(`${name} ${path}`);
      if (fsLog.failOn === path) throw denied(path);
      return fn(...args);
    };
  return {
    ...real,
    readdirSync: spy("readdir", real.readdirSync),
    readFileSync: spy("readFile", real.readFileSync),
    statSync: spy("stat", real.statSync),
    lstatSync: spy("lstat", real.lstatSync),
    realpathSync: spy("realpath", real.realpathSync),
    readlinkSync: spy("readlink", real.readlinkSync),
  };
});

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const spy =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const path = String(args[0]);
      fsLog.paths.push(`${name} ${path}`);
      if (fsLog.failOn === path) return Promise.reject(denied(path));
      return fn(...args);
    };
  return {
    ...real,
    readFile: spy("readFile", real.readFile),
    stat: spy("stat", real.stat),
    realpath: spy("realpath", real.realpath),
  };
});

beforeEach(() => {
  fsLog.paths.length = 0;
  fsLog.failOn = undefined;
});

describe("ignored folders are never read", () => {
  it("does not list, stat or open anything inside .terraform/ (200 MB provider cache, a FIFO)", async () => {
    const dir = await makeTree({ "main.tf": "", ".terraform/providers/x/p.bin": "", "sub/.git/HEAD": "x" });
    await truncate(join(dir, ".terraform/providers/x/p.bin"), 200 * 1024 * 1024); // sparse, no disk used
    execFileSync("mkfifo", [join(dir, ".terraform/pipe")]); // opening it would hang the test
    const packed = await packTemplate(dir, { followSymlinks: true });
    expect(packed.files).toEqual(["main.tf", "sub/"]);
    expect(fsLog.paths.length).toBeGreaterThan(0);
    expect(fsLog.paths.filter((p) => p.includes(".terraform") || p.includes(".git"))).toEqual([]);
  });

  it("does not read the contents of an oversized archive", async () => {
    const dir = await makeTree({ "main.tf": "" });
    await writeFile(join(dir, "huge.bin"), Buffer.alloc(2 * 1024 * 1024));
    await expect(packTemplate(dir)).rejects.toThrow(/Largest files: huge\.bin \(2,097,152 bytes\)/);
    expect(fsLog.paths.filter((p) => p.startsWith("readFile"))).toEqual([]);
  });
});

describe("unreadable files", () => {
  it("names an unreadable file", async () => {
    const dir = await makeTree({ "main.tf": "", "sub/secret.tf": "x" });
    fsLog.failOn = join(dir, "sub/secret.tf");
    const error = await packTemplate(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateArchiveError);
    expect((error as TemplateArchiveError).path).toBe("sub/secret.tf");
    expect((error as Error).message).toBe(
      `Cannot read "sub/secret.tf" in ${dir} (EACCES: permission denied); make it readable, or move it out of the template folder`,
    );
  });

  it("names an unreadable folder", async () => {
    const dir = await makeTree({ "main.tf": "" });
    await mkdir(join(dir, "locked"));
    fsLog.failOn = join(dir, "locked");
    await expect(packTemplate(dir)).rejects.toThrow(
      /Cannot read the folder "locked" \(EACCES: permission denied\)/,
    );
  });
});
