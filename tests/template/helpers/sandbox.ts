import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SCRIPTS_DIR } from "./template.js";

const STUBS_DIR = fileURLToPath(new URL("../stubs/", import.meta.url));

/** Stubs with their own behaviour (see each file in tests/template/stubs). */
const SPECIAL_STUBS = [
  "apt-get",
  "chown",
  "curl",
  "dpkg-query",
  "git",
  "groupadd",
  "groupmod",
  "kvm-ok",
  "ssh-keygen",
  "stat",
  "sudo",
  "tar",
  "uname",
  "useradd",
  "usermod",
];

/** Commands that only need to be recorded: the generic stub stands in for them. */
const RECORDING_STUBS = ["chgrp", "code-server", "go", "runuser", "rustup", "ssh-keyscan", "wash"];

/** What one script run did. */
export interface RunResult {
  status: number | null;
  /** stdout and stderr together, as Coder's script log shows them. */
  output: string;
  /** The stubbed commands called during this run, one "name args" line each, in order. */
  calls: string[];
}

/**
 * A throwaway root for running the template's scripts: a home folder, a fake system root, and a
 * PATH whose first entry holds stubs that record their calls instead of touching the machine.
 */
export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), "spt-flow-test-"));
  readonly home = join(this.dir, "home", "coder");
  readonly root = join(this.dir, "root");
  readonly bin = join(this.dir, "bin");
  /** Download fixtures for the curl stub, by the URL's last segment. */
  readonly files = join(this.dir, "files");
  readonly stateDir = join(this.home, ".local", "state", "spt-flow");
  private readonly log = join(this.dir, "calls.log");
  private readonly stubState = join(this.dir, "stub-state");

  constructor() {
    for (const dir of [this.home, this.root, this.bin, this.files, this.stubState, join(this.dir, "tmp")]) {
      mkdirSync(dir, { recursive: true });
    }
    writeFileSync(this.log, "");
    for (const name of SPECIAL_STUBS) this.installStub(name, name);
    for (const name of RECORDING_STUBS) this.installStub("generic", name);
  }

  private installStub(source: string, name: string): void {
    const target = join(this.bin, name);
    copyFileSync(join(STUBS_DIR, source), target);
    chmodSync(target, 0o755);
  }

  /** Puts a recording stub (it succeeds at once) in front of the real `name`, e.g. sleep. */
  recordOnly(name: string): void {
    this.installStub("generic", name);
  }

  /** Writes a download fixture: an "archive" for the tar stub lists the paths it contains. */
  fixture(name: string, lines: string[]): void {
    writeFileSync(join(this.files, name), `${lines.join("\n")}\n`);
  }

  /** Runs a template script with bash, the stubs first on PATH, and only the given environment. */
  run(script: string, env: Record<string, string> = {}, args: string[] = []): RunResult {
    const before = this.allCalls().length;
    const result = spawnSync("bash", [join(SCRIPTS_DIR, script), ...args], {
      cwd: this.dir,
      encoding: "utf8",
      timeout: 30_000,
      env: {
        PATH: `${this.bin}:/usr/local/bin:/usr/bin:/bin`,
        HOME: this.home,
        TMPDIR: join(this.dir, "tmp"),
        LANG: "C.UTF-8",
        STUB_LOG: this.log,
        STUB_STATE: this.stubState,
        STUB_FILES: this.files,
        ...env,
      },
    });
    if (result.error) throw result.error;
    return {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
      calls: this.allCalls().slice(before),
    };
  }

  /**
   * Runs a template script like run(), without blocking the event loop (so a loopback server in
   * this process can answer its downloads). `path` replaces the stubs-first PATH.
   */
  runAsync(script: string, env: Record<string, string>, path: string): Promise<RunResult> {
    const before = this.allCalls().length;
    return new Promise((resolve, reject) => {
      const child = spawn("bash", [join(SCRIPTS_DIR, script)], {
        cwd: this.dir,
        env: {
          PATH: path,
          HOME: this.home,
          TMPDIR: join(this.dir, "tmp"),
          LANG: "C.UTF-8",
          STUB_LOG: this.log,
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("error", reject);
      child.on("close", (status) => {
        clearTimeout(timer);
        resolve({ status, output, calls: this.allCalls().slice(before) });
      });
    });
  }

  /** Every stub call so far. */
  allCalls(): string[] {
    return readFileSync(this.log, "utf8").split("\n").filter(Boolean);
  }

  /** Whether a path below the home folder exists. */
  hasInHome(relative: string): boolean {
    return existsSync(join(this.home, relative));
  }

  /** Deletes the sandbox; retried, since a stub the scripts left in the background may still be writing. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** Index of the first call starting with `prefix`, or -1; for order assertions. */
export function callIndex(calls: string[], prefix: string): number {
  return calls.findIndex((call) => call.startsWith(prefix));
}
