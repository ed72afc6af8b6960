import { createHash } from "node:crypto";
// The walk and the reads are synchronous on purpose: an archive is at most 1 MiB and ignored folders are never
// entered, so the work is small, and one `fs/promises` round trip per file made packing several times slower
// than GNU tar (see bench/RESULTS.md).
import { readFileSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type ArchiveFileSize, TemplateArchiveError } from "../errors/archive.js";
import { errorCode } from "./fsutil.js";
import { isTerraformName } from "./rules.js";
import { readVariables, type TemplateVariableValue } from "./tfvars.js";
import { BLOCK, entrySize, splitName, writeHeader } from "./ustar.js";
import { listDir, type TemplateFolder, unreadable, type WalkEntry, walkTemplate } from "./walk.js";

/** Coder's `provisionersdk.TemplateArchiveLimit`: an archive must be strictly smaller than this (1 MiB). */
export const TEMPLATE_ARCHIVE_LIMIT = 1_048_576;

/**
 * The mtime of every entry when `SOURCE_DATE_EPOCH` is not set: 2000-01-01T00:00:00Z. Not 0, because some
 * tools treat a zero time as "unset" or warn about "implausibly old" timestamps.
 */
export const DEFAULT_TEMPLATE_MTIME = 946_684_800;

/** The largest mtime a ustar header holds (11 octal digits). */
const MAX_USTAR_MTIME = 0o77777777777;

/** Options of {@link packTemplate}. */
export interface PackTemplateOptions {
  /**
   * Follow symlinks that stay inside the template folder (default false: every symlink is skipped with a
   * warning). A link to a file is archived as a regular file under the link's name; a link to a folder is
   * inlined under the link's name. Links that are broken, point outside the folder, point at one of their own
   * parent folders (a loop) or at something that is not a file or folder are skipped with a warning.
   */
  followSymlinks?: boolean;
}

/** A template folder packed the way Coder's provisioner expects it. */
export interface PackedTemplate {
  /** The ustar archive, ready for `POST /api/v2/files` with `Content-Type: application/x-tar`. */
  bytes: Uint8Array;
  /** The archive entry names in archive order; folders end with `/`. */
  files: string[];
  /** `bytes.length`, always below {@link TEMPLATE_ARCHIVE_LIMIT}. */
  size: number;
  /** Hex SHA-256 of `bytes`; Coder dedups uploads by it. */
  sha256: string;
  /** Values from `terraform.tfvars(.json)` and `*.auto.tfvars(.json)`, sorted by name, for `user_variable_values`. */
  variables: TemplateVariableValue[];
  /** Things that were left out and why (symlinks, special files, non-UTF-8 names). */
  warnings: string[];
}

/**
 * Packs a template folder into the tar archive Coder's `templates push` would upload, with the same rules:
 *
 * - The folder needs a top-level entry ending in `.tf` or `.tf.json`.
 * - Hidden files and folders are skipped, except `.terraform.lock.hcl` outside hidden folders; anything whose
 *   path holds `.tfstate` is skipped; top-level `terraform.tfvars(.json)` and every `*.auto.tfvars(.json)`
 *   are skipped, and the top-level ones are returned as {@link PackedTemplate.variables} instead. Skipped
 *   folders are never listed or read.
 * - The archive must be strictly smaller than 1 MiB ({@link TEMPLATE_ARCHIVE_LIMIT}); otherwise the error
 *   names the five largest files.
 *
 * The archive is reproducible: plain ustar (long names use the 155-byte prefix field, never pax), entries in
 * Coder's walk order (depth-first, names sorted by UTF-8 bytes), folders with a trailing `/`, uid/gid 0, no
 * owner names, mode 0755 for folders and executable files and 0644 otherwise, and every mtime set to
 * `SOURCE_DATE_EPOCH` or else {@link DEFAULT_TEMPLATE_MTIME}. Like the CLI, the two zero end-of-archive
 * blocks are not written: tar readers (and Coder) do not need them, and leaving them out keeps the size of a
 * tree, and so the 1 MiB boundary, identical to what the CLI computes.
 *
 * File names that are not valid UTF-8 are skipped with a warning. Symlinks: see
 * {@link PackTemplateOptions.followSymlinks}.
 *
 * @throws {TemplateArchiveError} with a message saying what to change.
 */
export async function packTemplate(dir: string, options: PackTemplateOptions = {}): Promise<PackedTemplate> {
  const root = resolve(dir);
  const realRoot = openRoot(root);
  const mtime = sourceDateEpoch(root);
  const followSymlinks = options.followSymlinks ?? false;
  const warnings: string[] = [];

  const rootListing = listDir(root, root, "", warnings);
  if (!rootListing.some((e) => isTerraformName(e.name))) {
    throw new TemplateArchiveError(
      `${root} is not a valid template since it has no .tf or .tf.json file at its top level (a template is the folder that holds main.tf)`,
      { dir: root },
    );
  }
  const folder: TemplateFolder = { dir: root, realRoot, rootListing, followSymlinks, warnings };
  const entries = walkTemplate(folder);
  if (!entries.some((e) => e.kind === "file" && !e.name.includes("/") && isTerraformName(e.name))) {
    warnings.push(
      "No top-level .tf or .tf.json file made it into the archive (the ones found are hidden or symlinks)",
    );
  }
  checkNames(root, entries);
  const size = entries.reduce((sum, e) => sum + (e.kind === "file" ? entrySize(e.size) : BLOCK), 0);
  if (size >= TEMPLATE_ARCHIVE_LIMIT) throw tooBig(root, entries, size);

  const variables = await readVariables(folder);
  const bytes = writeArchive(root, entries, size, mtime);
  return {
    bytes,
    files: entries.map((e) => e.name),
    size,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    variables,
    warnings,
  };
}

function openRoot(root: string): string {
  try {
    const real = realpathSync(root);
    if (statSync(real).isDirectory()) return real;
  } catch (cause) {
    throw new TemplateArchiveError(`Template folder ${root} cannot be opened (${errorCode(cause)})`, {
      dir: root,
      cause,
    });
  }
  throw new TemplateArchiveError(`${root} is a file, not a template folder (the folder that holds main.tf)`, {
    dir: root,
  });
}

function sourceDateEpoch(root: string): number {
  const raw = process.env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === "") return DEFAULT_TEMPLATE_MTIME;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > MAX_USTAR_MTIME) {
    throw new TemplateArchiveError(
      `SOURCE_DATE_EPOCH=${JSON.stringify(raw)} is not a whole number of seconds between 0 and ${MAX_USTAR_MTIME}; fix or unset it`,
      { dir: root },
    );
  }
  return value;
}

function checkNames(root: string, entries: WalkEntry[]): void {
  for (const e of entries) {
    // Coder's provisioner extracts with Go's filepath rules: on Linux a backslash is part of the name (`a\b.tf` is
    // a top-level file Terraform loads), on Windows it separates folders (`a/b.tf`, which it does not). A name
    // whose meaning depends on where the provisioner runs is refused rather than guessed.
    if (e.name.includes("\\")) {
      throw new TemplateArchiveError(
        `The path ${JSON.stringify(e.name)} contains a backslash, which Coder's provisioner reads as part of the name on Linux but as a folder separator on Windows; rename it without "\\"`,
        { dir: root, path: e.name },
      );
    }
    if (splitName(e.name)) continue;
    throw new TemplateArchiveError(
      `The path ${JSON.stringify(e.name)} is too long for a ustar archive (${Buffer.byteLength(e.name)} bytes): the part after the last "/" must be at most 100 bytes and the part before it at most 155; shorten or rename it`,
      { dir: root, path: e.name },
    );
  }
}

function tooBig(root: string, entries: WalkEntry[], size: number): TemplateArchiveError {
  const largestFiles: ArchiveFileSize[] = entries
    .flatMap((e) => (e.kind === "file" ? [{ name: e.name, size: e.size }] : []))
    .sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1))
    .slice(0, 5);
  const list = largestFiles.map((f) => `${f.name} (${bytesText(f.size)})`).join(", ");
  return new TemplateArchiveError(
    `The template archive of ${root} would be ${bytesText(size)}; archives must be smaller than ${bytesText(TEMPLATE_ARCHIVE_LIMIT)} (1 MiB), the packing limit of this tool and of the coder CLI (the Coder server itself takes uploads up to 100 MiB). Largest files: ${list}. Move big files out of the template folder (hidden folders are not archived)`,
    { dir: root, largestFiles, size },
  );
}

function bytesText(n: number): string {
  return `${n.toLocaleString("en-US")} bytes`;
}

function writeArchive(root: string, entries: WalkEntry[], size: number, mtime: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const e of entries) {
    if (e.kind === "dir") {
      writeHeader(out, offset, { name: e.name, mode: 0o755, mtime });
      offset += BLOCK;
      continue;
    }
    let data: Uint8Array;
    try {
      data = readFileSync(e.path);
    } catch (cause) {
      throw unreadable({ dir: root }, e.name, cause);
    }
    if (data.length !== e.size) {
      throw new TemplateArchiveError(
        `${JSON.stringify(e.name)} changed while it was being packed; try again`,
        {
          dir: root,
          path: e.name,
        },
      );
    }
    writeHeader(out, offset, { name: e.name, mode: e.executable ? 0o755 : 0o644, mtime, data });
    out.set(data, offset + BLOCK);
    offset += entrySize(data.length);
  }
  return out;
}
