#!/usr/bin/env node
// Copies the startup scripts of the Docker template (template/scripts, the one source) into every
// other template folder that needs them. Each pushed archive must be self-contained (Coder drops
// symlinks and anything outside the folder), so the copies are real files, marked as generated.
// `--check` writes nothing and exits 1 when a copy is missing, differs or has no source any more.
// `--root DIR` works on another checkout (the tests use a scratch copy).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the scripts come from, and the folders that get copies (paths relative to the root). */
const SOURCE = "template/scripts";
const TARGETS = ["template-kubernetes/scripts"];

/** The source text with a notice after its first line (a shebang or a shellcheck directive). */
export function copyText(name, source) {
  const notice = `# GENERATED from ${SOURCE}/${name} by \`pnpm sync-templates\`: edit the source, not this copy.\n`;
  const end = source.indexOf("\n");
  return end < 0 ? `${source}\n${notice}` : source.slice(0, end + 1) + notice + source.slice(end + 1);
}

/** What differs between the source scripts and each target folder, as [target file, problem] pairs. */
export function differences(root) {
  const sources = readdirSync(join(root, SOURCE)).filter((f) => f.endsWith(".sh"));
  const problems = [];
  for (const target of TARGETS) {
    const dir = join(root, target);
    for (const name of sources) {
      const path = join(dir, name);
      const expected = copyText(name, readFileSync(join(root, SOURCE, name), "utf8"));
      if (!existsSync(path)) problems.push([`${target}/${name}`, "missing", expected]);
      else if (readFileSync(path, "utf8") !== expected)
        problems.push([`${target}/${name}`, "differs", expected]);
    }
    const stale = existsSync(dir)
      ? readdirSync(dir).filter((f) => f.endsWith(".sh") && !sources.includes(f))
      : [];
    for (const name of stale) problems.push([`${target}/${name}`, `has no source in ${SOURCE}`, undefined]);
  }
  return problems;
}

function main(argv) {
  const at = argv.indexOf("--root");
  const root = at >= 0 ? resolve(argv[at + 1] ?? ".") : fileURLToPath(new URL("..", import.meta.url));
  const problems = differences(root);
  if (argv.includes("--check")) {
    for (const [file, problem] of problems) console.error(`${file}: ${problem}`);
    if (problems.length > 0) {
      console.error("The template scripts are out of sync: run `pnpm sync-templates` and commit the result.");
      return 1;
    }
    console.log(`Template scripts in sync (${TARGETS.join(", ")} from ${SOURCE}).`);
    return 0;
  }
  for (const [file, problem, expected] of problems) {
    const path = join(root, file);
    if (expected === undefined) rmSync(path);
    else {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, expected);
    }
    console.log(
      `${file}: ${expected === undefined ? "removed" : problem === "missing" ? "created" : "updated"}`,
    );
  }
  if (problems.length === 0) console.log("Template scripts already in sync.");
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
