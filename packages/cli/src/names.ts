/**
 * Coder names (workspaces, templates) follow `codersdk.NameValid`: 1–32 characters, letters, digits and single
 * hyphens between them, and not the reserved words `new` or `create` (they clash with dashboard routes).
 */
const MAX_LENGTH = 32;
const RESERVED = new Set(["new", "create"]);

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
  name = name.slice(0, MAX_LENGTH).replace(/-+$/, "");
  if (name === "") return undefined;
  if (RESERVED.has(name)) return `${name}-ws`;
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
