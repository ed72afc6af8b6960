// `pnpm bench [names...] [--smoke]`: runs the benchmarks (all, or the named ones) one after another, each in its
// own Node process so that one's memory and timers never skew another's. `--smoke` runs each with tiny counts and
// leaves RESULTS.md alone: CI uses it to check that the scripts still work.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { missingBuilds, NEEDS } from "./lib/paths.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const all = Object.keys(NEEDS);
const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const names = args.filter((a) => !a.startsWith("--"));
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length > 0 || args.includes("--help")) {
  console.error(
    `usage: pnpm bench [--smoke] [${all.join("|")} ...]${unknown.length ? `\nunknown: ${unknown.join(", ")}` : ""}`,
  );
  process.exit(unknown.length ? 2 : 0);
}
const selected = names.length > 0 ? names : all;
const missing = missingBuilds(selected);
if (missing.length > 0) {
  console.error(
    `The benchmarks run the built packages; missing:\n  ${missing.join("\n  ")}\nRun \`pnpm build\` first.`,
  );
  process.exit(1);
}

const viaPnpm = process.env.npm_lifecycle_event === "bench";
const command = `${viaPnpm ? "pnpm bench" : "node bench/run.mjs"}${args.length ? ` ${args.join(" ")}` : ""}`;
const failed = [];
for (const name of selected) {
  console.log(`\n=== ${name}${smoke ? " (smoke)" : ""} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`), ...(smoke ? ["--smoke"] : [])], {
    stdio: "inherit",
    env: { ...process.env, SPT_BENCH_COMMAND: command, SPT_BENCH_SMOKE: smoke ? "1" : "0" },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) console.log(`=== ${name}: done in ${seconds} s ===`);
  else {
    console.error(`=== ${name}: FAILED (exit ${result.status ?? result.signal}) after ${seconds} s ===`);
    failed.push(name);
  }
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(", ")}`);
  process.exit(1);
}
