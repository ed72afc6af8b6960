// Benchmark 1: cold start of the bundled CLI (`--version`, `--help`) against `node -e 0`, interleaved.
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLI_DIST } from "./lib/paths.mjs";
import { canMeasureChildRss, peakRss, timedRun } from "./lib/proc.mjs";
import { SMOKE, table, verdict, writeSection } from "./lib/results.mjs";
import { bytes, median, ms, ratio, spread, summarize } from "./lib/stats.mjs";

const RUNS = SMOKE ? 3 : 30;
const WARMUP = SMOKE ? 1 : 3;
const RSS_RUNS = SMOKE ? 1 : 5;
const node = process.execPath;

const subjects = [
  { id: "baseline", label: "`node -e 0`", args: ["-e", "0"] },
  { id: "version", label: "`spt-coder --version`", args: [CLI_DIST, "--version"], target: 1.5 },
  { id: "help", label: "`spt-coder --help`", args: [CLI_DIST, "--help"], target: 2 },
];

// The CLI must actually work: a benchmark of a crash would be meaningless.
for (const s of subjects.slice(1)) {
  const r = spawnSync(node, s.args, { encoding: "utf8" });
  if (r.status !== 0 || r.stdout.trim() === "") throw new Error(`${s.label} failed: ${r.stderr}`);
}

// A clean environment: no FORCE_COLOR/NODE_OPTIONS from the caller changes what the CLI does at start.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };
const samples = new Map(subjects.map((s) => [s.id, []]));
for (let i = 0; i < WARMUP + RUNS; i++) {
  // Rotate the order every round so that drift (other load, CPU frequency) hits every subject alike.
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(i + k) % subjects.length];
    const t = timedRun(node, s.args, { env });
    if (i >= WARMUP) samples.get(s.id).push(t);
  }
}
const rss = new Map(
  subjects.map((s) => [
    s.id,
    canMeasureChildRss
      ? median(Array.from({ length: RSS_RUNS }, () => peakRss(node, s.args, { env })))
      : undefined,
  ]),
);

// Where `--help` spends its time: Node's own boot, loading the lazily imported main chunk, running yargs.
const breakdown = helpBreakdown(SMOKE ? 1 : 10);

const base = summarize(samples.get("baseline"));
const rows = [];
const targets = [];
for (const s of subjects) {
  const sum = summarize(samples.get(s.id));
  const r = sum.median / base.median;
  // Paired ratios (same round) cancel slow drift; their spread says how stable the ratio is.
  const paired = summarize(samples.get(s.id).map((t, i) => t / samples.get("baseline")[i]));
  const met = s.target === undefined ? undefined : r <= s.target;
  rows.push([
    s.label,
    s.target === undefined ? "—" : "`node -e 0`",
    ms(sum.median),
    spread(sum),
    s.target === undefined
      ? "1.00x"
      : `${ratio(r)} (paired: ${ratio(paired.median)}, IQR ${paired.iqr.toFixed(2)})`,
    s.target === undefined ? "—" : `≤ ${s.target}x`,
    s.target === undefined ? "—" : verdict(met),
    rss.get(s.id) === undefined ? "–" : bytes(rss.get(s.id)),
  ]);
  if (s.target !== undefined) {
    targets.push({ target: `${s.label} ≤ ${s.target}x \`node -e 0\``, measured: ratio(r), met });
    s.ratio = r;
    s.extraMs = sum.median - base.median;
  }
}
console.log(rows.map((r) => r.join("  ")).join("\n"));

const [, version, help] = subjects;
const breakdownText = breakdown
  ? `Where a help that yargs renders at run time goes (\`up --help\` and the like; medians of ${breakdown.n} runs of a probe that imports the same chunk and calls its \`main(["--help"])\`): Node boot until the first module line ${ms(breakdown.boot)}, loading \`${breakdown.chunk}\` (${bytes(breakdown.chunkSize)}: yargs, the command table and their static imports) ${ms(breakdown.import)}, building the yargs program and rendering the help ${ms(breakdown.run)}.`
  : "The main chunk could not be located in the bundle, so there is no breakdown of `--help`.";
const unmet = subjects.filter((s) => s.ratio !== undefined && s.ratio > s.target);
const body = `Wall time from spawn to exit of \`${node.replace(process.env.HOME ?? "\u0000", "~")} <args>\`, ${RUNS} runs each after ${WARMUP} warm-up rounds, the three commands interleaved in rotating order; output discarded, \`NO_COLOR=1\`, no \`NODE_OPTIONS\`. The CLI is the esbuild bundle \`packages/cli/dist/spt-coder.js\` (an entry file of ${bytes(statSync(CLI_DIST).size)} that imports the rest as chunks only when needed; run as \`node <file>\` as the shebang would). Ratio = median of the subject / median of the baseline; "paired" is the median of the per-round ratios. Peak RSS is GNU time's \`%M\`, median of ${RSS_RUNS} separate runs.

${table(["Subject", "Baseline", "Median", "Spread", "Ratio", "Target", "Met?", "Peak RSS"], rows)}

The CLI's own cost is the difference to the baseline: ${ms(version.extraMs)} for \`--version\` and ${ms(help.extraMs)} for \`--help\`. \`--version\` and the top-level \`--help\` are answered by the tiny entry file before anything else is imported (src/bin.ts; the help text is rendered by yargs at build time into \`dist/help.txt\`); every other command, a subcommand's help such as \`up --help\` included, first loads the main chunk (yargs and the command table). ${breakdownText}

${
  unmet.length === 0
    ? "Both targets are met."
    : unmet
        .map(
          (s) =>
            `**${s.label} misses its target** (${ratio(s.ratio)} > ${s.target}x). With Node's own start at ${ms(base.median)} here, a ${s.target}x budget leaves ${ms((s.target - 1) * base.median)} for the CLI and it takes ${ms(s.extraMs)}. What limits it is loading the main chunk, which Node 20 reads, parses and compiles on every run (there is no on-disk compile cache before Node 22's \`module.enableCompileCache()\`), plus yargs building the whole command table and laying out the help text on each run.`,
        )
        .join("\n\n")
}
`;
writeSection("cold-start", body, targets);

function helpBreakdown(runs) {
  const entry = readFileSync(CLI_DIST, "utf8");
  const rel = entry.match(/import\("\.\/(chunks\/main-[\w-]+\.js)"\)/)?.[1];
  if (!rel) return undefined;
  const chunk = join(dirname(CLI_DIST), rel);
  const probe = `const t0 = performance.now();
const m = await import(${JSON.stringify(`file://${chunk}`)});
const t1 = performance.now();
const code = await m.main(["--help"], await m.processIo());
const t2 = performance.now();
process.stderr.write(JSON.stringify({ boot: t0, import: t1 - t0, run: t2 - t1, code }));`;
  const results = Array.from({ length: runs }, () => {
    const r = spawnSync(node, ["--input-type=module", "-e", probe], { env, encoding: "utf8" });
    if (r.status !== 0) return undefined;
    try {
      return JSON.parse(r.stderr);
    } catch {
      return undefined;
    }
  }).filter((x) => x && x.code === 0);
  if (results.length === 0) return undefined;
  return {
    n: results.length,
    chunk: rel,
    chunkSize: statSync(chunk).size,
    boot: median(results.map((r) => r.boot)),
    import: median(results.map((r) => r.import)),
    run: median(results.map((r) => r.run)),
  };
}
