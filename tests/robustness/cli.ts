// The built CLI as the robustness and security tests run it: a private copy of the bundle, so that a rebuild
// started by another test process (ensureBuilt, when sources changed) cannot swap chunks under a running case.
import { spawn } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLI, ensureBuilt, expectNoSecrets } from "../e2e/helpers.js";

/** How a CLI process ended. */
export interface CliRun {
  code: number | null;
  /** The process outlived `killAfterMs` and was killed. */
  killed?: boolean;
  stdout: string;
  stderr: string;
}

/** Options of one run. */
export interface CliRunOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this uid/gid (tests running as root use it where file modes must apply). */
  uid?: number;
  /** Flags for node itself, before the script (e.g. `--expose-gc`). */
  nodeArgs?: string[];
  /** Kill the process (SIGKILL) if it is still running after this long; `code` is then null and `killed` true. */
  killAfterMs?: number;
}

let copy: string | undefined;

/** After every test file (tests/support/per-file-hooks.ts): removes the private copy; the next file makes its own. */
export function removePrivateCli(): void {
  if (copy) rmSync(dirname(copy), { recursive: true, force: true });
  copy = undefined;
}

/**
 * Builds the CLI when stale, then copies the bundle under `packages/cli/node_modules/` (bare imports still
 * resolve from there, and the shipped template comes along). Returns the copy's entry point.
 */
export async function privateCli(): Promise<string> {
  if (copy) return copy;
  await ensureBuilt();
  const dist = dirname(CLI);
  const into = mkdtempSync(join(dist, "..", "node_modules", ".spt-test-cli-"));
  chmodSync(into, 0o755); // an unprivileged run must be able to load it
  cpSync(dist, into, { recursive: true });
  copy = join(into, "spt-coder.js");
  return copy;
}

/** Runs the private CLI copy to its end; stdout and stderr never hold a registered secret. */
export async function runCli(args: string[], options: CliRunOptions): Promise<CliRun> {
  const cli = await privateCli();
  const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], {
    env: options.env,
    cwd: options.cwd ?? options.env.HOME,
    stdio: ["ignore", "pipe", "pipe"],
    ...ids,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (t: string) => {
    stdout += t;
  });
  child.stderr.setEncoding("utf8").on("data", (t: string) => {
    stderr += t;
  });
  let killed = false;
  const killer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          killed = true;
          child.kill("SIGKILL");
        }, options.killAfterMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      expectNoSecrets(stdout + stderr);
      resolve({ code, killed, stdout, stderr });
    });
  });
}
