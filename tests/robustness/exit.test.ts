// The built CLI as a process, with its stdout on a pipe: every byte of a large answer reaches the reader, and a
// reader that goes away early (`spt-coder list -o json | head -c 10`) ends the CLI quietly, not with an EPIPE
// stack trace. (The wait for a slow reader before the exit: backpressure.test.ts, on a controllable clock.)
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, tempHome } from "../e2e/helpers.js";
import { privateCli } from "./cli.js";

const WORKSPACES = 4_000;
let server: Server;
let url: string;

beforeAll(async () => {
  await privateCli();
  const list = Array.from({ length: WORKSPACES }, (_, i) => ({
    id: `w${i}`,
    name: `workspace-${i}`,
    owner_name: "admin",
    template_name: "spt-flow",
    latest_build: { status: "running", created_at: "2026-01-01T00:00:00Z" },
    notes: "x".repeat(400),
  }));
  server = createServer((request, response) => {
    const headers = { "content-type": "application/json", "x-coder-build-version": "v2.36.0" };
    const body = request.url?.startsWith("/api/v2/buildinfo")
      ? { version: "v2.36.0", dashboard_url: "http://127.0.0.1" }
      : { workspaces: list, count: list.length };
    response.writeHead(200, headers).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Runs `spt-coder list -o json`; `take` bytes of stdout are read, then the pipe is closed (all when undefined). */
async function list(take?: number) {
  const home = await tempHome();
  // A token that is nowhere in the answer: the CLI prints a known secret as ***, and "x" * 10 turned each run of ten
  // x in the workspaces' notes into *** (1.4 MiB reached the reader, not 2.2).
  const env = cliEnv(home, {
    CODER_URL: url,
    CODER_SESSION_TOKEN: "ExitTest01-0123456789abcdefghijkl",
    NO_COLOR: "1",
  });
  const child = spawn(process.execPath, [await privateCli(), "list", "-o", "json"], {
    env,
    cwd: home,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = Buffer.alloc(0);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (t: string) => {
    stderr += t;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    stdout = Buffer.concat([stdout, chunk]);
    if (take !== undefined && stdout.length >= take) child.stdout.destroy();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

describe("spt-coder's output on a pipe", () => {
  it("reaches the reader whole: a JSON list of over a MiB parses, exit 0", async () => {
    const run = await list();
    expect(run.code, run.stderr).toBe(0);
    // Far more than a pipe holds (64 KiB): what a reader gets late must still arrive whole.
    expect(run.stdout.length).toBeGreaterThan(1024 * 1024);
    expect(JSON.parse(run.stdout.toString("utf8"))).toHaveLength(WORKSPACES);
  });

  it("a reader that goes away after 10 bytes ends the CLI without an EPIPE stack trace", async () => {
    const run = await list(10);
    expect(run.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(run.code).toBe(0);
  });
});
