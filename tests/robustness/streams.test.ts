// Streams a hostile or broken deployment can send: a watch socket that upgrades and goes silent (up waited 602 s
// for an agent that was ready after a second), an upgrade never answered, frames that are `null` or not logs, ids
// like 1e308, a frame far over the size cap. The clock is vitest's, moved only once the network has done its part:
// waits are measured in the SDK's own time, never slept.
import type { RunningFakeCoder } from "@spt-coder/fake-coder";
import {
  CoderMalformedResponseError,
  CoderResponseTooLargeError,
  createCoderClient,
  followJobLogs,
  waitForAgents,
} from "@spt-coder/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { watchWorkspace } from "../../packages/sdk/src/flows/watch.js";
import { cliEnv, tempHome } from "../e2e/helpers.js";
import { runCli } from "./cli-in-process.js";
import {
  inProcessFetch,
  type Rewrites,
  type StreamServer,
  streamServer,
  type UpgradeBehaviour,
} from "./hostile-servers.js";
import { fakeWithWorkspace, proxyOf } from "./proxied-fake.js";

const servers: StreamServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(answer: (path: string) => unknown, upgrade: UpgradeBehaviour) {
  const server = await streamServer(answer, upgrade);
  servers.push(server);
  return server;
}

const WORKSPACE_ID = "0b6ec0ce-0000-4000-8000-000000000001";

/** A running workspace whose one agent is connected and ready, with the agent's own connection timeout. */
function readyWorkspace(connectionTimeoutSeconds = 120) {
  return {
    id: WORKSPACE_ID,
    name: "dev",
    latest_build: {
      id: "0b6ec0ce-0000-4000-8000-000000000002",
      status: "running",
      resources: [
        {
          agents: [
            {
              name: "main",
              status: "connected",
              lifecycle_state: "ready",
              connection_timeout_seconds: connectionTimeoutSeconds,
            },
          ],
        },
      ],
    },
  };
}

/** Fakes the clock the SDK's deadlines and polls run on (the network stays real). */
function fakeClock() {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
}

/** Moves the clock a second at a time until `settled()` or `limitMs`; returns the time moved. */
async function advanceUntil(settled: () => boolean, limitMs: number): Promise<number> {
  let moved = 0;
  while (!settled() && moved < limitMs) {
    await vi.advanceTimersByTimeAsync(1000);
    moved += 1000;
  }
  return moved;
}

function track<T>(promise: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

describe("the workspace watch stream has a handshake and an idle deadline", () => {
  it("an upgrade never answered is given up after 30 s, not waited on for ever", async () => {
    const server = await start(() => readyWorkspace(), { kind: "never-answers" });
    fakeClock();
    const client = createCoderClient({ url: server.url, token: "t".repeat(20) });
    const ended = track(watchWorkspace(client, WORKSPACE_ID, () => {}).ended);
    await server.upgrades();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(ended.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ended.value).toEqual({ kind: "refused", reason: "no upgrade within 30000 ms" });
  });

  it("an open stream silent for 60 s is dropped; a ping keeps it", async () => {
    const server = await start(() => readyWorkspace(), { kind: "frames", frames: [] });
    fakeClock();
    const client = createCoderClient({ url: server.url, token: "t".repeat(20) });
    const ended = track(watchWorkspace(client, WORKSPACE_ID, () => {}).ended);
    await server.opened();
    await server.pingAll(); // answered: the client has read the upgrade's answer too
    await vi.advanceTimersByTimeAsync(50_000);
    await server.pingAll();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(ended.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ended.value).toEqual({ kind: "dropped", reason: "no frame or ping for 60000 ms" });
  });
});

describe("waiting for the agent beside a stream that says nothing", () => {
  it.each([
    ["upgrades and goes silent", { kind: "frames", frames: [] }, 120, 15_000],
    ["never answers the upgrade", { kind: "never-answers" }, 120, 15_000],
    ["upgrades and goes silent, agent timeout 5 s", { kind: "frames", frames: [] }, 5, 5_000],
  ] as const)(
    "%s: a poll sees the ready agent within the backstop and the agent's own timeout",
    async (_name, upgrade, agentTimeout, bound) => {
      const workspace = readyWorkspace(agentTimeout);
      const server = await start(() => workspace, upgrade);
      fakeClock();
      const client = createCoderClient({
        url: server.url,
        token: "t".repeat(20),
        fetch: inProcessFetch(() => workspace),
      });
      // The stream first: the wait holds a workspace whose agent is still connecting (the build just ended).
      const connecting = structuredClone(workspace);
      connecting.latest_build.resources[0]!.agents[0]!.status = "connecting";
      const wait = track(waitForAgents(client, WORKSPACE_ID, { workspace: connecting as never }));
      if (upgrade.kind === "never-answers") await server.upgrades();
      else await server.opened().then(() => server.pingAll());
      const moved = await advanceUntil(() => wait.settled, 600_000);
      expect(wait.error).toBeUndefined();
      expect(wait.value?.degraded).toBe(false);
      expect(moved).toBeLessThanOrEqual(bound);
    },
  );
});

const created_at = "2026-01-01T00:00:00Z";
const log = (id: number, output: string) => ({
  id,
  created_at,
  log_source: "provisioner",
  log_level: "info",
  stage: "Planning infrastructure",
  output,
});
/** A finished build whose log, polled, is `logs`. */
const finishedBuild = (logs: unknown) => (path: string) =>
  path.endsWith("/logs") ? logs : { id: "b1", job: { id: "j1", status: "succeeded", created_at } };

describe("a frame that is not what Coder sends", () => {
  it.each([
    ["null", "null"],
    ["[null]", "[null]"],
    ["an object that is not a log", '{"foo":1}'],
    ["a string", '"hello"'],
    ["not JSON", "{oops"],
    ["a log whose id is 1e308", JSON.stringify({ ...log(1, "x"), id: 1e308 })],
  ])(
    "%s on the log socket: the follower polls instead, no crash, no 'undefined' line",
    async (_name, frame) => {
      const server = await start(finishedBuild([log(1, "first"), log(2, "second")]), {
        kind: "frames",
        frames: [frame],
      });
      const client = createCoderClient({ url: server.url, token: "t".repeat(20) });
      const stream = followJobLogs(client, { job: { kind: "workspace-build", id: "b1" } });
      const outputs: string[] = [];
      for await (const line of stream) outputs.push(line.output);
      expect(outputs).toEqual(["first", "second"]);
      expect(stream.via).toBe("polling");
    },
  );

  it.each([
    ["[null]", [null]],
    ["an object instead of the list", { logs: [] }],
    ["a log without output", [{ ...log(1, "x"), output: undefined }]],
  ])("a polled answer of %s: a typed error the caller can catch", async (_name, answer) => {
    const server = await start(finishedBuild(answer), { kind: "never-answers" });
    const client = createCoderClient({ url: server.url, token: "t".repeat(20) });
    const stream = followJobLogs(client, {
      job: { kind: "workspace-build", id: "b1" },
      transport: "polling",
    });
    const error = await (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoderMalformedResponseError);
    expect((error as Error).message).toMatch(
      /^The server's answer to GET \/api\/v2\/workspacebuilds\/b1\/logs is not what Coder sends: /,
    );
  });

  it.each([
    ["null", "null"],
    ["data without a workspace", '{"type":"data","data":{}}'],
    ["data null", '{"type":"data","data":null}'],
  ])("%s on the watch socket: the wait polls instead and finds the agent ready", async (_name, frame) => {
    const workspace = readyWorkspace();
    const server = await start(() => workspace, { kind: "frames", frames: [frame] });
    const client = createCoderClient({ url: server.url, token: "t".repeat(20) });
    const connecting = structuredClone(workspace);
    connecting.latest_build.resources[0]!.agents[0]!.status = "connecting";
    const ready = await waitForAgents(client, WORKSPACE_ID, { workspace: connecting as never });
    expect(ready.workspace.id).toBe(WORKSPACE_ID);
  });

  it("a polled workspace the wait cannot read is a typed error, not a TypeError", async () => {
    const server = await start(() => ({ id: WORKSPACE_ID, latest_build: null }), { kind: "never-answers" });
    const client = createCoderClient({ url: server.url, token: "t".repeat(20) });
    const error = await waitForAgents(client, WORKSPACE_ID, { watch: { handshakeTimeoutMs: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CoderMalformedResponseError);
  });
});

describe("a frame over the size cap", () => {
  it("stops at the frame's header: CoderResponseTooLargeError, as for an answer", async () => {
    const server = await start(finishedBuild([]), { kind: "huge-frame", bytes: 100 * 1024 * 1024 });
    const client = createCoderClient({ url: server.url, token: "t".repeat(20) });
    const stream = followJobLogs(client, { job: { kind: "workspace-build", id: "b1" } });
    const error = await (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoderResponseTooLargeError);
    expect((error as CoderResponseTooLargeError).limitBytes).toBe(32 * 1024 * 1024);
  });
});

describe("through the CLI, a proxy that breaks the log stream of a real build", () => {
  let fake: RunningFakeCoder | undefined;
  // Once for the block, with the time a loaded machine needs: the first fake of a worker loads the HCL parser.
  beforeAll(async () => {
    fake = await fakeWithWorkspace();
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function logsThrough(rewrites: Rewrites) {
    const running = fake!;
    const proxy = await proxyOf(running, rewrites);
    servers.push(proxy as StreamServer);
    const home = await tempHome();
    const env = cliEnv(home, { CODER_URL: proxy.url, CODER_SESSION_TOKEN: running.token, NO_COLOR: "1" });
    return runCli(["logs", "dev"], { env });
  }

  it("a null frame before every log frame: the logs are printed (by polling), exit 0, no stack trace", async () => {
    const result = await logsThrough({ frame: (data) => ["null", data] });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Terraform");
    expect(result.stdout).not.toContain("undefined");
    expect(result.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  it("and a polled answer of [null]: exit 1 saying the server is at fault, not a bug in spt-coder", async () => {
    const result = await logsThrough({
      frame: () => ["null"],
      json: (body, path) => (path.endsWith("/logs") ? [null] : body),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: The server's answer to GET \/api\/v2\/workspacebuilds\/[^ ]+\/logs is not what Coder sends: a log entry is null, not a log\./m,
    );
    expect(result.stderr).not.toMatch(/bug in spt-coder|TypeError|\n\s+at /);
  });
});
