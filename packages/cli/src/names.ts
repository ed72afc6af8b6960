import { NAME_MAX_LENGTH, RESERVED_NAMES } from "@spt-coder/sdk";

// Coder's name rules (codersdk.NameValid) are the SDK's: it owns the limit and the reserved words.

/**
 * Turns any text into a valid Coder workspace name: lower case, `[a-z0-9-]`, no leading, trailing or double
 * hyphens, at most 32 characters, never `new`/`create`. Returns `undefined` when nothing usable is left.
 */
export function toCoderName(text: string): string | undefined {
  let name = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // drop the accents NFKD split off, so "café" stays "cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  name = name.slice(0, NAME_MAX_LENGTH).replace(/-+$/, "");
  if (name === "") return undefined;
  if (RESERVED_NAMES.has(name)) return `${name}-ws`;
  return name;
}

/**
 * The default workspace name for a repository URL: its last path segment without `.git`, made valid.
 * Understands `https://host/org/repo(.git)(/)`, `git@host:org/repo.git` and plain `org/repo`.
 */
export function workspaceNameFromRepo(repoUrl: string): string | undefined {
  const path = repoUrl
    .trim()
    .replace(/[?#].*$/, "")
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "") // scheme and host
    .replace(/^[^@/]+@[^:/]+:/, "") // scp-like git@host:
    .replace(/\/+$/, "")
    .replace(/\.git$/i, "");
  const last = path.split("/").filter(Boolean).at(-1);
  return last === undefined ? undefined : toCoderName(last);
}
