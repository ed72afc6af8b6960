import {
  type Dirent,
  lstatSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { TemplateArchiveError } from "../errors/archive.js";
import { errorCode, isInside } from "./fsutil.js";
import { compareUtf8, isHidden, isState, isVariablesFile } from "./rules.js";

/** A folder or regular file that goes into the archive, in Coder's walk order. */
export type WalkEntry =
  | { kind: "dir"; name: string }
  | { kind: "file"; name: string; path: string; size: number; executable: boolean };

/** One readable directory entry; names that are not valid UTF-8 are dropped before this point. */
export interface ListedEntry {
  name: string;
  dirent: Dirent<Buffer>;
}

/** The folder being packed, as the walk and the variables reader both see it; `warnings` collects what was skipped. */
export interface TemplateFolder {
  dir: string;
  realRoot: string;
  rootListing: ListedEntry[];
  followSymlinks: boolean;
  warnings: string[];
}

interface WalkContext {
  dir: string;
  realRoot: string;
  followSymlinks: boolean;
  warnings: string[];
  entries: WalkEntry[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Lists a folder sorted like Go's `filepath.Walk` (by UTF-8 bytes). Names that are not valid UTF-8 are
 * skipped with a warning and never touched again: ustar names are text, and Terraform cannot refer to such
 * a file from HCL anyway.
 */
export function listDir(dir: string, fsDir: string, relDir: string, warnings: string[]) {
  let dirents: Dirent<Buffer>[];
  try {
    dirents = readdirSync(fsDir, { withFileTypes: true, encoding: "buffer" });
  } catch (cause) {
    throw new TemplateArchiveError(
      `Cannot read the folder ${JSON.stringify(relDir || dir)} (${errorCode(cause)}); make it readable or move it out of the template folder`,
      { dir, path: relDir || undefined, cause },
    );
  }
  const listed: ListedEntry[] = [];
  for (const dirent of dirents) {
    let name: string;
    try {
      name = utf8.decode(dirent.name);
    } catch {
      const shown = join(relDir, dirent.name.toString("latin1"));
      warnings.push(`Skipped ${JSON.stringify(shown)}: its name is not valid UTF-8; rename it to archive it`);
      continue;
    }
    listed.push({ name, dirent });
  }
  return listed.sort((a, b) => compareUtf8(a.name, b.name));
}

/**
 * Walks the template folder depth-first, applying Coder's rules to every entry *before* looking inside it,
 * so ignored folders (a 200 MB `.terraform/`, `.git/`) are never listed or stat'ed.
 */
export function walkTemplate(options: TemplateFolder): WalkEntry[] {
  const ctx: WalkContext = { ...options, entries: [] };
  walkListing(ctx, options.rootListing, options.dir, "", [options.realRoot]);
  return ctx.entries;
}

function walkDir(ctx: WalkContext, fsDir: string, relDir: string, realChain: string[]) {
  const listing = listDir(ctx.dir, fsDir, relDir, ctx.warnings);
  walkListing(ctx, listing, fsDir, relDir, realChain);
}

function walkListing(
  ctx: WalkContext,
  listing: ListedEntry[],
  fsDir: string,
  relDir: string,
  realChain: string[],
) {
  for (const { name, dirent } of listing) {
    const rel = relDir ? `${relDir}/${name}` : name;
    if (isHidden(rel) || isState(rel)) continue;
    // A variables file is left out whatever it is; only a real folder with such a name is still walked.
    if (isVariablesFile(rel) && !dirent.isDirectory()) continue;
    const fsPath = join(fsDir, name);
    const realParent = realChain[realChain.length - 1]!;
    const target = resolveEntry(ctx, dirent, fsPath, rel, join(realParent, name), realChain);
    if (!target) continue;
    if (target.isDir) {
      if (!isVariablesFile(rel)) ctx.entries.push({ kind: "dir", name: `${rel}/` });
      walkDir(ctx, target.path, rel, [...realChain, target.realPath]);
    } else {
      ctx.entries.push({
        kind: "file",
        name: rel,
        path: target.path,
        size: target.stats.size,
        executable: (target.stats.mode & 0o111) !== 0,
      });
    }
  }
}

type Resolved =
  | { isDir: true; path: string; realPath: string }
  | { isDir: false; path: string; realPath: string; stats: Stats };

/** Finds what an entry is, following a symlink only when allowed and only inside the template folder. */
function resolveEntry(
  ctx: WalkContext,
  dirent: Dirent<Buffer>,
  fsPath: string,
  rel: string,
  realPath: string,
  realChain: string[],
): Resolved | undefined {
  const kind = direntKind(dirent) ?? statsKind(lstatOrFail(ctx, fsPath, rel));
  if (kind === "dir") return { isDir: true, path: fsPath, realPath };
  if (kind === "file") return { isDir: false, path: fsPath, realPath, stats: statOrFail(ctx, fsPath, rel) };
  if (kind !== "symlink") {
    ctx.warnings.push(`Skipped ${JSON.stringify(rel)}: it is a ${kind}, not a regular file or folder`);
    return undefined;
  }
  const shown = `${JSON.stringify(rel)} -> ${JSON.stringify(readlinkOr(fsPath, "?"))}`;
  if (!ctx.followSymlinks) {
    ctx.warnings.push(
      `Skipped symlink ${shown}: symlinks are not archived (pass followSymlinks: true to archive what it points to inside the template folder)`,
    );
    return undefined;
  }
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync(fsPath);
    stats = statSync(real);
  } catch {
    ctx.warnings.push(`Skipped symlink ${shown}: it is broken (its target does not exist)`);
    return undefined;
  }
  if (!isInside(ctx.realRoot, real)) {
    ctx.warnings.push(`Skipped symlink ${shown}: it points outside the template folder`);
    return undefined;
  }
  if (stats.isDirectory()) {
    if (realChain.includes(real)) {
      ctx.warnings.push(`Skipped symlink ${shown}: it points to one of its own parent folders (a loop)`);
      return undefined;
    }
    return { isDir: true, path: real, realPath: real };
  }
  if (stats.isFile()) return { isDir: false, path: real, realPath: real, stats };
  ctx.warnings.push(
    `Skipped symlink ${shown}: it points to a ${statsKind(stats)}, not a regular file or folder`,
  );
  return undefined;
}

type EntryKind = "dir" | "file" | "symlink" | "FIFO" | "socket" | "device";

function direntKind(d: Dirent<Buffer>): EntryKind | undefined {
  if (d.isDirectory()) return "dir";
  if (d.isFile()) return "file";
  if (d.isSymbolicLink()) return "symlink";
  if (d.isFIFO()) return "FIFO";
  if (d.isSocket()) return "socket";
  if (d.isBlockDevice() || d.isCharacterDevice()) return "device";
  return undefined; // some file systems do not report types in readdir
}

function statsKind(s: Stats): EntryKind {
  if (s.isDirectory()) return "dir";
  if (s.isFile()) return "file";
  if (s.isSymbolicLink()) return "symlink";
  if (s.isFIFO()) return "FIFO";
  if (s.isSocket()) return "socket";
  return "device";
}

function lstatOrFail(ctx: WalkContext, fsPath: string, rel: string): Stats {
  try {
    return lstatSync(fsPath);
  } catch (cause) {
    throw unreadable(ctx, rel, cause);
  }
}

function statOrFail(ctx: WalkContext, fsPath: string, rel: string): Stats {
  try {
    return statSync(fsPath);
  } catch (cause) {
    throw unreadable(ctx, rel, cause);
  }
}

/** The error for a file that exists in a listing but cannot be read or stat'ed. */
export function unreadable(ctx: { dir: string }, rel: string, cause: unknown): TemplateArchiveError {
  return new TemplateArchiveError(
    `Cannot read ${JSON.stringify(rel)} in ${ctx.dir} (${errorCode(cause)}); make it readable, or move it out of the template folder`,
    { dir: ctx.dir, path: rel, cause },
  );
}

function readlinkOr(path: string, fallback: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return fallback;
  }
}
