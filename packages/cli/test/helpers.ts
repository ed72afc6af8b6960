import { Readable } from "node:stream";
import type { Io } from "../src/io.js";
import { main } from "../src/main.js";

/** Runs `main()` in-process with captured output and a fake environment. */
export async function run(
  argv: string[],
  overrides: Partial<Io> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: () => Readable.from([]),
    env: {},
    cwd: process.cwd(),
    home: "/nonexistent-home",
    isTTY: { stdin: false, stdout: false, stderr: false },
    onInterrupt: () => () => {},
    exit: (code: number): never => {
      throw new Error(`exit ${code}`);
    },
    ...overrides,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
