import { isAbsolute, relative, sep } from "node:path";

/** True when `path` is `root` or somewhere below it (both already resolved with `realpath`). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** What the common file-system error codes mean, for people who have not memorised errno. */
const MEANINGS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a folder, not a file",
  ENOTDIR: "a part of the path is a file, not a folder",
  ELOOP: "too many symbolic links (a link loop?)",
  EMFILE: "too many open files",
  ENAMETOOLONG: "the name is too long",
};

/** A short reason for a file-system failure, the code and its meaning: `EACCES: permission denied`. */
export function errorCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return String((cause as Error | null)?.message ?? cause);
  const meaning = MEANINGS[code];
  return meaning ? `${code}: ${meaning}` : code;
}
