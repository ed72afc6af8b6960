// What a scenario works with: an SDK client and the CLI (in-process), both talking to the target through the
// recorder, names under the run's prefix, and template folders made from the local-agent template.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { type CoderClient, createCoderClient, type User } from "@spt-coder/sdk";
import type { Io } from "../../../packages/cli/src/io.js";
import { main } from "../../../packages/cli/src/main.js";
import type { RunFacts } from "./normalise.js";
import type { Exchange, Recorder } from "./recorder.js";
import type { Target } from "./target.js";

const LOCAL_AGENT = fileURLToPath(new URL("../templates/local-agent/main.tf", import.meta.url));

/** One CLI run's outcome. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Everything a scenario may use; the same on the real Coder and on the fake. */
export interface ScenarioContext {
  kind: Target["kind"];
  /** The run's prefix (`sptr-1a2b3c-`): every name a scenario makes starts with it. */
  prefix: string;
  /** A name under the prefix. */
  name(suffix: string): string;
  client: CoderClient;
  owner: User;
  /** The owner's session token, for requests the SDK has no facade for. */
  token: string;
  /** The CLI, as a user types it (`CODER_URL` and `CODER_SESSION_TOKEN` set); its exit code is recorded. */
  cli(argv: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<CliRun>;
  /** The `--var` flags every push of a test template needs (the agent binary's path). */
  vars: string[];
  /** A template folder: the local-agent template plus `extra` HCL, written under a temporary folder. */
  templateDir(label: string, extra?: string): string;
  /** The agent binary's path, for SDK pushes. */
  agentBinary: string;
}

/** A context for one scenario run, and the means to end it. */
export interface OpenContext {
  context: ScenarioContext;
  facts: RunFacts;
  /** Everything exchanged so far, CLI runs included, in order. */
  take(): Exchange[];
  close(): void;
}

/** Opens a context over `recorder` (in front of `target`). */
export async function openContext(target: Target, recorder: Recorder, prefix: string): Promise<OpenContext> {
  const home = mkdtempSync(join(tmpdir(), "spt-real-"));
  const client = createCoderClient({ url: recorder.url, token: target.token });
  const owner = await client.users.me();
  const log: Exchange[] = [];
  const take = () => {
    log.push(...recorder.take());
    return log.splice(0);
  };
  const base = readFileSync(LOCAL_AGENT, "utf8");
  const context: ScenarioContext = {
    kind: target.kind,
    prefix,
    name: (suffix) => `${prefix}${suffix}`,
    client,
    owner,
    token: target.token,
    agentBinary: target.agentBinary,
    vars: ["--var", `agent_binary=${target.agentBinary}`],
    templateDir(label, extra = "") {
      const dir = join(home, "templates", label);
      mkdirSync(dir, { recursive: true });
      // A comment naming the run makes each folder's archive new to the server: Coder answers an upload it
      // already holds with 200 instead of 201, and a server keeps files across runs.
      writeFileSync(join(dir, "main.tf"), `# ${prefix}${label}\n${base}\n${extra}\n`);
      return dir;
    },
    async cli(argv, options = {}) {
      log.push(...recorder.take());
      const run = await runCli(argv, {
        env: { CODER_URL: recorder.url, CODER_SESSION_TOKEN: target.token, ...options.env },
        home,
        stdin: options.stdin ?? "",
      });
      log.push(...recorder.take());
      log.push({ method: "CLI", path: cliWords(argv), query: [], status: run.code });
      return run;
    },
  };
  const facts: RunFacts = {
    prefix,
    owner: { username: owner.username, email: owner.email, name: owner.name },
    secrets: [target.token, target.token.split("-")[1] ?? target.token],
  };
  return { context, facts, take, close: () => rmSync(home, { recursive: true, force: true }) };
}

// The command's words, up to the first value (names, flags, paths): `up`, `schedule extend`.
function cliWords(argv: string[]): string {
  const words: string[] = [];
  for (const word of argv) {
    if (!/^[a-z]+$/.test(word)) break;
    words.push(word);
  }
  return `spt-coder ${words.join(" ")}`;
}

async function runCli(argv: string[], setup: { env: Record<string, string>; home: string; stdin: string }) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: () => Readable.from([setup.stdin]),
    env: { ...setup.env, HOME: setup.home, NO_COLOR: "1" },
    cwd: setup.home,
    home: setup.home,
    isTTY: { stdin: false, stdout: false, stderr: false },
    onInterrupt: () => () => {},
    exit: (code: number): never => {
      throw new Error(`exit ${code}`);
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
