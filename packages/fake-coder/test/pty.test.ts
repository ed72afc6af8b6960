import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { InProcessSocketHandlers, InProcessWebSocket } from "../src/in-process-socket.js";
import type { FakeExecHandler, FakeExecOption } from "../src/terminals.js";
import {
  type AnyJson,
  createWorkspace,
  type Harness,
  MODES,
  pollUntil,
  pushTemplate,
  REPO,
  useMode,
  waitForBuild,
} from "./helpers.js";

type Ended = { code: number; reason: string } | { status: number; contentType: string; body: string };

/** A terminal connection as a test drives it. */
interface Terminal {
  /** Everything received so far, as text. */
  output(): string;
  frames: Uint8Array[];
  ended: Promise<Ended>;
  /** Types `data` (a JSON input message in a binary frame). */
  type(data: string): void;
  sendText(text: string): void;
  close(): void;
  /** Resolves once the output contains `text`. */
  sees(text: string): Promise<void>;
}

/** The loopback server's sockets, in the in-process dialer's shape, so one test body serves both modes. */
const overNetwork: InProcessWebSocket = (url, options, handlers) => {
  const ws = new WebSocket(url, { headers: options.headers });
  ws.on("open", handlers.open);
  ws.on("message", (data: Buffer, binary) => handlers.message(new Uint8Array(data), binary));
  ws.on("close", (code, reason) => handlers.closed(code, reason.toString()));
  ws.on("error", () => {});
  ws.on("unexpected-response", (_request, response) => {
    let body = "";
    response.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    response.on("end", () =>
      handlers.refused({
        status: response.statusCode ?? 0,
        contentType: String(response.headers["content-type"]),
        body,
      }),
    );
  });
  return {
    send: (data) => ws.send(data, { binary: typeof data !== "string" }),
    close: () => ws.close(),
  };
};

function open(h: Harness, path: string, headers: Record<string, string> = {}): Terminal {
  const frames: Uint8Array[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const output = () => Buffer.concat(frames).toString("utf8");
  let end: (value: Ended) => void = () => {};
  const ended = new Promise<Ended>((resolve) => {
    end = resolve;
  });
  const handlers: InProcessSocketHandlers = {
    open() {},
    ping() {},
    message(data) {
      frames.push(data);
      for (const w of waiters.filter((w) => output().includes(w.text))) w.resolve();
    },
    refused: end,
    closed: (code, reason) => end({ code, reason }),
  };
  const dial = h.webSocket ?? overNetwork;
  const socket = dial(`${h.url.replace(/^http/, "ws")}${path}`, { headers }, handlers);
  return {
    output,
    frames,
    ended,
    type: (data) => socket.send(Buffer.from(JSON.stringify({ data }))),
    sendText: (text) => socket.send(text),
    close: () => socket.close(),
    sees: (text) =>
      output().includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve })),
  };
}

/** A running workspace whose agent is connected; returns its agent id. */
async function connectedAgent(h: Harness): Promise<{ agentId: string; workspace: AnyJson }> {
  const { template } = await pushTemplate(h);
  const created = await createWorkspace(h, {
    template_id: template.id,
    name: "dev",
    rich_parameter_values: [REPO],
  });
  const workspace = await created.json();
  const built = await waitForBuild(h, workspace.latest_build.id);
  const agentId: string = built.resources.find((r: AnyJson) => r.agents?.length)?.agents[0].id;
  await pollUntil(h, `/api/v2/workspaceagents/${agentId}`, (a) => a.status === "connected");
  return { agentId, workspace };
}

/** A terminal URL; a fresh session unless a `reconnect` id is given (the workspace is shared by the tests). */
const pty = (agentId: string, command: string, reconnect: string = randomUUID()) =>
  `/api/v2/workspaceagents/${agentId}/pty?reconnect=${reconnect}&width=80&height=24&command=${encodeURIComponent(command)}`;

describe.each(MODES)("the agent's terminal (%s)", (mode) => {
  const launch = useMode(mode);
  // One fake and one workspace for the file (a build per test is slow on a loaded machine): small frames, a
  // member, and the current test's script. A test that needs other options gets a fake of its own.
  let script: FakeExecHandler = () => undefined;
  let shared: Awaited<ReturnType<typeof setUp>>;
  const setUp = async (h: Harness) => {
    const { agentId, workspace } = await connectedAgent(h);
    return { h, agentId, workspace, cookie: { Cookie: `coder_session_token=${h.token}` } };
  };
  beforeAll(async () => {
    const h = await launch(
      { ptyFrameBytes: 3, users: [{ username: "bob" }], exec: (command, ctx) => script(command, ctx) },
      () => {},
    );
    shared = await setUp(h);
  });
  afterAll(() => shared.h.close());
  beforeEach(() => {
    script = () => undefined;
  });
  const start = async (options: { exec?: FakeExecOption } = {}) => {
    if (typeof options.exec === "object") return setUp(await launch({ exec: options.exec }));
    if (options.exec) script = options.exec;
    return shared;
  };

  it("runs a command with $SHELL -c, sends LF as CRLF in frames of ptyFrameBytes, and ends without a close frame", async () => {
    const { h, agentId, cookie } = await start();
    const t = open(h, pty(agentId, "echo hello; echo world"), cookie);
    expect(await t.ended).toEqual({ code: 1006, reason: "" });
    expect(t.output()).toBe("hello\r\nworld\r\n");
    expect(Math.max(...t.frames.map((f) => f.length))).toBe(3);
  });

  it("runs a #!/bin/sh script in the fake shell: $?, not found (127), stty -onlcr, exit", async () => {
    const { h, agentId, cookie } = await start();
    const script = "#!/bin/sh\nnope\nprintf 'status=%s\\n' \"$?\"\nstty -onlcr\necho lf; exit 4\necho never";
    const t = open(h, pty(agentId, script), cookie);
    await t.ended;
    expect(t.output()).toBe("sh: 1: nope: not found\r\nstatus=127\r\nlf\n");
  });

  it("asks the exec option: a table of commands, or a function that sees the command and its context", async () => {
    const seen: AnyJson[] = [];
    const { h, agentId, cookie } = await start({
      exec: (command, ctx) => {
        seen.push({
          command,
          argv: ctx.argv,
          agent: ctx.agent,
          workspace: ctx.workspace,
          term: ctx.env.TERM,
        });
        if (command === "kvm-ok") return { output: "KVM acceleration can be used\n" };
        if (command === "fail") return { exit_code: 3 };
        return undefined;
      },
    });
    const t = open(
      h,
      pty(agentId, `#!/bin/sh\nkvm-ok && TERM=dumb sh -c 'fail'; printf 'got %s' "$?"`),
      cookie,
    );
    await t.ended;
    expect(t.output()).toBe("KVM acceleration can be used\r\ngot 3");
    expect(seen).toEqual([
      {
        command: "kvm-ok",
        argv: ["kvm-ok"],
        agent: "main",
        workspace: { owner: "admin", name: "dev" },
        term: "xterm-256color",
      },
      {
        command: "fail",
        argv: undefined,
        agent: "main",
        workspace: { owner: "admin", name: "dev" },
        term: "dumb",
      },
    ]);

    const table = await start({ exec: { "kvm-ok": { output: "yes\n", exit_code: 0 } } });
    const u = open(table.h, pty(table.agentId, "kvm-ok; other"), table.cookie);
    await u.ended;
    expect(u.output()).toBe("yes\r\nsh: 1: other: not found\r\n");
  });

  it("echoes Ctrl-C as ^C and ends the session; a text frame closes with 1003", async () => {
    let interrupted = false;
    const { h, agentId, cookie } = await start({
      exec: async (_command, ctx) => {
        ctx.write("waiting\n");
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        interrupted = true;
        return { output: "not printed" };
      },
    });
    const t = open(h, pty(agentId, "sleep 600"), cookie);
    await t.sees("waiting");
    t.type("\u0003");
    expect(await t.ended).toEqual({ code: 1006, reason: "" });
    expect(t.output()).toBe("waiting\r\n^C");
    expect(interrupted).toBe(true);

    const u = open(h, pty(agentId, "sleep 600"), cookie);
    await u.sees("waiting");
    u.sendText(JSON.stringify({ data: "\u0003" }));
    expect(await u.ended).toEqual({
      code: 1003,
      reason: "unexpected frame type read (expected MessageBinary): MessageText",
    });
  });

  it("re-attaches a running session with its replay; a finished session's id runs the command again", async () => {
    let runs = 0;
    const release: (() => void)[] = [];
    const { h, agentId, cookie } = await start({
      exec: async (_command, ctx) => {
        runs += 1;
        ctx.write(`run ${runs}\n`);
        await new Promise<void>((resolve) => release.push(resolve));
        return { output: "done\n" };
      },
    });
    const id = randomUUID();
    const first = open(h, pty(agentId, "job", id), cookie);
    await first.sees("run 1");
    first.close();
    const again = open(h, pty(agentId, "job", id), cookie);
    await again.sees("run 1\r\n");
    release.shift()?.();
    expect(await again.ended).toEqual({ code: 1006, reason: "" });
    expect(again.output()).toBe("run 1\r\ndone\r\n");
    const rerun = open(h, pty(agentId, "job", id), cookie);
    await rerun.sees("run 2");
    release.shift()?.();
    await rerun.ended;
    expect(runs).toBe(2);
  });

  it("refuses as coderd does: no token (JSON 404), another user or unknown agent (HTML 404), bad id, bad query", async () => {
    const { h, agentId, cookie } = await start();
    const refused = async (path: string, headers: Record<string, string>) => {
      const ended = (await open(h, path, headers).ended) as {
        status: number;
        contentType: string;
        body: string;
      };
      return { status: ended.status, type: ended.contentType.split(";")[0], body: ended.body };
    };
    expect(await refused(pty(agentId, "true"), {})).toEqual({
      status: 404,
      type: "application/json",
      body: '{"message":"Resource not found or you do not have access to this resource"}\n',
    });
    const bob = { Cookie: `coder_session_token=${h.state.tokenOf("bob")}` };
    expect(await refused(pty(agentId, "true"), bob)).toMatchObject({ status: 404, type: "text/html" });
    expect(await refused(pty("5b0e4b5e-8f8a-4a39-9d39-0c0e7e1f2a3b", "true"), cookie)).toMatchObject({
      status: 404,
      type: "text/html",
    });
    expect(await refused(pty("not-a-uuid", "true"), cookie)).toMatchObject({
      status: 500,
      type: "text/html",
    });
    const bad = await refused(`/api/v2/workspaceagents/${agentId}/pty?width=x`, cookie);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).validations.map((v: AnyJson) => v.field)).toEqual(["reconnect", "width"]);
    // The header and the query parameter carry a token too, as everywhere in coderd.
    for (const [path, headers] of [
      [pty(agentId, "true"), { "Coder-Session-Token": h.token }],
      [`${pty(agentId, "true")}&coder_session_token=${h.token}`, {}],
    ] as const) {
      expect(await open(h, path, headers).ended).toEqual({ code: 1006, reason: "" });
    }
    const plain = await h.api(pty(agentId, "true"));
    expect(plain.status).toBe(426);
  });

  it("takes typed input: echoed when cooked; after stty raw -echo, read by head -c as data, Ctrl-C too", async () => {
    const { h, agentId, cookie } = await start();
    const cooked = open(
      h,
      pty(agentId, `#!/bin/sh\nprintf ready\nc=$(head -c 4)\nprintf '[%s]' "$c"`),
      cookie,
    );
    await cooked.sees("ready");
    cooked.type("abcd");
    await cooked.ended;
    expect(cooked.output()).toBe("readyabcd[abcd]");
    const script = `#!/bin/sh\nstty raw -echo\nprintf ready\nc=$(head -c 3)\nstty sane\nprintf '[%s]\\n' "$c"`;
    const raw = open(h, pty(agentId, script), cookie);
    await raw.sees("ready");
    raw.type("x\u0003y");
    await raw.ended;
    expect(raw.output()).toBe("ready[x\u0003y]\r\n");
  });

  it("ends at once, without a word, when the start message is too long for the agent's one read", async () => {
    const { h, agentId, cookie } = await start();
    const t = open(h, pty(agentId, `echo ${"x".repeat(1100)}`), cookie);
    expect(await t.ended).toEqual({ code: 1006, reason: "" });
    expect(t.frames).toEqual([]);
  });

  it("ends the session on a scripted hangup, before the rest of the script", async () => {
    const { h, agentId, cookie } = await start({ exec: { die: { output: "bye\n", hangup: true } } });
    const t = open(h, pty(agentId, "#!/bin/sh\ndie\necho never"), cookie);
    expect(await t.ended).toEqual({ code: 1006, reason: "" });
    expect(t.output()).toBe("bye\r\n");
  });
  // Last: it stops the shared workspace.
  it("answers 502 (HTML) when the agent is not connected", async () => {
    const { h, agentId, cookie, workspace } = await start();
    const stop = await h.api(`/api/v2/workspaces/${workspace.id}/builds`, {
      method: "POST",
      json: { transition: "stop" },
    });
    await waitForBuild(h, (await stop.json()).id);
    const ended = (await open(h, pty(agentId, "true"), cookie).ended) as { status: number; body: string };
    expect(ended.status).toBe(502);
    expect(ended.body).toContain("Agent state is &quot;disconnected&quot;, not &quot;connected&quot;");
  });
});
