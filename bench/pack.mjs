// Benchmark 2: packTemplate on the project's template, a generated 400-file tree, and the same tree beside a
// 200 MB .terraform/ folder, against GNU tar on the same trees.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { importSdk, SDK_DIST, TEMPLATE_DIR } from "./lib/paths.mjs";
import { canMeasureChildRss, peakRss } from "./lib/proc.mjs";
import { SMOKE, table, verdict, writeSection } from "./lib/results.mjs";
import { bytes, median, ms, ratio, spread, summarize } from "./lib/stats.mjs";
import { writeTemplateTree, writeTerraformCache } from "./lib/tree.mjs";

const RUNS = SMOKE ? 2 : 30;
const WARMUP = SMOKE ? 1 : 3;
const RSS_RUNS = SMOKE ? 1 : 3;
const FILES = 400;
// 400 files need 400 × 512-byte tar headers plus padding; 900 KB of file content would make an archive above
// Coder's 1 MiB limit, which packTemplate rightly refuses. So the tree is sized to pack into ~900 KB.
const CONTENT_BYTES = 560_000;
const TF_FILES = SMOKE ? 2 : 20;
const TF_FILE_BYTES = SMOKE ? 1 << 20 : 10 << 20;

const { packTemplate } = await importSdk();
const tar = spawnSync("tar", ["--version"], { encoding: "utf8" });
if (tar.status !== 0 || !/GNU tar/.test(tar.stdout)) throw new Error("GNU tar is needed for the baseline");
const tarVersion = tar.stdout.split("\n")[0];

const work = mkdtempSync(join(tmpdir(), "spt-bench-pack-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const generated = join(work, "generated");
const withCache = join(work, "with-terraform");
const folders = writeTemplateTree(generated, { files: FILES, totalBytes: CONTENT_BYTES });
cpSync(generated, withCache, { recursive: true });
writeTerraformCache(withCache, { count: TF_FILES, sizeBytes: TF_FILE_BYTES });

const trees = [
  { id: "a", label: "(a) project `template/`", dir: TEMPLATE_DIR },
  { id: "b", label: `(b) generated, ${FILES} files`, dir: generated },
  { id: "c", label: `(c) (b) + ${bytes(TF_FILES * TF_FILE_BYTES)} \`.terraform/\``, dir: withCache },
];

/**
 * GNU tar's archive goes to a pipe that this process drains. Not to /dev/null: GNU tar notices an archive on
 * /dev/null (also through `>` redirection) and then skips reading file contents altogether.
 */
function runTar(dir, extra = []) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("tar", ["-cf", "-", ...extra, "-C", dir, "."], { stdio: ["ignore", "pipe", "pipe"] });
    let size = 0;
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      size += chunk.length;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`tar failed (${code}): ${stderr}`));
      else resolve({ ms: elapsed, size });
    });
  });
}

async function runPack(dir) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const packed = await packTemplate(dir);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms: elapsed, size: packed.size, packed, busy: (used.user + used.system) / 1000 / elapsed };
}

// What the I/O alone costs: the same stat + read of every file of (b), without building an archive, once the
// way packTemplate does it (fs/promises, one after another) and once with synchronous calls.
const filesOfB = (await packTemplate(generated)).files
  .filter((f) => !f.endsWith("/"))
  .map((f) => join(generated, f));
async function ioPromises() {
  const started = process.hrtime.bigint();
  for (const f of filesOfB) {
    await stat(f);
    await readFile(f);
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6 };
}
function ioSync() {
  const started = process.hrtime.bigint();
  for (const f of filesOfB) {
    statSync(f);
    readFileSync(f);
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

const tasks = [
  ...trees.map((t) => ({ id: `pack-${t.id}`, tree: t, run: () => runPack(t.dir) })),
  ...trees.map((t) => ({ id: `tar-${t.id}`, tree: t, run: () => runTar(t.dir) })),
  { id: "tarx-c", tree: trees[2], run: () => runTar(withCache, ["--exclude=./.terraform"]) },
  { id: "io-promises", tree: trees[1], run: ioPromises },
  { id: "io-sync", tree: trees[1], run: async () => ioSync() },
];
const samples = new Map(tasks.map((t) => [t.id, []]));
const busy = new Map(tasks.map((t) => [t.id, []]));
const sizes = new Map();
const packs = new Map();
for (let i = 0; i < WARMUP + RUNS; i++) {
  // Rotate the order every round so drift (other load, page cache, CPU frequency) hits all tasks alike.
  for (let k = 0; k < tasks.length; k++) {
    const task = tasks[(i + k) % tasks.length];
    const r = await task.run();
    if (i >= WARMUP) samples.get(task.id).push(r.ms);
    if (i >= WARMUP && r.busy !== undefined) busy.get(task.id).push(r.busy);
    sizes.set(task.id, r.size);
    if (r.packed) packs.set(task.id, r.packed);
  }
}

// Peak memory of one pack in a fresh process, next to a process that imports the SDK and packs nothing.
const probe = (dir) =>
  `const { packTemplate } = await import(${JSON.stringify(pathToFileURL(SDK_DIST).href)});
${dir ? `await packTemplate(${JSON.stringify(dir)});` : ""}
process.stdout.write(String(process.resourceUsage().maxRSS * 1024));`;
function childMaxRss(dir) {
  const values = Array.from({ length: RSS_RUNS }, () => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe(dir)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`pack probe failed: ${r.stderr}`);
    return Number(r.stdout);
  });
  return median(values);
}
const rssImportOnly = childMaxRss(undefined);
const rss = new Map(trees.map((t) => [`pack-${t.id}`, childMaxRss(t.dir)]));
for (const t of trees) {
  const tarRss = (extra) =>
    canMeasureChildRss
      ? median(
          Array.from({ length: RSS_RUNS }, () =>
            peakRss("sh", ["-c", `tar -cf - ${extra} -C "$1" . | cat > /dev/null`, "sh", t.dir]),
          ),
        )
      : undefined;
  rss.set(`tar-${t.id}`, tarRss(""));
  if (t.id === "c") rss.set("tarx-c", tarRss("--exclude=./.terraform"));
}

const s = (id) => summarize(samples.get(id));
const rows = [];
const row = (subject, baselineLabel, id, baseId, target, met, size) => {
  const sum = s(id);
  rows.push([
    subject,
    baselineLabel,
    ms(sum.median),
    spread(sum),
    baseId ? ratio(sum.median / s(baseId).median) : "—",
    target ?? "—",
    met === undefined ? "—" : verdict(met),
    size === undefined ? "—" : bytes(size),
    rss.get(id) === undefined ? "–" : bytes(rss.get(id)),
  ]);
};
const rB = s("pack-b").median / s("tar-b").median;
const rC = s("pack-c").median / s("pack-b").median;
const metB = rB <= 2;
const metC = rC <= 1.2;
for (const t of trees) {
  const target = t.id === "b" ? "≤ 2x GNU tar" : undefined;
  row(
    `\`packTemplate\` ${t.label}`,
    "GNU tar, same tree",
    `pack-${t.id}`,
    `tar-${t.id}`,
    target,
    t.id === "b" ? metB : undefined,
    sizes.get(`pack-${t.id}`),
  );
  row(`GNU tar ${t.label}`, "—", `tar-${t.id}`, undefined, undefined, undefined, sizes.get(`tar-${t.id}`));
}
row("`packTemplate` (c)", "`packTemplate` (b)", "pack-c", "pack-b", "≤ 1.2x (b)", metC, sizes.get("pack-c"));
row(
  "`packTemplate` (c)",
  "GNU tar `--exclude=./.terraform` (c)",
  "pack-c",
  "tarx-c",
  undefined,
  undefined,
  sizes.get("pack-c"),
);
row(
  "GNU tar `--exclude=./.terraform` (c)",
  "—",
  "tarx-c",
  undefined,
  undefined,
  undefined,
  sizes.get("tarx-c"),
);
row(
  "I/O only (b): `stat` + `readFile` per file, `fs/promises`, sequential",
  "`packTemplate` (b)",
  "io-promises",
  "pack-b",
  undefined,
  undefined,
  undefined,
);
row(
  "I/O only (b): `statSync` + `readFileSync` per file",
  "`packTemplate` (b)",
  "io-sync",
  "pack-b",
  undefined,
  undefined,
  undefined,
);
console.log(rows.map((r) => r.join("  ")).join("\n"));

const sameArchive = packs.get("pack-b").sha256 === packs.get("pack-c").sha256;
const archiveB = packs.get("pack-b");
const targets = [
  { target: "`packTemplate` (b) ≤ 2x GNU tar", measured: ratio(rB), met: metB },
  { target: "`packTemplate` (c) ≤ 1.2x (b)", measured: ratio(rC), met: metC },
];
const body = `Wall time of one pack, ${RUNS} runs per subject after ${WARMUP} warm-up rounds, all subjects interleaved in rotating order, with the trees in the page cache (written once per run under \`${tmpdir()}\`). \`packTemplate\` runs in this process and builds the archive in memory; GNU tar (${tarVersion}) runs as \`tar -cf - -C <dir> .\` with its output drained through a pipe by this process, so its time includes starting the process. **The archive does not go to \`/dev/null\`:** GNU tar detects an archive on \`/dev/null\` (also via \`> /dev/null\`) and then does not read the files at all, which would make it look faster than any real archiver. Size = archive bytes produced. Peak RSS: \`packTemplate\` in a fresh Node process (\`process.resourceUsage().maxRSS\`, median of ${RSS_RUNS}); a process that only imports the SDK peaks at ${bytes(rssImportOnly)}, so the pack itself adds the difference. GNU tar: GNU time's \`%M\` of \`sh -c 'tar -cf - … | cat > /dev/null'\` (the largest of sh, tar and cat).

Tree (b): ${FILES} text files in ${folders} folders up to three levels deep, ${bytes(CONTENT_BYTES)} of content, packing into ${bytes(archiveB.size)} (${archiveB.files.length} entries). The issue asks for a 900 KB tree; 900 KB of *content* in 400 files cannot be packed at all, since 400 tar headers (200 KiB) plus padding would put the archive above Coder's 1 MiB limit and \`packTemplate\` refuses it up front (as the coder CLI does), so the tree is sized for a ~900 KB archive instead. Tree (c) is the same files plus \`.terraform/\` with ${TF_FILES} provider binaries of ${bytes(TF_FILE_BYTES)} (random bytes).

${table(["Subject", "Baseline", "Median", "Spread", "Ratio", "Target", "Met?", "Size", "Peak RSS"], rows)}

- (b) against GNU tar: ${ratio(rB)} (target ≤ 2x: ${metB ? "met" : "**not met**"}). ${
  metB
    ? ""
    : `What limits it: per file, packTemplate makes a \`stat\` and a \`readFile\` (open, fstat, read, close), each a round trip to libuv's thread pool, and awaits them one after another so that entries land in Coder's walk order; that is ${((s("pack-b").median / archiveB.files.length) * 1000).toFixed(0)} µs per entry here against ${((s("tar-b").median / archiveB.files.length) * 1000).toFixed(0)} µs for GNU tar, which makes the same system calls synchronously in one thread. The I/O alone, done the same way without building any archive, takes ${ms(s("io-promises").median)} (${ratio(s("io-promises").median / s("pack-b").median)} of packTemplate's time), against ${ms(s("io-sync").median)} with synchronous calls: the cost is in the promise-based file API (a \`FileHandle\`, four thread-pool hops and the event loop between each), not in the archive code. Reading the files with bounded concurrency (or synchronously, the files being small) while keeping the order would remove most of the wait.`
}
- (c) against (b): ${ratio(rC)} (target ≤ 1.2x: ${metC ? "met" : "**not met**"}). The archives of (b) and (c) are ${sameArchive ? "byte-identical (same SHA-256)" : "**different**"}: \`.terraform/\` is skipped by name before it is listed, so its ${bytes(TF_FILES * TF_FILE_BYTES)} are never opened. GNU tar, which does not know Coder's rules, archives all of it (${bytes(sizes.get("tar-c"))}) in ${ms(s("tar-c").median)}; told to \`--exclude\` it, it takes ${ms(s("tarx-c").median)}.
- (a) the project's template: ${ms(s("pack-a").median)} for ${packs.get("pack-a").files.length} entries (${bytes(packs.get("pack-a").size)}), GNU tar ${ms(s("tar-a").median)}.
`;
writeSection("pack", body, targets);
