/**
 * A minimal, deterministic ustar writer: regular files and folders only, numeric fields in octal, no user or
 * group names, and no pax or GNU extensions (Coder's upload docs say pax "may cause problems").
 */

import { ArchiveEncodingError } from "../errors/archive.js";
export const BLOCK = 512;
const NAME_MAX = 100;
const PREFIX_MAX = 155;

/** One entry as it goes into the archive. */
export interface UstarEntry {
  /** Forward slashes; folders end with `/`. */
  name: string;
  /** 0o644, 0o755, ... */
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** File contents; absent for folders. */
  data?: Uint8Array | undefined;
}

/** Bytes the entry takes in the archive: one header plus the contents rounded up to whole blocks. */
export function entrySize(dataSize: number): number {
  return BLOCK + Math.ceil(dataSize / BLOCK) * BLOCK;
}

/**
 * Splits a name into ustar's `prefix` (155 bytes) and `name` (100 bytes) at a `/`, choosing the last slash
 * that fits, as Go's archive/tar does. Returns undefined when no split works.
 */
export function splitName(name: string): { prefix: string; name: string } | undefined {
  const bytes = Buffer.from(name, "utf8");
  if (bytes.length <= NAME_MAX) return { prefix: "", name };
  // A folder's trailing slash belongs to the name part, so it is never the split point.
  const searchEnd = Math.min(bytes.length - 1, PREFIX_MAX + 1);
  const slash = bytes.subarray(0, searchEnd).lastIndexOf(0x2f);
  if (slash <= 0 || bytes.length - slash - 1 > NAME_MAX) return undefined;
  // Splitting at an ASCII "/" never cuts a multi-byte UTF-8 sequence.
  return {
    prefix: bytes.subarray(0, slash).toString("utf8"),
    name: bytes.subarray(slash + 1).toString("utf8"),
  };
}

/** Writes one 512-byte header at `offset` of `out`. The name must have passed {@link splitName}. */
export function writeHeader(out: Uint8Array, offset: number, entry: UstarEntry): void {
  const parts = splitName(entry.name);
  if (!parts) throw new ArchiveEncodingError(`name too long for ustar: ${entry.name}`);
  const header = out.subarray(offset, offset + BLOCK);
  header.fill(0);
  const isDir = entry.name.endsWith("/");
  writeText(header, 0, NAME_MAX, parts.name);
  writeOctal(header, 100, 8, entry.mode);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, isDir ? 0 : (entry.data?.length ?? 0));
  writeOctal(header, 136, 12, entry.mtime);
  header.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  header[156] = isDir ? 0x35 : 0x30; // typeflag '5' or '0'
  writeText(header, 257, 6, "ustar\0");
  writeText(header, 263, 2, "00");
  // uname (265) and gname (297) stay empty: owners differ between machines.
  writeOctal(header, 329, 8, 0); // devmajor
  writeOctal(header, 337, 8, 0); // devminor
  writeText(header, 345, PREFIX_MAX, parts.prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  writeOctal(header, 148, 7, sum);
  header[155] = 0x20;
}

function writeText(header: Uint8Array, at: number, size: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > size) throw new ArchiveEncodingError(`ustar field overflow: ${text}`);
  header.set(bytes, at);
}

/** Zero-padded octal followed by a NUL, the way Go and GNU tar write numeric fields. */
function writeOctal(header: Uint8Array, at: number, size: number, value: number): void {
  const digits = value.toString(8).padStart(size - 1, "0");
  if (digits.length > size - 1) throw new ArchiveEncodingError(`ustar numeric field overflow: ${value}`);
  writeText(header, at, size, `${digits}\0`);
}
