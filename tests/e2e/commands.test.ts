import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, cliEnv, ensureBuilt, runCli, tempHome } from "./helpers.js";

const REPO = "https://github.com/acme/app";
let fake: RunningFakeCoder;

beforeAll(async () => {
  await ensureBuilt();
  fake = await startFakeCoder({ stepDelayMs: 5 });
  addSecret(fake.token);
  const home = await tempHome();
  const up = await runCli(["up", "--repo", REPO], {
    env: cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token }),
  });
  expect(up.code, up.stderr).toBe(0);
}, 180_000);
afterAll(async () => {
  await fake.close();
});

describe("login and configuration", () => {
  it("login checks the token, stores URL and token with mode 0600, and later commands use them", async () => {
    const home = await tempHome();
    const login = await runCli(["login", fake.url, "--token", fake.token], { env: cliEnv(home) });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain("Welcome to Coder, admin! You're authenticated.");
    const file = join(home, ".config", "spt-coder", "config.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, ".config", "spt-coder"))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ url: fake.url, token: fake.token });

    const list = await runCli(["list", "-o", "json"], { env: cliEnv(home) });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).map((w: { name: string }) => w.name)).toEqual(["app"]);
  });

  it("login with a bad token stores nothing (exit 3)", async () => {
    const home = await tempHome();
    const bad = "ZyXwVuTsRq-abcdefghijklmnopqrstuv";
    addSecret(bad);
    const login = await runCli(["login", fake.url, "--token", bad], { env: cliEnv(home) });
    expect(login.code).toBe(3);
    await expect(stat(join(home, ".config", "spt-coder", "config.json"))).rejects.toThrow();
  });

  it("a user logged in with the coder CLI needs no extra login", async () => {
    const home = await tempHome();
    const coderDir = join(home, "coder-cli");
    await mkdir(coderDir, { recursive: true });
    await writeFile(join(coderDir, "url"), `${fake.url}\n`, { mode: 0o600 });
    await writeFile(join(coderDir, "session"), `${fake.token}\n`, { mode: 0o600 });
    const result = await runCli(["status", "app", "--verbose"], {
      env: cliEnv(home, { CODER_CONFIG_DIR: coderDir }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Using the Coder URL from the coder config");
    expect(result.stderr).toContain("Using the session token from coder config.");
    expect(result.stdout).toMatch(/^Workspace +admin\/app$/m);
  });

  it("warns when the token would travel over plain http to a host that is not loopback", async () => {
    // An IPv4-mapped IPv6 address reaches the fake on 127.0.0.1 but is not a loopback *name*.
    const url = fake.url.replace("127.0.0.1", "[::ffff:127.0.0.1]");
    const result = await runCli(["list", "--url", url, "--token", fake.token], {
      env: cliEnv(await tempHome()),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^WARN: The session token is sent over plain http to \[::ffff:7f00:1\]:\d+/m,
    );
  });

  it("flags win over the environment", async () => {
    const home = await tempHome();
    const result = await runCli(["list", "--url", fake.url, "--token", fake.token], {
      env: cliEnv(home, { CODER_URL: "http://127.0.0.1:1", CODER_SESSION_TOKEN: "nope" }),
    });
    expect(result.code, result.stderr).toBe(0);
  });
});

describe("workspace commands", () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    env = cliEnv(await tempHome(), { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token });
  });

  it("list prints a table on stdout", async () => {
    const result = await runCli(["list"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^WORKSPACE +TEMPLATE +STATUS +HEALTHY +LAST BUILT +OUTDATED$/m);
    expect(result.stdout).toMatch(/^admin\/app +spt-flow +running +true +\d+[smhd] ago +false$/m);
  });

  it("status shows the build, the agent and the app URLs; -o json too", async () => {
    const text = await runCli(["status", "app"], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Status +running \(start build #1, job succeeded\)$/m);
    expect(text.stdout).toMatch(/^Agent main +connected, ready$/m);
    expect(text.stdout).toMatch(/^Dashboard +http:\/\/127\.0\.0\.1:\d+\/@admin\/app$/m);
    expect(text.stdout).toMatch(
      /^code-server +http:\/\/127\.0\.0\.1:\d+\/@admin\/app\.main\/apps\/code-server\/$/m,
    );
    const json = JSON.parse((await runCli(["status", "admin/app", "-o", "json"], { env })).stdout);
    expect(json.workspace.name).toBe("app");
    expect(json.apps[0].slug).toBe("code-server");
    expect(json.dashboard_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/@admin\/app$/);
  });

  it("logs prints the current build's logs on stdout", async () => {
    const result = await runCli(["logs", "app"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^==> ⧗ Planning Infrastructure$/m);
    expect(result.stdout).toMatch(/Apply complete!/);
    const json = JSON.parse((await runCli(["logs", "app", "-o", "json"], { env })).stdout);
    expect(json.build.job.status).toBe("succeeded");
    expect(json.logs.length).toBeGreaterThan(3);
  });

  it("start on a running workspace says so; stop then start follow the builds", async () => {
    const already = await runCli(["start", "app"], { env });
    expect(already.stdout).toContain("The app workspace is already running!");
    expect((await runCli(["stop", "app"], { env })).code).toBe(0);
    const start = await runCli(["start", "app", "-o", "json"], { env });
    expect(start.code, start.stderr).toBe(0);
    expect(JSON.parse(start.stdout)).toMatchObject({ transition: "start", build_number: 3 });
    expect(start.stderr).toMatch(/=== ✔ Starting workspace app/);
  });

  it("delete asks first: without a terminal it needs --yes", async () => {
    const refused = await runCli(["delete", "app"], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Refusing to delete admin/app without confirmation.");
    const deleted = await runCli(["delete", "app", "--yes"], { env });
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain("The app workspace has been deleted.");
    const list = await runCli(["list", "-o", "json"], { env });
    expect(JSON.parse(list.stdout)).toEqual([]);
    const empty = await runCli(["list"], { env });
    expect(empty.stdout).toBe("");
    expect(empty.stderr).toContain("No workspaces found!");
  });

  it("push reports an unchanged folder", async () => {
    const template = join(__dirname, "..", "..", "packages", "cli", "dist", "template");
    const result = await runCli(["push", "spt-flow", "-d", template], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      "Template spt-flow is unchanged; no new version was created (--force creates one anyway).\n",
    );
    // Said once: not again among the progress lines on stderr.
    expect(result.stderr).not.toContain("unchanged");
  });
});
