import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const built = existsSync(BIN);
if (!built) {
  console.warn(
    `\n*** fake-coder bin tests SKIPPED: ${BIN} is missing; run \`pnpm --filter @spt-coder/fake-coder build\` ***\n`,
  );
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts the bin and resolves with its first stdout chunk. */
function start(args: string[] = []): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (data: Buffer) => resolve({ child, out: data.toString() }));
    child.once("exit", (code) => reject(new Error(`fake-coder exited with ${code}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe.skipIf(!built)("fake-coder bin", () => {
  // How fast it starts is measured outside the suite (timed tests are flaky on a loaded machine); this checks
  // that what it prints works.
  it("prints a working URL and token", async () => {
    const { child, out } = await start();
    const url = /^CODER_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
    const token = /^CODER_SESSION_TOKEN=([a-zA-Z0-9]{10}-[a-zA-Z0-9]{22})$/m.exec(out)?.[1];
    expect(url).toBeDefined();
    const me = await fetch(`${url}/api/v2/users/me`, { headers: { "Coder-Session-Token": token! } });
    expect((await me.json()).username).toBe("admin");
    const exited = exitOf(child);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("takes --port and --json", async () => {
    const probe = await start(["--json"]);
    const { url } = JSON.parse(probe.out) as { url: string };
    const port = Number(new URL(url).port);
    const exited = exitOf(probe.child);
    probe.child.kill("SIGTERM");
    await exited;
    const { out } = await start(["--port", String(port), "--json", "--step-delay-ms", "0"]);
    expect(JSON.parse(out).url).toBe(`http://127.0.0.1:${port}`);
  });

  it("refuses a bad flag with exit code 2", async () => {
    const child = spawn(process.execPath, [BIN, "--port", "abc"], { stdio: "ignore" });
    children.push(child);
    expect(await exitOf(child)).toBe(2);
  });

  it("says in one line that a busy port is busy, with exit code 2", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as { port: number };
    try {
      const child = spawn(process.execPath, [BIN, "--port", String(port)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let stderr = "";
      child.stderr!.setEncoding("utf8").on("data", (t: string) => {
        stderr += t;
      });
      expect(await exitOf(child)).toBe(2);
      expect(stderr).toBe(
        `fake-coder: port ${port} on 127.0.0.1 is already in use; pick another with --port N, or --port 0 for a free one\n`,
      );
    } finally {
      busy.close();
    }
  });

  it("refuses a port above 65535 with exit code 2", async () => {
    const child = spawn(process.execPath, [BIN, "--port", "99999"], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (t: string) => {
      stderr += t;
    });
    expect(await exitOf(child)).toBe(2);
    expect(stderr).toBe("fake-coder: --port must be 0 to 65535, got 99999\n");
  });
});
