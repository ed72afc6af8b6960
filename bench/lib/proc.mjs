// Child processes for benchmarks: wall time of one run, and peak RSS through /usr/bin/time when it exists.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs a command to completion with its output discarded; returns the wall time in ms. Throws on failure. */
export function timedRun(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.status}: ${String(result.stderr ?? "").slice(0, 500)}`,
    );
  }
  return elapsed;
}

const GNU_TIME = "/usr/bin/time";

/** Whether peak memory of child processes can be measured (GNU time's %M). */
export const canMeasureChildRss = existsSync(GNU_TIME);

/**
 * Peak resident set size (bytes) of a command, from GNU time's `%M` (KiB), or undefined when /usr/bin/time is
 * missing. `shell` runs `command` through sh (for pipes).
 */
export function peakRss(command, args = [], options = {}) {
  if (!canMeasureChildRss) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "spt-bench-time-"));
  const out = join(dir, "rss");
  try {
    const result = spawnSync(GNU_TIME, ["-f", "%M", "-o", out, command, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      ...options,
    });
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(" ")} failed: ${String(result.stderr).slice(0, 500)}`);
    return Number.parseInt(readFileSync(out, "utf8").trim().split("\n").pop(), 10) * 1024;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
