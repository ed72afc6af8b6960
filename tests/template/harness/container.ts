import { spawn } from "node:child_process";
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
import type { Evaluated } from "./evaluate.js";

const HARNESS_DIR = fileURLToPath(new URL("./", import.meta.url));

/** What the image's ENV gives every process (ubuntu:22.04 and debian:12 set the same PATH). */
const IMAGE_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
/** Docker's init (docker-init is tini), which `init = true` puts in front of the entrypoint. */
const DOCKER_INIT = ["/usr/bin/tini", "--"];

/** How the stand-in agent starts: what the agent's init script ends with is `exec ./coder agent`. */
export const AGENT_INIT_SCRIPT = "exec python3 /spt-harness/agent.py /spt-harness/agent.json /spt-results";

/** One script run as the stand-in agent saw it. */
export interface ScriptRun {
  exit: number;
  timed_out: boolean;
  seconds: number;
  output: string;
}

/** What the stand-in agent reports after a start. */
export interface AgentResults {
  uid: number;
  user: string;
  shell: string;
  pid1: string;
  scripts: Record<string, ScriptRun>;
  metadata: Record<string, ScriptRun>;
  checks: Record<string, ScriptRun>;
  zombies: Array<{ pid: number; comm: string; ppid: number }>;
  leftovers: Array<{ pid: number; comm: string; ppid: number }>;
}

export interface StartResult {
  /** Exit status of the container's PID 1. */
  status: number | null;
  /** Everything PID 1 and its children printed: `docker logs`. */
  logs: string;
  results: AgentResults;
}

/**
 * A workspace on a pretend Docker host: a home volume that outlives its containers, and a start
 * that builds a container from the evaluated template the way Docker would.
 */
export class HarnessWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), "spt-flow-host-"));
  /** The named volume's folder: new Docker volumes are root-owned 0755 folders. */
  readonly volume = join(this.dir, "volume");
  private starts = 0;

  constructor(private readonly rootfs: string) {
    mkdirSync(this.volume, { mode: 0o755 });
  }

  /** Creates and starts a container from `evaluated`; resolves once its PID 1 has exited. */
  async start(
    evaluated: Evaluated,
    checks: Record<string, string> = {},
    timeoutMs = 240_000,
  ): Promise<StartResult> {
    const run = join(this.dir, `start-${++this.starts}`);
    const harness = join(run, "harness");
    const results = join(run, "results");
    const staged = join(run, "uploads");
    for (const dir of [run, harness, results, staged]) mkdirSync(dir, { recursive: true });
    chmodSync(harness, 0o755);
    chmodSync(results, 0o777);

    const c = evaluated.container;
    const uploads = [
      ...((c.upload as Array<Record<string, unknown>>) ?? []),
      ...(evaluated.dynamic.upload ?? []),
    ];
    const uploadLines = uploads.map((upload, i) => {
      // The provider writes `permissions` when set, else 0744 for executable and 0644 otherwise.
      const mode = String(upload.permissions ?? (upload.executable === true ? "0744" : "0644"));
      const source = join(staged, String(i));
      writeFileSync(source, String(upload.content));
      return `${mode}\t${upload.file}\t${source}`;
    });
    const volumes = ((c.volumes as Array<Record<string, unknown>>) ?? []).map(
      (v) => `${v.container_path}\t${this.volume}`,
    );
    const devices = [
      ...((c.devices as Array<Record<string, unknown>>) ?? []),
      ...(evaluated.dynamic.devices ?? []),
    ].map((d) => {
      const host = String(d.host_path);
      // What Docker answers when the host lacks a device the container asks for.
      if (!existsSync(host))
        throw new Error(
          `error gathering device information while adding custom device "${host}": no such file or directory`,
        );
      return `${d.container_path ?? host}\t${host}`;
    });
    writeFileSync(join(run, "uploads.tsv"), lines(uploadLines));
    writeFileSync(join(run, "volumes.tsv"), lines(volumes));
    writeFileSync(join(run, "devices.tsv"), lines(devices));
    const env = [...IMAGE_ENV, `HOSTNAME=${c.hostname}`, "HOME=/root", ...((c.env as string[]) ?? [])];
    const argv = [
      ...(c.init === true ? DOCKER_INIT : []),
      ...((c.entrypoint as string[]) ?? []),
      ...((c.command as string[]) ?? []),
    ];
    writeFileSync(join(run, "env.bin"), nul(env));
    writeFileSync(join(run, "argv.bin"), nul(argv));

    copyFileSync(join(HARNESS_DIR, "agent.py"), join(harness, "agent.py"));
    const metadata = Object.fromEntries(
      evaluated.metadata.map((m) => [m.key, { script: m.script, timeout: m.timeout }]),
    );
    const scripts = Object.fromEntries(
      Object.entries(evaluated.scripts)
        .filter(([, s]) => s.run_on_start)
        .map(([name, s]) => [name, { script: s.script, timeout: s.timeout }]),
    );
    writeFileSync(
      join(harness, "agent.json"),
      JSON.stringify({ env: evaluated.agentEnv, scripts, metadata, checks }),
    );

    const { status, output } = await runContainer(
      [
        "--pid",
        "--fork",
        "--mount",
        "--kill-child",
        "--propagation",
        "private",
        "bash",
        join(HARNESS_DIR, "launch.sh"),
      ],
      {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        ROOTFS: this.rootfs,
        RUN_DIR: run,
        HARNESS_DIR: harness,
        RESULTS_DIR: results,
      },
      timeoutMs,
    );
    const file = join(results, "results.json");
    if (!existsSync(file))
      throw new Error(`the stand-in agent left no results (PID 1 exit ${status}):\n${output}`);
    return { status, logs: output, results: JSON.parse(readFileSync(file, "utf8")) as AgentResults };
  }

  /** A file in the home volume, as the host sees it. */
  homeFile(relative: string): string {
    return join(this.volume, relative);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const lines = (list: string[]) => (list.length ? `${list.join("\n")}\n` : "");
const nul = (list: string[]) => Buffer.from(list.map((s) => `${s}\0`).join(""));

function runContainer(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("unshare", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}
