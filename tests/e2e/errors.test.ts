import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, cliEnv, ensureBuilt, runCli, tempHome } from "./helpers.js";

const REPO = "https://github.com/acme/app";
let fake: RunningFakeCoder;
let html: Server;
let htmlUrl: string;
let home: string;

beforeAll(async () => {
  await ensureBuilt();
  fake = await startFakeCoder({ stepDelayMs: 5 });
  addSecret(fake.token);
  home = await tempHome();
  // A web app that answers every path with a page, as a single-page app or a proxy's login page does.
  html = createServer((_req, res) => {
    res
      .writeHead(200, { "Content-Type": "text/html" })
      .end("<!doctype html><html><body>Welcome</body></html>");
  });
  await new Promise<void>((resolve) => html.listen(0, "127.0.0.1", resolve));
  htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await fake.close();
  html.close();
});

describe("errors, without a terminal", () => {
  it("without a URL: a usage error that names --url and CODER_URL (exit 2)", async () => {
    const result = await runCli(["up", "--repo", REPO], { env: cliEnv(home) });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("error: No Coder URL was given.");
    expect(result.stderr).toMatch(/Suggestion: Pass --url <url> or set CODER_URL/);
  });

  it("a URL serving HTML is not a Coder server (exit 2), and the token is never sent to it", async () => {
    let sawToken = false;
    html.on("request", (req) => {
      if (req.headers["coder-session-token"]) sawToken = true;
    });
    const result = await runCli(["up", "--repo", REPO], {
      env: cliEnv(home, { CODER_URL: htmlUrl, CODER_SESSION_TOKEN: fake.token }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /error: The Coder URL "http:\/\/127\.0\.0\.1:\d+" cannot be used: .*is not a Coder server/,
    );
    expect(result.stderr).toMatch(
      /Suggestion: Check --url \/ CODER_URL \(this one came from the environment\)/,
    );
    expect(sawToken).toBe(false);
  });

  it("sends its requests through Node's own HTTP client, not fetch (bench 10: a short run pays undici's start)", async () => {
    const headers: Array<Record<string, unknown>> = [];
    const seen = (req: { headers: Record<string, unknown> }) => headers.push(req.headers);
    html.on("request", seen);
    await runCli(["up", "--repo", REPO], { env: cliEnv(home, { CODER_URL: htmlUrl }) });
    html.off("request", seen);
    expect(headers.length).toBeGreaterThan(0);
    // undici's fetch marks every request with the Fetch standard's `sec-fetch-mode`; node:http sends no such header.
    for (const h of headers) expect(h).not.toHaveProperty("sec-fetch-mode");
    expect(headers[0]?.["accept-encoding"]).toBe("gzip, deflate, br");
  });

  it("a refused connection says so (exit 2)", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runCli(["up", "--repo", REPO, "--url", `http://127.0.0.1:${port}`], {
      env: cliEnv(home),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the connection was refused/);
  });

  it("a bad token is an auth error (exit 3), also as JSON", async () => {
    const bad = "AbCdEfGhIj-0123456789abcdefghijkl";
    addSecret(bad);
    const env = cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: bad });
    const result = await runCli(["up", "--repo", REPO], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: You are signed out/m);
    // The token came from the environment, so the suggestion names the variable.
    expect(result.stderr).toMatch(
      /Suggestion: The token came from the environment variable CODER_SESSION_TOKEN/,
    );
    const json = await runCli(["up", "--repo", REPO, "-o", "json"], { env });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: "auth", exit_code: 3, status: 401 });
  });

  it("no token at all: exit 3 with how to log in", async () => {
    const result = await runCli(["list"], { env: cliEnv(home, { CODER_URL: fake.url }) });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("You are not logged in");
    expect(result.stderr).toContain(`spt-coder login ${fake.url}`);
  });

  it("a missing workspace is exit 4", async () => {
    const env = cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token });
    const result = await runCli(["status", "nope"], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('error: Workspace "nope" was not found.');
  });

  it("a failed build is exit 5 and says what exists", async () => {
    fake.faults.failJob({
      type: "workspace_build",
      error: "docker: image not found",
      atStage: "Starting workspace",
    });
    const env = cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token });
    const result = await runCli(["up", "--repo", REPO, "--name", "broken"], { env });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/=== ✘ /);
    expect(result.stderr).toContain("docker: image not found");
    expect(result.stderr).toMatch(/Already created: .*workspace broken/);
  });
});
