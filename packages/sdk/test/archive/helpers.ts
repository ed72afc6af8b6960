import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tar from "tar-stream";

/** A tree to create: path → file contents (string or bytes), or `null` for an empty folder. */
export type TreeSpec = Record<string, string | Uint8Array | null>;

const created: string[] = [];

/** After every test (tests/support/per-file-hooks.ts registers it): removes the folders made by the test. */
export async function removeTempDirs(): Promise<void> {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** A fresh temp folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spt-archive-"));
  created.push(dir);
  return dir;
}

/** Creates the tree in a fresh temp folder and returns the folder. */
export async function makeTree(spec: TreeSpec, into?: string): Promise<string> {
  const dir = into ?? (await tempDir());
  for (const [path, content] of Object.entries(spec)) {
    const full = join(dir, path);
    if (content === null) {
      await mkdir(full, { recursive: true });
    } else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }
  return dir;
}

/** One entry read back with tar-stream, an implementation independent of the writer under test. */
export interface ExtractedEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  data: Buffer;
}

export async function extract(bytes: Uint8Array): Promise<ExtractedEntry[]> {
  const entries: ExtractedEntry[] = [];
  const ex = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        entries.push({
          name: header.name,
          type: header.type ?? "file",
          mode: header.mode ?? -1,
          uid: header.uid ?? -1,
          gid: header.gid ?? -1,
          uname: header.uname ?? "",
          gname: header.gname ?? "",
          mtime: Math.round((header.mtime?.getTime() ?? -1) / 1000),
          data: Buffer.concat(chunks),
        });
        next();
      });
      stream.on("error", reject);
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
  });
  ex.end(Buffer.from(bytes));
  await done;
  return entries;
}

/** The 512-byte header blocks of an archive written by packTemplate (headers and padded contents). */
export function headerBlocks(bytes: Uint8Array): Buffer[] {
  const buf = Buffer.from(bytes);
  const headers: Buffer[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const header = buf.subarray(offset, offset + 512);
    headers.push(header);
    const size = Number.parseInt(header.subarray(124, 136).toString("latin1").replace(/\0.*$/, ""), 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return headers;
}

/** Reads a NUL-terminated text field from a header. */
export function field(header: Buffer, offset: number, size: number): string {
  return header
    .subarray(offset, offset + size)
    .toString("utf8")
    .replace(/\0[\s\S]*$/, "");
}
