import { type FakeExecHandler, type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, up } from "@spt-coder/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../sdk/test/flows/helpers.js";
import { run } from "./helpers.js";

let script: FakeExecHandler = () => undefined;
let fake: RunningFakeCoder;
/** `spt-coder <argv>` against the fake, the deployment flags first. */
let cli: (argv: string[], io?: Parameters<typeof run>[1]) => ReturnType<typeof run>;

const SIDE_AGENT = `
resource "coder_agent" "side" {
  os   = "linux"
  arch = "amd64"
}
`;

beforeAll(async () => {
  // Frames of 3 bytes: a CRLF or a colour sequence of the output is split between frames.
  fake = await startFakeCoder({
    stepDelayMs: 1,
    ptyFrameBytes: 3,
    exec: (command, ctx) => script(command, ctx),
  });
  const client = createCoderClient({ url: fake.url, token: fake.token });
  await up({ client, workspace: "dev", templateDir: templateFolder({ "main.tf": minimalTemplate() }) });
  const two = templateFolder({ "main.tf": minimalTemplate(SIDE_AGENT) });
  await up({ client, workspace: "two", template: "two", templateDir: two });
  const idle = (await up({ client, workspace: "idle", template: "two", templateDir: two })).workspace;
  await client.builds.create(idle.id, { transition: "stop" });
  cli = (argv, io) => run(["--url", fake.url, "--token", fake.token, ...argv], io);
});
afterAll(() => fake.close());
beforeEach(() => {
  script = () => undefined;
});

describe("spt-coder exec", () => {
  it("passes the command's output to stdout and exits with its status", async () => {
    script = (command) =>
      command === "kvm-ok" ? { output: "INFO: /dev/kvm exists\nKVM acceleration can be used\n" } : undefined;
    const ok = await cli(["exec", "dev", "--", "kvm-ok"]);
    expect(ok).toEqual({
      code: 0,
      stdout: "INFO: /dev/kvm exists\nKVM acceleration can be used\n",
      stderr: "",
    });
    const three = await cli(["exec", "dev", "--", "sh", "-c", "echo out; exit 3"]);
    expect(three).toEqual({ code: 3, stdout: "out\n", stderr: "" });
    const missing = await cli(["exec", "dev", "--", "nope"]);
    expect(missing).toEqual({ code: 127, stdout: "sh: 1: nope: not found\n", stderr: "" });
  });

  it("passes several words as arguments, one word as a command line", async () => {
    expect((await cli(["exec", "dev", "--", "printf", "%s|", "a b", "$HOME"])).stdout).toBe("a b|$HOME|");
    expect((await cli(["exec", "dev", "--", "printf '%s|' $HOME"])).stdout).toBe("/home/admin|");
  });

  it("-o json prints output and status as one document, exact, and exits with the status", async () => {
    const hostile = "\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31mred\r\n";
    script = () => ({ output: hostile, exit_code: 2 });
    const result = await cli(["exec", "dev", "-o", "json", "--", "show"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      workspace: "admin/dev",
      agent: "main",
      command: ["show"],
      exit_code: 2,
      output: hostile,
      output_truncated: false,
      duration_ms: expect.any(Number),
    });
  });

  it("shows the workspace's control sequences escaped, even split between frames; CRLF is a line end", async () => {
    script = () => ({ output: "ab\r\ncd \u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b[31mred\u001b[0m\n" });
    const plain = await cli(["exec", "dev", "--", "show"]);
    expect(plain.stdout).toBe("ab\ncd \\u001b]52;c;ZXZpbA==\\u0007\\u001b[2Jred\n");
    const colour = await cli(["exec", "dev", "--", "show"], {
      isTTY: { stdin: false, stdout: true, stderr: false },
      env: { FORCE_COLOR: "1" },
    });
    // Plain colours pass on a colour terminal (the sanitiser closes an open colour after each write).
    expect(colour.stdout.replaceAll("\u001b[0m", "")).toBe(
      "ab\ncd \\u001b]52;c;ZXZpbA==\\u0007\\u001b[2J\u001b[31mred\n",
    );
  });

  it("says where the command goes when -- is missing, or when there is none (exit 2)", async () => {
    for (const argv of [
      ["exec", "dev", "kvm-ok"],
      ["exec", "dev", "ls", "-la"],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("spt-coder exec takes its command after --.");
      expect(r.stderr).toContain("Usage: spt-coder exec <workspace> [--agent NAME] -- <command…>");
    }
    for (const argv of [
      ["exec", "dev"],
      ["exec", "dev", "--"],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("spt-coder exec needs a command after --.");
    }
    expect((await cli(["exec", "dev", "--timeout", "0", "--", "true"])).stderr).toContain(
      "--timeout must be a positive number of seconds, e.g. --timeout 60 (got 0).",
    );
  });

  it("refuses an unknown workspace (4), a stopped one (4), and an agent that is ambiguous (2) or unknown (4)", async () => {
    const unknown = await cli(["exec", "nope", "--", "true"]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('Workspace "nope" was not found.');
    const stopped = await cli(["exec", "idle", "--", "true"]);
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toMatch(/Workspace admin\/idle is (stopping|stopped)/);
    expect(stopped.stderr).toContain("Start it with: spt-coder start admin/idle");
    const ambiguous = await cli(["exec", "two", "--", "true"]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("Workspace admin/two has 2 agents (main, side); name the one to use.");
    expect(ambiguous.stderr).toContain("Name one with --agent, e.g. --agent main");
    const wrong = await cli(["exec", "two", "--agent", "nope", "--", "true"]);
    expect(wrong.code).toBe(4);
    script = (_command, ctx) => ({ output: `${ctx.agent}\n` });
    expect(await cli(["exec", "two", "--agent", "side", "--", "which"])).toMatchObject({
      code: 0,
      stdout: "side\n",
    });
    const json = JSON.parse((await cli(["exec", "two", "-o", "json", "--", "true"])).stdout);
    expect(json.error).toMatchObject({ code: "agent_required", exit_code: 2 });
  });

  it("stops the command at --timeout (Ctrl-C) and exits 1", async () => {
    const interrupted = new Promise<void>((resolve) => {
      script = async (_command, ctx) => {
        await new Promise((r) => ctx.signal.addEventListener("abort", r));
        resolve();
        return undefined;
      };
    });
    const result = await cli(["exec", "dev", "--timeout", "0.05", "--", "sleep 600"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("did not finish within 50 ms; it was sent Ctrl-C.");
    expect(result.stderr).toContain("--timeout <seconds>");
    await interrupted;
  });

  it("sends the command Ctrl-C on Ctrl-C and exits 130", async () => {
    let interrupt: () => void = () => {};
    const interrupted = new Promise<void>((resolve) => {
      script = async (_command, ctx) => {
        interrupt();
        await new Promise((r) => ctx.signal.addEventListener("abort", r));
        resolve();
        return undefined;
      };
    });
    const result = await cli(["exec", "dev", "--", "sleep 600"], {
      onInterrupt: (listener) => {
        interrupt = () => listener("SIGINT");
        return () => {};
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("Interrupted: the command in dev was sent Ctrl-C.");
    await interrupted;
  });
});
