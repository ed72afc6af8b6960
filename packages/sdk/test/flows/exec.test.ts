import { type FakeExecHandler, type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dialWebSocket, type WebSocketDialer } from "../../src/client/socket.js";
import { type CoderClient, createCoderClient } from "../../src/coder-client.js";
import { CoderAbortError, CoderInvalidInputError } from "../../src/errors/base.js";
import {
  AgentChoiceError,
  ExecError,
  ExecTimeoutError,
  WorkspaceNotRunningError,
} from "../../src/errors/exec.js";
import { AgentNotReadyError } from "../../src/errors/flows.js";
import { exec, MAX_EXEC_COMMAND_BYTES } from "../../src/flows/exec.js";
import { up } from "../../src/flows/up.js";
import { waitForBuild } from "../../src/flows/wait.js";
import type { Workspace } from "../../src/types.js";
import { minimalTemplate, templateFolder } from "./helpers.js";

/** What the current test scripts; every command falls through to the fake shell unless it says otherwise. */
let script: FakeExecHandler = () => undefined;
/** The terminal URLs the fake was asked for. */
let ptyUrls: string[] = [];
let fake: RunningFakeCoder;
let client: CoderClient;
let workspace: Workspace;

beforeAll(async () => {
  fake = await startFakeCoder({
    stepDelayMs: 1,
    exec: (command, ctx) => script(command, ctx),
    onResponse: (info) => {
      if (info.path.endsWith("/pty")) ptyUrls.push(info.url);
    },
  });
  client = createCoderClient({ url: fake.url, token: fake.token });
  const dir = templateFolder({ "main.tf": minimalTemplate() });
  workspace = (await up({ client, workspace: "dev", templateDir: dir })).workspace;
});
afterAll(() => fake.close());
beforeEach(() => {
  script = () => undefined;
  ptyUrls = [];
});

/** A promise and the function that settles it, to let a test and a scripted command wait for each other. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("exec against the fake", () => {
  it("returns the command's exit status and its output, LF kept, markers removed", async () => {
    script = (command) =>
      command === "kvm-ok"
        ? { output: "INFO: /dev/kvm exists\nKVM acceleration can be used\n", exit_code: 0 }
        : undefined;
    const ok = await exec(client, workspace, "kvm-ok");
    expect(ok).toMatchObject({
      exitCode: 0,
      output: "INFO: /dev/kvm exists\nKVM acceleration can be used\n",
      outputTruncated: false,
      agent: { name: "main" },
    });
    const failed = await exec(client, workspace, "nope; echo after; exit 3");
    expect(failed.exitCode).toBe(3);
    expect(failed.output).toBe("sh: 1: nope: not found\nafter\n");
    expect((await exec(client, workspace, "nope")).exitCode).toBe(127);
  });

  it("passes an argument list word for word; a string is a shell command line", async () => {
    const words = await exec(client, workspace, ["printf", "%s|", "a b", "c'd", "$HOME", ""]);
    expect(words.output).toBe("a b|c'd|$HOME||");
    expect((await exec(client, workspace, "printf '%s|' $HOME")).output).toBe("/home/admin|");
  });

  it("raw keeps the terminal as the agent sets it up (CRLF, TERM); plain asks for LF and TERM=dumb", async () => {
    script = (command, ctx) => (command === "term" ? { output: `${ctx.env.TERM}\n` } : undefined);
    expect((await exec(client, workspace, "term", { raw: true })).output).toBe("xterm-256color\r\n");
    expect((await exec(client, workspace, "term")).output).toBe("dumb\n");
  });

  it("streams output as it arrives, before the command ends", async () => {
    const seen = signal();
    script = async (_command, ctx) => {
      ctx.write("first\n");
      await seen.promise; // the command only ends once the caller has seen its first line
      return { output: "second\n", exit_code: 4 };
    };
    const chunks: string[] = [];
    const result = await exec(client, workspace, "stream", {
      onOutput: (text) => {
        chunks.push(text);
        if (chunks.join("").includes("first\n")) seen.resolve();
      },
    });
    expect(result.exitCode).toBe(4);
    expect(chunks.join("")).toBe("first\nsecond\n");
    expect(result.output).toBe("first\nsecond\n");
  });

  it("cannot be ended by output that prints the command line or another run's marker", async () => {
    script = () => {
      // What `ps`, `set -x` or /proc/$PPID/cmdline would show: the script as the agent got it, in full.
      const asSent = new URL(ptyUrls.at(-1) ?? "").searchParams.get("command") ?? "";
      return {
        output: `${asSent}\n\x1espt-exit:ffffffffffffffffffffffffffffffff:0\x1e\n`,
        exit_code: 7,
      };
    };
    const result = await exec(client, workspace, "spoof");
    expect(result.exitCode).toBe(7);
    expect(result.output).toContain("spt-exit:%s:%s");
    expect(result.output).toContain("\x1espt-exit:ffffffffffffffffffffffffffffffff:0\x1e");
  });

  it("keeps at most maxOutputBytes in the result; onOutput sees it all", async () => {
    script = () => ({ output: "0123456789" });
    const chunks: string[] = [];
    const result = await exec(client, workspace, "ten", {
      maxOutputBytes: 4,
      onOutput: (t) => chunks.push(t),
    });
    expect(result).toMatchObject({ output: "0123", outputTruncated: true, exitCode: 0 });
    expect(chunks.join("")).toBe("0123456789");
  });

  it("is an ExecError (no_exit_status) with the output so far when the session ends before the status", async () => {
    script = () => ({ output: "partial\n", hangup: true });
    const error = await exec(client, workspace, "killed").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    // coderd ends a finished session without a close frame: 1006 at the client, as the fake does.
    expect(error).toMatchObject({ reason: "no_exit_status", output: "partial\n", closeCode: 1006 });
  });

  it("sends Ctrl-C and throws ExecTimeoutError when the command outlives timeoutMs", async () => {
    const interrupted = signal<boolean>();
    script = async (_command, ctx) => {
      ctx.write("waiting\n");
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      interrupted.resolve(true);
      return undefined;
    };
    const error = await exec(client, workspace, "sleep 600", { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecTimeoutError);
    // The deadline may pass before the command printed anything (a loaded machine): the output is not checked.
    expect(error).toMatchObject({ timeoutMs: 50 });
    expect(await interrupted.promise).toBe(true);
  });

  it("sends Ctrl-C and throws CoderAbortError when the signal aborts", async () => {
    const running = signal();
    const interrupted = signal<boolean>();
    script = async (_command, ctx) => {
      running.resolve();
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      interrupted.resolve(true);
      return undefined;
    };
    const controller = new AbortController();
    const pending = exec(client, workspace, "sleep 600", { signal: controller.signal });
    await running.promise;
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CoderAbortError);
    expect(await interrupted.promise).toBe(true);
  });

  it("sends the token as the session cookie, never in the URL", async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const recording: WebSocketDialer = (url, options, handlers) => {
      seen.push({ url, headers: options.headers });
      return dialWebSocket(url, options, handlers);
    };
    const cookieClient = createCoderClient({ url: fake.url, token: fake.token, webSocket: recording });
    expect((await exec(cookieClient, workspace, "true")).exitCode).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.Cookie).toBe(`coder_session_token=${fake.token}`);
    expect(Object.keys(seen[0]?.headers ?? {})).not.toContain("Coder-Session-Token");
    for (const url of [seen[0]?.url ?? "", ...ptyUrls]) {
      expect(url).not.toContain(fake.token);
      expect(url).not.toContain(encodeURIComponent(fake.token));
    }
    expect(new URL(ptyUrls[0] ?? "").searchParams.get("backend_type")).toBe("buffered");
  });

  it("types a command line too long for the agent's start message into the terminal", async () => {
    // The line is `printf %s 'ab😀…'`: character 4095 is the first half of a surrogate pair, where an input frame
    // of 4096 characters would end; the pair must reach the shell whole.
    const long = `ab${"😀".repeat(3000)}`;
    const result = await exec(client, workspace, ["printf", "%s", long]);
    expect(result).toMatchObject({ exitCode: 0, output: long });
    const sent = new URL(ptyUrls.at(-1) ?? "").searchParams.get("command") ?? "";
    expect(sent).toContain("head -c 12014"); // 14 bytes + 3000 × 4
    expect(sent).not.toContain("😀");
  });

  it("refuses bad input before any request: an empty or oversized command, a bad terminal size", async () => {
    await expect(exec(client, workspace, "  ")).rejects.toBeInstanceOf(CoderInvalidInputError);
    await expect(exec(client, workspace, [])).rejects.toBeInstanceOf(CoderInvalidInputError);
    await expect(exec(client, workspace, ["a\0b"])).rejects.toBeInstanceOf(CoderInvalidInputError);
    await expect(exec(client, workspace, "x", { width: 0 })).rejects.toThrow(/width/);
    await expect(exec(client, workspace, "x".repeat(MAX_EXEC_COMMAND_BYTES + 1))).rejects.toThrow(/too long/);
    expect(ptyUrls).toEqual([]);
  });
});

describe("exec's choice of agent", () => {
  const TWO_AGENTS = `
resource "coder_agent" "side" {
  os   = "linux"
  arch = "amd64"
}
`;

  it("needs a name when there are several, and refuses an unknown one", async () => {
    const dir = templateFolder({ "main.tf": minimalTemplate(TWO_AGENTS) });
    const { workspace: two } = await up({ client, workspace: "two", templateDir: dir, template: "two" });
    const ambiguous = await exec(client, two, "true").catch((e: unknown) => e);
    expect(ambiguous).toBeInstanceOf(AgentChoiceError);
    expect(ambiguous).toMatchObject({ reason: "ambiguous", agents: ["main", "side"] });
    await expect(exec(client, two, "true", { agent: "nope" })).rejects.toMatchObject({
      reason: "unknown",
      requested: "nope",
    });
    script = (_command, ctx) => ({ output: ctx.agent });
    expect((await exec(client, two, "which", { agent: "side" })).output).toBe("side");
  });

  it("needs a running workspace and a connected agent", async () => {
    const stop = await client.builds.create(workspace.id, { transition: "stop" });
    await waitForBuild(client, stop.id);
    const error = await exec(client, workspace, "true").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceNotRunningError);
    expect(error).toMatchObject({ workspace: "admin/dev", status: "stopped", transition: "stop" });

    fake.faults.agent({ outcome: "never_connects" });
    const start = await client.builds.create(workspace.id, { transition: "start" });
    await waitForBuild(client, start.id);
    await expect(exec(client, workspace, "true")).rejects.toBeInstanceOf(AgentNotReadyError);
    expect(ptyUrls).toEqual([]);
  });
});

describe("exec when the terminal ends without a status", () => {
  /** A dialer that opens, sends `frames`, then ends the way `end` says. */
  function scripted(frames: string[], end: (h: Parameters<WebSocketDialer>[2]) => void): WebSocketDialer {
    return (_url, _options, handlers) => {
      setImmediate(() => {
        if (frames.length > 0 || !("refused" in end)) handlers.open();
        for (const frame of frames) handlers.message(Buffer.from(frame, "latin1"), true);
        end(handlers);
      });
      return { send() {}, close() {} };
    };
  }
  const run = (dialer: WebSocketDialer) =>
    exec(createCoderClient({ url: fake.url, token: fake.token, webSocket: dialer }), workspace, "true").catch(
      (e: unknown) => e,
    );

  beforeAll(async () => {
    // The previous block left the agent unconnected: start the workspace again with a working one.
    const stop = await client.builds.create(workspace.id, { transition: "stop" });
    await waitForBuild(client, stop.id);
    workspace = (await up({ client, workspace: "dev" })).workspace;
  });

  it("says the script never started when the session closes before the start marker", async () => {
    expect(await run(scripted([], (h) => h.closed(1000, "")))).toMatchObject({
      reason: "not_started",
      closeCode: 1000,
    });
  });

  it("says the agent was unreachable on coderd's 1011", async () => {
    const error = await run(scripted([], (h) => h.closed(1011, "dial workspace agent: timeout")));
    expect(error).toMatchObject({ reason: "agent_unreachable", closeCode: 1011 });
    expect((error as Error).message).toContain("dial workspace agent: timeout");
  });

  it("turns a refused upgrade into the API error (JSON) or an ExecError naming the page (HTML)", async () => {
    const json = await run(
      scripted([], (h) =>
        h.refused({ status: 404, contentType: "application/json", body: '{"message":"Resource not found"}' }),
      ),
    );
    expect(json).toMatchObject({ name: "CoderNotFoundError", status: 404, apiMessage: "Resource not found" });
    const html = await run(
      scripted([], (h) =>
        h.refused({
          status: 502,
          contentType: "text/html",
          body: "<html><head><title>Application Unavailable</title></head></html>",
        }),
      ),
    );
    expect(html).toBeInstanceOf(ExecError);
    expect(html).toMatchObject({ reason: "refused", status: 502 });
    expect((html as Error).message).toContain("Application Unavailable");
  });

  it("cannot tell a connection cut without a close frame from a session that ended: no_exit_status", async () => {
    script = async (_command, ctx) => {
      ctx.write("before the drop\n");
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      return undefined;
    };
    // Frame 1 is the start marker, frame 2 the first output; then the connection is cut.
    fake.faults.dropStream({ path: "/api/v2/workspaceagents/*/pty", afterFrames: 2 });
    const error = await exec(client, workspace, "drop").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    expect(error).toMatchObject({ reason: "no_exit_status", output: "before the drop\n", closeCode: 1006 });
  });

  it("is connection_lost when nothing comes within the idle deadline (coderd pings every 15 s)", async () => {
    script = async (_command, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      return undefined;
    };
    const error = await exec(client, workspace, "silent", { idleTimeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    expect(error).toMatchObject({ reason: "connection_lost" });
    expect((error as Error).message).toContain("no frame or ping for 50 ms");
  });
});
