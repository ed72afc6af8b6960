import { isAbsolute, relative, sep } from "node:path";

/** True when `path` is `root` or somewhere below it (both already resolved with `realpath`). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A short reason for a file-system failure, such as `EACCES`. */
export function errorCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : String((cause as Error | null)?.message ?? cause);
}
