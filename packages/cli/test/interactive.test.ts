import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PromptOptions } from "../src/ui/prompt.js";
import { run } from "./helpers.js";

let fake: RunningFakeCoder;
let home: string;
let deadUrl: string;
const tty = { stdin: true, stdout: true, stderr: true };

beforeAll(async () => {
  fake = await startFakeCoder({ stepDelayMs: 1 });
  home = await mkdtemp(join(tmpdir(), "spt-cli-interactive-"));
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

/** A prompt that answers from a script and records the questions. */
function scripted(answers: string[]) {
  const asked: { question: string; options?: PromptOptions }[] = [];
  return {
    asked,
    prompt: async (question: string, options?: PromptOptions) => {
      asked.push({ question, ...(options ? { options } : {}) });
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected prompt: ${question}`);
      return answer;
    },
  };
}

// NO_COLOR keeps the terminal output plain, which is also what this checks: no escape codes despite the TTY.
const env = (extra: Record<string, string> = {}) => ({
  XDG_CONFIG_HOME: join(home, "xdg"),
  NO_COLOR: "1",
  ...extra,
});

describe("prompts on a terminal (in-process)", () => {
  it("asks for the URL at most three times, with the reason each time, then gives up with exit 2", async () => {
    const { prompt, asked } = scripted(["", deadUrl, "ftp://nope"]);
    const { code, stderr } = await run(["up", "--repo", "https://github.com/o/r"], {
      isTTY: tty,
      env: env(),
      home,
      prompt,
    });
    expect(asked.map((a) => a.question)).toEqual(["Coder URL:", "Coder URL:", "Coder URL:"]);
    expect(code).toBe(2);
    expect(stderr.match(/^No Coder yet\?/gm)).toHaveLength(1);
    expect(stderr).toMatch(/✘ Could not reach http:\/\/127\.0\.0\.1:\d+: the connection was refused/);
    expect(stderr).toMatch(
      /error: The Coder URL "ftp:\/\/nope" cannot be used: .*scheme "ftp:\/\/" is not supported/,
    );
  });

  it("asks for a missing token (masked), confirms the upload, and creates the workspace", async () => {
    const { prompt, asked } = scripted([fake.token]);
    const confirms: string[] = [];
    // Its own config folder: the token it saves must not reach the other cases.
    const saved = { XDG_CONFIG_HOME: join(home, "saved") };
    const { code, stdout, stderr } = await run(["up", "--repo", "https://github.com/o/prompted"], {
      isTTY: tty,
      env: env({ CODER_URL: fake.url, ...saved }),
      home,
      prompt,
      confirm: async (question) => {
        confirms.push(question);
        return true;
      },
    });
    expect(code, stderr).toBe(0);
    expect(asked).toEqual([{ question: "Paste your token here:", options: { secret: true } }]);
    expect(stderr).toContain(`Open ${fake.url}/cli-auth in a browser to get a session token.`);
    expect(confirms).toEqual([
      `Save ${fake.url} and this token for later commands, as \`spt-coder login\` does?`,
      expect.stringMatching(/^Template "spt-flow" is not on .*Upload ".*template" to create it\?$/),
    ]);
    // Saved as login saves: the next command needs no prompt.
    expect(stderr).toMatch(/Saved the URL and token to .*config\.json \(mode 0600\)/);
    const again = await run(["list"], { env: env(saved), home });
    expect(again.code, again.stderr).toBe(0);
    expect(stdout).toContain("Workspace prompted is running (created).");
    expect(stdout + stderr).not.toContain(fake.token);
    expect(stderr).not.toContain("\u001b[3");
  });

  it("never prompts with -o json, even on a terminal", async () => {
    const { prompt, asked } = scripted([]);
    const { code, stdout } = await run(["up", "--repo", "https://github.com/o/r", "-o", "json"], {
      isTTY: tty,
      env: env(),
      home,
      prompt,
    });
    expect(asked).toEqual([]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error.message).toBe("No Coder URL was given.");
  });

  it("login asks again after a wrong token, then stores the right one", async () => {
    const { prompt, asked } = scripted([fake.token]);
    const { code, stderr } = await run(["login", fake.url, "--token", "AbCdEfGhIj-0123456789abcdefghijkl"], {
      isTTY: tty,
      env: env(),
      home,
      prompt,
    });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("✘ That's not a valid token!");
    expect(asked.map((a) => a.question)).toEqual(["Paste your token here:"]);
    expect(stderr).toContain("Welcome to Coder, admin!");
  });

  it("a declined delete changes nothing", async () => {
    const { code, stderr } = await run(["delete", "prompted"], {
      isTTY: tty,
      env: env({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token }),
      home,
      confirm: async () => false,
    });
    expect(code).toBe(1);
    expect(stderr).toContain("Canceled: the workspace was not deleted.");
    expect([...fake.state.workspaces.values()].some((w) => w.name === "prompted" && !w.deleted)).toBe(true);
  });
});
