// Writes one benchmark's section of bench/RESULTS.md (keeping the others) and the summary of targets on top.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "..", "RESULTS.md");

/** Section ids in the order of the issue, which is also their order in the file. */
export const SECTIONS = [
  ["cold-start", "1. Cold start"],
  ["pack", "2. Packing"],
  ["up-requests", "3. `up` requests against the fake"],
  ["log-latency", "4. Log delivery latency"],
  ["fleet", "5. Fleet"],
  ["fleet-many", "5b. Fleet provisioning: `upMany` against a naive `Promise.all(up())`"],
  ["fake-start", "6. Fake Coder start (issue 3)"],
  ["install-size", "7. Installed size (tests/install/registry.mjs)"],
  ["cli-dispatch", "8. CLI dispatch: one command beyond its requests"],
  ["log-queue", "9. A long log through `followJobLogs` (issue 26)"],
  ["real-up", "10. One workspace beside the coder CLI, on a real Coder"],
  ["real-fleet", "11. A fleet beside `coder exp scaletest`, on a real Coder"],
  ["real-up-split", "12. Where `up`'s time goes, on a real Coder"],
];

const INTRO = `# Benchmark results

Written by \`pnpm bench\` (\`bench/run.mjs\`); each benchmark rewrites only its own section, so a section's
header says when and how it was produced. Every subject is measured next to a baseline in the same run, and the
ratio to that baseline is what the targets are about: absolute times depend on the machine. \`pnpm bench --smoke\`
(run in CI after the tests) only checks that the scripts still work and never touches this file.`;

/** Whether this run only checks that the scripts work (tiny counts, no RESULTS.md). */
export const SMOKE = process.argv.includes("--smoke") || process.env.SPT_BENCH_SMOKE === "1";

/** The command line that produced the figures, as run.mjs passes it down. */
export function benchCommand(name) {
  return process.env.SPT_BENCH_COMMAND ?? `node bench/${name}.mjs`;
}

/** Date, Node version, CPU count and model, and the command. */
export function environmentLine(name) {
  const cpu = cpus();
  const model = cpu[0]?.model?.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  return `_${date} UTC · Node ${process.version} · ${cpu.length} CPUs (${model}) · ${platform()}-${arch()} · load average ${loadavg()[0].toFixed(1)} when written · \`${benchCommand(name)}\`_`;
}

/**
 * Replaces the section `id` with `body` (markdown) and rebuilds the summary from every section's targets.
 * `targets`: `{ target, measured, met }[]` where `met` is true, false or null (not measurable).
 * In smoke mode it prints instead of writing.
 */
export function writeSection(id, body, targets) {
  const title = SECTIONS.find(([s]) => s === id)?.[1] ?? id;
  const block = [
    `<!-- bench:${id} -->`,
    `## ${title}`,
    "",
    environmentLine(id),
    "",
    body.trim(),
    "",
    `<!-- targets:${id} ${JSON.stringify(targets)} -->`,
    `<!-- /bench:${id} -->`,
  ].join("\n");
  if (SMOKE) {
    console.log(`[smoke] ${id}: RESULTS.md left as it is; the section would read:\n${block}\n`);
    return;
  }
  const sections = readSections();
  sections.set(id, block);
  const ordered = [
    ...SECTIONS.map(([s]) => s).filter((s) => sections.has(s)),
    ...[...sections.keys()].filter((s) => !SECTIONS.some(([k]) => k === s)),
  ];
  const text = [INTRO, summary(sections), ...ordered.map((s) => sections.get(s))].join("\n\n");
  writeFileSync(RESULTS, `${text}\n`);
  console.log(`${id}: written to bench/RESULTS.md`);
}

/** The JSON a section keeps in its `<!-- data:<id> … -->` comment, to merge runs of another setting into it. */
export function previousData(id) {
  const block = readSections().get(id);
  const m = block?.match(new RegExp(`<!-- data:${id} (.*) -->`));
  return m ? JSON.parse(m[1]) : undefined;
}

function readSections() {
  const sections = new Map();
  if (!existsSync(RESULTS)) return sections;
  const text = readFileSync(RESULTS, "utf8");
  for (const m of text.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g))
    sections.set(m[1], m[0]);
  return sections;
}

function summary(sections) {
  const rows = [];
  for (const [id, title] of SECTIONS) {
    const block = sections.get(id);
    const m = block?.match(new RegExp(`<!-- targets:${id} (.*) -->`));
    if (!m) {
      rows.push(`| ${title} | (not run yet) | | |`);
      continue;
    }
    for (const t of JSON.parse(m[1])) {
      const verdict = t.met === true ? "met" : t.met === false ? "**not met**" : "not measurable";
      rows.push(`| ${title} | ${t.target} | ${t.measured} | ${verdict} |`);
    }
  }
  return ["## Targets", "", "| Benchmark | Target | Measured | |", "|---|---|---|---|", ...rows].join("\n");
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** `met`/`not met` for a table cell. */
export function verdict(met) {
  return met === true ? "met" : met === false ? "**not met**" : "n/a";
}
