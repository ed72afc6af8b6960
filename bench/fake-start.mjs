// Benchmark 6: how long the standalone `fake-coder` takes from spawn to printing its URL and token (issue: under a
// second), next to a bare Node process that opens a loopback listener and says so.
import { spawn } from "node:child_process";
import { FAKE_BIN } from "./lib/paths.mjs";
import { SMOKE, table, verdict, writeSection } from "./lib/results.mjs";
import { ms, ratio, spread, summarize } from "./lib/stats.mjs";

const RUNS = SMOKE ? 2 : 20;
const WARMUP = SMOKE ? 0 : 2;
const TARGET_MS = 1000;

const LISTENER = `require("node:http").createServer().listen(0, "127.0.0.1", function () {
  console.log("READY http://127.0.0.1:" + this.address().port);
});`;

const subjects = [
  { id: "baseline", label: "`node -e` loopback listener", args: ["-e", LISTENER], ready: "READY" },
  { id: "fake", label: "`fake-coder` (built bin)", args: [FAKE_BIN], ready: "CODER_SESSION_TOKEN=" },
];

/** Milliseconds from spawn until stdout shows `ready`; the process is then stopped. */
function timeToReady(args, ready) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (!out.includes(ready)) return;
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      child.once("exit", () => resolve(elapsed));
      child.kill("SIGINT");
    });
    child.once("exit", (code) => {
      if (!out.includes(ready))
        reject(new Error(`${args.join(" ")} exited with ${code} before it was ready`));
    });
  });
}

const samples = new Map(subjects.map((s) => [s.id, []]));
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(i + k) % subjects.length];
    const t = await timeToReady(s.args, s.ready);
    if (i >= WARMUP) samples.get(s.id).push(t);
  }
}

const base = summarize(samples.get("baseline"));
const fake = summarize(samples.get("fake"));
const met = fake.median < TARGET_MS;
const body = `
Wall time from spawn until the process prints that it is ready (the fake: its \`CODER_SESSION_TOKEN=\` line, after
it listens on 127.0.0.1), ${RUNS} runs each after ${WARMUP} warm-up rounds, interleaved; each process is stopped with
SIGINT once ready. The baseline is a bare Node process that opens a loopback HTTP listener and prints its URL, so
the difference is what the fake's own start costs (loading its modules, seeding its state).

${table(
  ["Subject", "Baseline", "Median", "Spread", "Ratio", "Target", "Met?"],
  [
    [subjects[0].label, "—", ms(base.median), spread(base), "1.00x", "—", "—"],
    [
      subjects[1].label,
      subjects[0].label,
      ms(fake.median),
      spread(fake),
      ratio(fake.median / base.median),
      `< ${TARGET_MS} ms`,
      verdict(met),
    ],
  ],
)}
`;
writeSection("fake-start", body, [
  { target: `\`fake-coder\` ready in < ${TARGET_MS} ms`, measured: ms(fake.median), met },
]);
console.log(`fake-coder ready: median ${ms(fake.median)} (baseline ${ms(base.median)})`);
