import { existsSync, readdirSync, type Stats, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The `spt-flow` template shipped with the CLI. The build copies the repository's `template/` next to the
 * bundle (`dist/template/`); from the sources it is the repository's own `template/`. Both are found by walking
 * up from this module, so it works from any working directory and from a code-split chunk.
 */
export function shippedTemplateDir(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(from);
  for (let level = 0; level < 6; level++) {
    const candidate = join(dir, "template");
    if (hasTerraformFiles(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** True when `dir` is a folder with a top-level `.tf` or `.tf.json` file (what Coder requires of a template). */
export function hasTerraformFiles(dir: string): boolean {
  try {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
    return readdirSync(dir).some((name) => name.endsWith(".tf") || name.endsWith(".tf.json"));
  } catch {
    return false;
  }
}

/**
 * A folder as a message shows it: whole up to 160 characters, else its start and end around an ellipsis with its
 * length (as the SDK's archive errors do), so a folder nested a hundred levels deep does not bury the message.
 */
export function displayPath(path: string): string {
  return path.length <= 160 ? path : `${path.slice(0, 40)}…${path.slice(-100)} (${path.length} characters)`;
}

/**
 * Why `dir` (given with `flag`) cannot be a template folder, in words and with what to type instead; undefined
 * when it is one. A file gets its folder suggested (`push -d main.tf` means the folder main.tf is in).
 */
export function templateDirProblem(flag: string, dir: string): string | undefined {
  let info: Stats;
  try {
    info = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `${flag} ${displayPath(dir)} cannot be opened: there is no such folder.`;
    if (code === "EACCES")
      return `${flag} ${displayPath(dir)} cannot be opened: permission denied; make it readable.`;
    if (code === "ENAMETOOLONG")
      return `${flag} ${displayPath(dir)} cannot be opened: the path is longer than this system allows.`;
    if (code === "ENOTDIR")
      return `${flag} ${displayPath(dir)} cannot be opened: a part of the path is a file, not a folder.`;
    return `${flag} ${displayPath(dir)} cannot be opened (${code ?? (error as Error).message}).`;
  }
  if (!info.isDirectory()) {
    return `${flag} ${displayPath(dir)} is a file, not a folder; give the folder that holds the template: ${flag} ${displayPath(dirname(dir))}`;
  }
  if (!hasTerraformFiles(dir))
    return `${flag} ${displayPath(dir)} is not a template folder: it has no .tf or .tf.json files.`;
  return undefined;
}
