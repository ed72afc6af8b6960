import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "vitest";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The built CLI, as users run it. */
export const CLI = join(ROOT, "packages", "cli", "dist", "spt-coder.js");

const run = promisify(execFile);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name === "dist") continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

function stale(output: string, inputs: string[]): boolean {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

/**
 * Builds the CLI bundle (and the fake's dist, which `--demo` loads) when missing or older than their sources.
 * Test files run in parallel processes, so a lock folder makes one of them build while the others wait.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(
    tmpdir(),
    `spt-coder-e2e-build-${createHash("sha1").update(ROOT).digest("hex").slice(0, 8)}`,
  );
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a killed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 120_000) rmSync(lock, { force: true, recursive: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const fake = join(ROOT, "packages", "fake-coder");
    if (stale(join(fake, "dist", "index.js"), [join(fake, "src")])) {
      await run(
        process.execPath,
        [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(fake, "tsconfig.build.json")],
        { cwd: fake },
      );
    }
    const cli = join(ROOT, "packages", "cli");
    const inputs = [
      join(cli, "src"),
      join(cli, "build.mjs"),
      join(ROOT, "packages", "sdk", "src"),
      join(ROOT, "template"),
    ];
    if (stale(CLI, inputs)) await run(process.execPath, [join(cli, "build.mjs")], { cwd: cli });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Strings that must never appear in any output: session tokens (and their secret halves). */
const secrets = new Set<string>();

/** Registers a token that no run may print. */
export function addSecret(token: string): void {
  secrets.add(token);
  const secretHalf = token.split("-")[1];
  if (secretHalf && secretHalf.length >= 16) secrets.add(secretHalf);
}

/** Fails the test if `text` contains a registered secret. */
export function expectNoSecrets(text: string): void {
  for (const secret of secrets) {
    expect(text.includes(secret), "a session token appeared in the CLI's output").toBe(false);
  }
}

/** Every regular file under `dir`, hidden ones included. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Fails when a file under `dir` holds a registered secret, except the `allowed` files (spt-coder's config),
 * which must then be readable by their owner only.
 */
export async function expectNoSecretsInFiles(dir: string, allowed: string[] = []): Promise<void> {
  for (const file of await filesUnder(dir)) {
    if (allowed.includes(file)) {
      expect((await stat(file)).mode & 0o077, `${file} is readable by others`).toBe(0);
      continue;
    }
    // Tokens are ASCII: Latin-1 reads any bytes without losing them.
    const text = (await readFile(file)).toString("latin1");
    try {
      expectNoSecrets(text);
    } catch (error) {
      throw new Error(`${file} holds a session token`, { cause: error });
    }
  }
}

const homes: string[] = [];
/**
 * After every test file (tests/support/per-file-hooks.ts registers it, so it also runs when files share their
 * modules): before a home is deleted, every file the runs wrote there is scanned: a token may only sit in a
 * credentials file (spt-coder's 0600 config, or a coder `session` file that a test wrote to act as `coder
 * login`), and those must be 0600.
 */
export async function scanAndRemoveHomes(): Promise<void> {
  for (const home of homes) {
    const credentials = (await filesUnder(home)).filter(
      (file) => file.endsWith(join("spt-coder", "config.json")) || file.endsWith("/session"),
    );
    await expectNoSecretsInFiles(home, credentials);
  }
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
}

/** A temporary HOME with empty config folders, so the developer's own config never leaks into a test. */
export async function tempHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "spt-e2e-home-"));
  homes.push(home);
  return home;
}

/** The environment of a CLI run: nothing inherited but PATH and the Node options the test runner needs. */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    // The run's own temporary folder (tests/support/temp-root.ts): Node 22+ keeps the CLI's compile cache there.
    TMPDIR: tmpdir(),
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    CODER_CONFIG_DIR: join(home, ".config", "coderv2"),
    DOCKER_HOST: `unix://${join(home, "no-docker.sock")}`,
    ...extra,
  };
}

/** One CLI process and what it printed so far. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (or stdout) matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

/** How a CLI run ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the built CLI as a separate process. */
export function startCli(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: options.env,
    cwd: options.cwd ?? options.env.HOME,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (t: string) => {
    stdout += t;
  });
  child.stderr?.setEncoding("utf8").on("data", (t: string) => {
    stderr += t;
  });
  const done = new Promise<CliResult>((resolveDone) => {
    child.on("close", (code, signal) => {
      expectNoSecrets(stdout + stderr);
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    async waitFor(pattern, timeoutMs = 100_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stderr) && !pattern.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`timed out waiting for ${pattern}; stderr so far:\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Runs the built CLI to its end. */
export function runCli(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Promise<CliResult> {
  return startCli(args, options).done;
}
