/**
 * Reading uploaded template archives the way Coder's provisioner extracts them (`provisionersdk` Untar), and
 * converting zip uploads to tar the way `coderd/files.go` does.
 */
import { posix } from "node:path";
import { crc32, createInflateRaw } from "node:zlib";
import * as tar from "tar-stream";

/** Each extracted file is copied up to 10 MiB; the rest is cut off silently (provisionersdk). */
const MAX_FILE_BYTES = 10 << 20;

/** One regular file of an archive. */
export interface ArchiveFile {
  /** Cleaned, slash-separated path, e.g. `main.tf` or `scripts/setup.sh`. */
  path: string;
  data: Uint8Array;
}

/** Why extraction failed; the message is what lands in the job's `error`. */
export class ArchiveError extends Error {}

/**
 * Go's `filepath.IsLocal` on Linux, where provisioners run: not empty, not absolute, and no `..` escape after
 * cleaning. A backslash is an ordinary character there (`..\\x` is a file of that name). Names failing it make the
 * provisioner refuse the whole archive.
 */
export function isLocalPath(name: string): boolean {
  if (name === "" || name.startsWith("/")) return false;
  const cleaned = posix.normalize(name);
  return cleaned !== ".." && !cleaned.startsWith("../");
}

/**
 * Extracts the regular files of a tar. Directories are implied; symlinks and other entry types are ignored, as
 * the provisioner does. A missing end-of-archive marker is fine (the Coder CLI only flushes its writer).
 */
export async function readTar(data: Uint8Array): Promise<ArchiveFile[]> {
  const files: ArchiveFile[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: unknown) => {
        chunks.push(chunk as Buffer);
      });
      stream.on("end", () => {
        if (!isLocalPath(header.name)) {
          reject(new ArchiveError(`refusing to extract to non-local path "${header.name}"`));
          extract.destroy();
          return;
        }
        if (header.type === "file" || header.type === "contiguous-file") {
          const body = Buffer.concat(chunks);
          const path = posix.normalize(header.name);
          files.push({ path, data: body.subarray(0, MAX_FILE_BYTES) });
        }
        next();
      });
      stream.resume();
    });
    extract.on("finish", () => resolve());
    extract.on("error", (err: Error) => reject(new ArchiveError(`archive/tar: ${err.message}`)));
  });
  extract.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  await done;
  return files;
}

/** Builds a ustar archive (used to store zip uploads as tar). */
export async function writeTar(files: ArchiveFile[]): Promise<Uint8Array<ArrayBuffer>> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const finished = new Promise<void>((resolve, reject) => {
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  for (const file of files) {
    pack.entry({ name: file.path, size: file.data.byteLength, mode: 0o644 }, Buffer.from(file.data));
  }
  pack.finalize();
  await finished;
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * What went wrong converting a zip upload, as `coderd/files.go` answers it: a zip it cannot open is a 400, a
 * failure while converting it to tar a 500 with Go's error as the detail.
 */
export class ZipError extends Error {
  constructor(
    readonly status: 400 | 500,
    message: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

const notAZip = () => new ZipError(400, "Incomplete .zip archive file.", "zip: not a valid zip file");
const conversion = (detail: string) => new ZipError(500, "Internal error processing .zip archive.", detail);

/**
 * Converts a zip to a list of files (coderd's `archive.CreateTarFromZip`). Only stored and deflated entries are
 * supported, as Go's archive/zip does by default. `maxBytes` bounds each entry, not the whole: Go copies at most
 * that much of an entry into the tar (`io.CopyN`), so a longer entry makes the next tar header fail ("missed
 * writing"), and the last one is stored cut short.
 */
export async function readZip(data: Uint8Array, maxBytes: number): Promise<ArchiveFile[]> {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) throw notAZip();
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const files: ArchiveFile[] = [];
  let missed = 0;
  try {
    for (let i = 0; i < count; i++) {
      if (buf.readUInt32LE(offset) !== 0x02014b50) throw notAZip();
      const method = buf.readUInt16LE(offset + 10);
      const compressedSize = buf.readUInt32LE(offset + 20);
      const size = buf.readUInt32LE(offset + 24);
      const nameLength = buf.readUInt16LE(offset + 28);
      const extraLength = buf.readUInt16LE(offset + 30);
      const commentLength = buf.readUInt16LE(offset + 32);
      const localOffset = buf.readUInt32LE(offset + 42);
      const name = buf.toString("utf8", offset + 46, offset + 46 + nameLength);
      offset += 46 + nameLength + extraLength + commentLength;
      if (missed > 0) throw conversion(`archive/tar: missed writing ${missed} bytes`);
      if (name.endsWith("/")) continue;
      const localNameLength = buf.readUInt16LE(localOffset + 26);
      const localExtraLength = buf.readUInt16LE(localOffset + 28);
      const start = localOffset + 30 + localNameLength + localExtraLength;
      const raw = buf.subarray(start, start + compressedSize);
      if (raw.byteLength !== compressedSize) throw conversion("unexpected EOF");
      if (method !== 0 && method !== 8) throw conversion("zip: unsupported compression algorithm");
      const content = method === 0 ? raw.subarray(0, maxBytes) : await inflate(raw, maxBytes);
      missed = Math.max(0, size - maxBytes);
      files.push({ path: name, data: new Uint8Array(content) });
    }
  } catch (err) {
    if (err instanceof ZipError) throw err;
    throw notAZip();
  }
  return files;
}

/** Inflates at most `maxBytes` of a deflated entry; the rest is never read, as with `io.CopyN`. */
async function inflate(raw: Buffer, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = createInflateRaw();
  stream.end(raw);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const kept = chunk.subarray(0, maxBytes - total);
      chunks.push(kept);
      total += kept.byteLength;
      if (total >= maxBytes) break;
    }
  } catch {
    throw conversion("flate: corrupt input");
  }
  return Buffer.concat(chunks);
}

function findEndOfCentralDirectory(buf: Buffer): number {
  for (let i = buf.byteLength - 22; i >= Math.max(0, buf.byteLength - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return i;
  }
  return -1;
}

/** Writes a zip with stored (uncompressed) entries, for `GET /files/{id}?format=zip`. */
export function writeZip(files: ArchiveFile[]): Uint8Array<ArrayBuffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.path, "utf8");
    const data = Buffer.from(file.data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.byteLength, 18);
    local.writeUInt32LE(data.byteLength, 22);
    local.writeUInt16LE(name.byteLength, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.byteLength, 20);
    central.writeUInt32LE(data.byteLength, 24);
    central.writeUInt16LE(name.byteLength, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.byteLength + name.byteLength + data.byteLength;
  }
  const centralSize = centrals.reduce((n, b) => n + b.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}
