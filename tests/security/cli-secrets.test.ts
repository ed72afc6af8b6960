// The session token as the CLI handles it, with the built CLI as a process: every command (successes, failures,
// --verbose traces, -o json) prints it nowhere, and no file it writes holds it except the 0600 config file in
// a 0700 folder. TMPDIR points into the temporary HOME, so temporary files are scanned too. A config file
// readable by others is reported, and login tightens it.
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, expectNoSecretsInFiles, tempHome } from "../e2e/helpers.js";
import { privateCli, runCli } from "../robustness/cli.js";

const REPO = "https://github.com/acme/secret-app";
let fake: RunningFakeCoder;

beforeAll(async () => {
  await privateCli();
  fake = await startFakeCoder({ stepDelayMs: 2 });
  addSecret(fake.token);
}, 120_000);
afterAll(async () => {
  await fake?.close();
});

/** A HOME whose XDG and temporary folders live inside it, so that everything the CLI writes can be scanned. */
async function sandbox(): Promise<{
  home: string;
  env: (extra?: Record<string, string>) => NodeJS.ProcessEnv;
}> {
  const home = await tempHome();
  await mkdir(join(home, "tmp"));
  return { home, env: (extra = {}) => cliEnv(home, { TMPDIR: join(home, "tmp"), NO_COLOR: "1", ...extra }) };
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe("the token never leaks from the CLI", () => {
  it("appears in no output and in no written file but the 0600 config, through a whole session", async () => {
    const { home, env } = await sandbox();
    const template = templateFolder({ "main.tf": minimalTemplate() });
    const steps: { args: string[]; code: number; env?: Record<string, string> }[] = [
      { args: ["login", fake.url, "--token", fake.token, "--verbose"], code: 0 },
      { args: ["up", "--repo", REPO, "--verbose"], code: 0 },
      { args: ["up", "--repo", REPO, "-o", "json"], code: 0 },
      { args: ["list", "-o", "json"], code: 0 },
      { args: ["status", "secret-app", "--verbose"], code: 0 },
      { args: ["logs", "secret-app", "-o", "json"], code: 0 },
      { args: ["push", "tiny", "-d", template, "--verbose"], code: 0 },
      { args: ["stop", "secret-app"], code: 0 },
      { args: ["start", "secret-app", "-o", "json"], code: 0 },
      // Failures, with their stack traces.
      { args: ["up", "--repo", REPO, "--name", "other", "--param", "nope=1", "--verbose"], code: 2 },
      { args: ["status", "missing", "--verbose", "-o", "json"], code: 4 },
      { args: ["up", "--name", "x", "--url", `${fake.url}/?coder_session_token=${fake.token}`], code: 2 },
      // The token from the environment and from a flag, without the stored config.
      {
        args: ["list", "--verbose"],
        code: 0,
        env: { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, XDG_CONFIG_HOME: join(home, "none") },
      },
      { args: ["delete", "secret-app", "--yes", "--token", fake.token, "--verbose"], code: 0 },
    ];
    for (const step of steps) {
      // runCli fails the test when stdout or stderr holds the token.
      const result = await runCli(step.args, { env: env(step.env) });
      expect(result.code, `${step.args.join(" ")}\n${result.stderr}`).toBe(step.code);
    }

    const config = join(home, ".config", "spt-coder", "config.json");
    await expectNoSecretsInFiles(home, [config]);
    // The scan is not vacuous: the config does hold the token.
    expect(await readFile(config, "utf8")).toContain(fake.token);
    expect(await mode(config)).toBe(0o600);
    expect(await mode(join(home, ".config", "spt-coder"))).toBe(0o700);
  }, 120_000);

  it("is not in the request line and stack of an API error under --verbose", async () => {
    const { env } = await sandbox();
    fake.faults.failNext({
      method: "GET",
      path: "/api/v2/workspaces",
      status: 500,
      body: { message: "Internal error fetching workspaces.", detail: "pq: canceling statement" },
    });
    // runCli fails the test when stdout or stderr holds the token.
    const result = await runCli(["list", "--verbose"], {
      env: env({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token }),
    });
    expect(result.code, result.stderr).toBe(1);
    // Not vacuous: the verbose request line and the stack were printed.
    expect(result.stderr).toContain('API request error to "GET:/api/v2/workspaces". Status code 500');
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it("reports a config file that others can read, and login makes it 0600 again", async () => {
    const { home, env } = await sandbox();
    const dir = join(home, ".config", "spt-coder");
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ url: fake.url, token: fake.token }), { mode: 0o644 });

    const list = await runCli(["list"], { env: env() });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toContain(`${config} is readable by other users (mode 0644)`);
    expect(list.stderr).toContain(`chmod 600 ${config}`);

    const login = await runCli(["login", fake.url, "--token", fake.token], { env: env() });
    expect(login.code, login.stderr).toBe(0);
    expect(await mode(config)).toBe(0o600);
    const again = await runCli(["list"], { env: env() });
    expect(again.stderr).not.toContain("readable by other users");
    await expectNoSecretsInFiles(home, [config]);
  });
});
