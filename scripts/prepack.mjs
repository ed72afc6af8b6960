// Each package's `prepack`: `pnpm pack` ships dist/, and without a build it shipped a package with no dist/ at all.
// When the package's built entry is missing or older than a source it is built from (its own src/, the packages it
// builds from, and for the CLI the template it ships), this builds the workspace (`pnpm build`, which builds the
// packages in order) before packing; an up-to-date build costs nothing. Usage (from a package folder):
//   node ../../scripts/prepack.mjs
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What each package's dist is built from, and the file its build writes last. */
const PACKAGES = {
  sdk: { entry: "dist/index.js", from: ["packages/sdk/src"] },
  "fake-coder": { entry: "dist/bin.js", from: ["packages/fake-coder/src", "packages/sdk/src"] },
  cli: { entry: "dist/spt-coder.js", from: ["packages/cli/src", "packages/sdk/src", "template"] },
};

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };
  let found = { path, mtimeMs: 0 };
  for (const entry of readdirSync(path)) {
    const inner = newest(join(path, entry));
    if (inner.mtimeMs > found.mtimeMs) found = inner;
  }
  return found;
}

/** Why `name`'s dist needs a build (under `root`), or undefined when it is up to date. */
export function staleReason(name, root = ROOT) {
  const spec = PACKAGES[name];
  if (!spec) return `${name} is not one of the packages (${Object.keys(PACKAGES).join(", ")})`;
  const entry = join(root, "packages", name, spec.entry);
  if (!existsSync(entry)) return `${relative(root, entry)} is missing`;
  const built = statSync(entry).mtimeMs;
  for (const source of spec.from) {
    const latest = newest(join(root, source));
    if (latest.mtimeMs > built)
      return `${relative(root, latest.path)} is newer than ${relative(root, entry)}`;
  }
  return undefined;
}

/** pnpm as it runs this script (npm_execpath), else the one on PATH. */
function pnpm(args) {
  const execPath = process.env.npm_execpath;
  return execPath && /\.[cm]?js$/.test(execPath)
    ? spawnSync(process.execPath, [execPath, ...args], { cwd: ROOT, stdio: "inherit" })
    : spawnSync("pnpm", args, { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = basename(process.cwd());
  const reason = staleReason(name);
  if (reason) {
    process.stderr.write(`prepack: ${reason}; building first (pnpm build)\n`);
    const result = pnpm(["run", "build"]);
    if (result.status !== 0) {
      process.stderr.write("prepack: the build failed; nothing was packed\n");
      process.exit(result.status ?? 1);
    }
    const still = staleReason(name);
    if (still) {
      process.stderr.write(`prepack: ${still} after the build; nothing was packed\n`);
      process.exit(1);
    }
  }
}
