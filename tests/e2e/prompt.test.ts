import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, CLI, cliEnv, ensureBuilt, expectNoSecrets, tempHome } from "./helpers.js";

const exec = promisify(execFile);
const hasTmux = await exec("tmux", ["-V"]).then(
  () => true,
  () => false,
);

/** A private tmux server (its own socket), so no user session is touched. */
const SOCKET = `spt-e2e-${process.pid}`;
const tmux = (...args: string[]) => exec("tmux", ["-L", SOCKET, ...args]);
const pane = async () => (await tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "cli")).stdout;

async function waitForPane(pattern: RegExp, timeoutMs = 100_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await pane();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in the terminal:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

let fake: RunningFakeCoder;
beforeAll(async () => {
  await ensureBuilt();
  fake = await startFakeCoder({ stepDelayMs: 5 });
  addSecret(fake.token);
}, 180_000);
afterAll(async () => {
  await tmux("kill-server").catch(() => {});
  await fake.close();
});

describe.skipIf(!hasTmux)("in a real terminal", () => {
  it("asks for the Coder URL again with the reason, offers `spt-coder server`, confirms the upload, then goes on", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const env = cliEnv(await tempHome(), { CODER_SESSION_TOKEN: fake.token, TERM: "xterm-256color" });
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(String(v))}`);
    const command = [
      "env -i",
      ...assignments,
      shellQuote(process.execPath),
      shellQuote(CLI),
      "up --repo https://github.com/acme/tty-app",
      "; echo EXIT=$?; sleep 60",
    ].join(" ");
    await tmux("new-session", "-d", "-s", "cli", "-x", "160", "-y", "60", command);

    await waitForPane(/Coder URL:\s*$/);
    expect(await pane()).toContain("No Coder yet? spt-coder server starts one locally in Docker.");
    await tmux("send-keys", "-t", "cli", "-l", deadUrl);
    await tmux("send-keys", "-t", "cli", "Enter");
    const second = await waitForPane(/refused.*\nCoder URL:\s*$/);
    expect(second).toMatch(/✘ Could not reach http:\/\/127\.0\.0\.1:\d+: the connection was refused/);

    await tmux("send-keys", "-t", "cli", "-l", fake.url);
    await tmux("send-keys", "-t", "cli", "Enter");
    // On a terminal, uploading a folder is confirmed first, as coder does (default yes).
    await waitForPane(
      /Template "spt-flow" is not on .*\. Upload ".*template" to create it\? \(YES\/no\)\s*$/,
    );
    await tmux("send-keys", "-t", "cli", "Enter");
    const done = await waitForPane(/EXIT=\d+/, 60_000);
    expect(done).toContain("EXIT=0");
    expect(done).toMatch(/Workspace tty-app is running \(created\)/);
    expect(done).toMatch(/=== ✔ Building workspace/);
    expectNoSecrets(done);
  });
});
