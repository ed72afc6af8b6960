// The CLI as the in-process robustness tests run it: `main(argv, io)` from the sources, with the case's
// environment, folder and home, and no terminal; the same result shape and secret check as the spawned runs of
// ./cli.ts. A run as another user (file modes only stop non-root) still needs a process, and SPT_TEST_SPAWN=1
// sends every run through the built bundle instead.
import { Readable } from "node:stream";
import type { Io } from "../../packages/cli/src/io.js";
import { main } from "../../packages/cli/src/main.js";
import { expectNoSecrets } from "../e2e/helpers.js";
import { type CliRun, type CliRunOptions, runCli as spawnCli } from "./cli.js";

/** How an in-process run differs from a spawned one: a terminal, and answers to prompts. */
export interface InProcessOptions extends CliRunOptions {
  /** Every stream is a terminal (colour on unless NO_COLOR; prompts allowed). */
  tty?: boolean;
  /** Answers each prompt; sees the question exactly as it would be drawn. */
  prompt?: (question: string) => string;
}

/** Runs one CLI command to its end, in-process where it can; stdout and stderr never hold a registered secret. */
export async function runCli(args: string[], options: InProcessOptions): Promise<CliRun> {
  if (options.uid !== undefined || process.env.SPT_TEST_SPAWN === "1") return spawnCli(args, options);
  let stdout = "";
  let stderr = "";
  const home = options.env.HOME ?? "/nonexistent-home";
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: () => Readable.from([]),
    env: options.env,
    cwd: options.cwd ?? home,
    home,
    isTTY: { stdin: !!options.tty, stdout: !!options.tty, stderr: !!options.tty },
    columns: 100,
    ...(options.prompt ? { prompt: async (question: string) => options.prompt!(question) } : {}),
    onInterrupt: () => () => {},
    exit: (code: number): never => {
      throw new Error(`the CLI asked to exit with ${code} in-process`);
    },
  };
  const code = await main(args, io);
  expectNoSecrets(stdout + stderr);
  return { code, stdout, stderr };
}
