#!/usr/bin/env node
// Copies what the two templates share from the Docker template (template/, the one source) into
// template-kubernetes/: the startup scripts (template/scripts/*.sh) and the shared Terraform
// (template/shared.tf). Each pushed archive must be self-contained (Coder drops symlinks and
// anything outside the folder), so the copies are real files, marked as generated.
// `--check` writes nothing and exits 1 when a copy is missing, differs or has no source any more.
// `--root DIR` works on another checkout (the tests use a scratch copy).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** What is copied: the files of `from` that `match`, into `to` (paths relative to the root). */
const COPIES = [
  { from: "template/scripts", to: "template-kubernetes/scripts", match: (name) => name.endsWith(".sh") },
  { from: "template", to: "template-kubernetes", match: (name) => name === "shared.tf" },
];

/**
 * The source text with a notice that it is generated: after the first line of a script (its shebang
 * or shellcheck directive must stay first), at the top of anything else.
 */
export function copyText(from, name, source) {
  const notice = `# GENERATED from ${from}/${name} by \`pnpm sync-templates\`: edit the source, not this copy.\n`;
  if (!name.endsWith(".sh")) return notice + source;
  const end = source.indexOf("\n");
  return end < 0 ? `${source}\n${notice}` : source.slice(0, end + 1) + notice + source.slice(end + 1);
}

/** What differs between the sources and their copies, as [copy, problem, expected text] triples. */
export function differences(root) {
  const problems = [];
  for (const { from, to, match } of COPIES) {
    const sources = readdirSync(join(root, from)).filter(match);
    const dir = join(root, to);
    for (const name of sources) {
      const path = join(dir, name);
      const expected = copyText(from, name, readFileSync(join(root, from, name), "utf8"));
      if (!existsSync(path)) problems.push([`${to}/${name}`, "missing", expected]);
      else if (readFileSync(path, "utf8") !== expected) problems.push([`${to}/${name}`, "differs", expected]);
    }
    const stale = existsSync(dir) ? readdirSync(dir).filter((f) => match(f) && !sources.includes(f)) : [];
    for (const name of stale) problems.push([`${to}/${name}`, `has no source in ${from}`, undefined]);
  }
  return problems;
}

function main(argv) {
  const at = argv.indexOf("--root");
  const root = at >= 0 ? resolve(argv[at + 1] ?? ".") : fileURLToPath(new URL("..", import.meta.url));
  const problems = differences(root);
  const what = COPIES.map(({ from, to }) => `${to} from ${from}`).join(", ");
  if (argv.includes("--check")) {
    for (const [file, problem] of problems) console.error(`${file}: ${problem}`);
    if (problems.length > 0) {
      console.error("The templates are out of sync: run `pnpm sync-templates` and commit the result.");
      return 1;
    }
    console.log(`Templates in sync (${what}).`);
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
  if (problems.length === 0) console.log("Templates already in sync.");
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
