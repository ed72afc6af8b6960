// A deployment that misbehaves must never hang the SDK or the CLI, nor fill its memory: a server that accepts and
// never answers, one that trickles its answer a byte at a time, a huge answer and a gzip bomb. Garbage is collected
// all through each wait, since on Node 20 a deadline held only weakly was collected and then never fired.
import {
  CoderResponseTooLargeError,
  CoderServerError,
  CoderTimeoutError,
  createCoderClient,
  followJobLogs,
} from "@spt-coder/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, tempHome } from "../e2e/helpers.js";
import { privateCli, runCli } from "./cli.js";
import {
  gzipBombServer,
  type HostileServer,
  hugeAnswerServer,
  peakRssGrowth,
  silentServer,
  slowLorisServer,
  withinBound,
} from "./hostile-servers.js";

const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function track<T extends HostileServer>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

const MiB = 1024 * 1024;

describe("a server that never finishes its answer", () => {
  const cases = [
    ["accepts and never answers", () => silentServer()],
    ["trickles its headers a byte every 200 ms", () => slowLorisServer("headers")],
    ["trickles its body a byte every 200 ms", () => slowLorisServer("body")],
  ] as const;

  it.each(cases)("%s: each attempt ends at its deadline, with gc() all along", async (_name, start) => {
    const server = await track(start());
    // The attempts are counted where they are made: the server, in this process too, may not have read the
    // retry's request yet when its deadline fires on a loaded machine (hits was 1).
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = createCoderClient({ url: server.url, timeoutMs: 400, maxRetries: 1, fetch: counting });
    const run = await withinBound(() => client.buildInfo.get(), 10_000);
    expect(run.hung, "the request never settled").toBe(false);
    expect(run.error).toBeInstanceOf(CoderTimeoutError);
    expect((run.error as Error).message).toBe("GET /api/v2/buildinfo got no complete answer within 400 ms");
    expect(attempts).toBe(2); // the first attempt and one retry, each cut at its deadline
    expect(server.hits).toBeLessThanOrEqual(2);
  });
});

describe("a server that answers 503 with Retry-After for ever", () => {
  it("is retried within the failure budget and then reported, not retried for ever", async () => {
    const { createServer } = await import("node:http");
    let hits = 0;
    const server = createServer((_request, response) => {
      hits++;
      response.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
      response.end(JSON.stringify({ message: "Service unavailable" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const client = createCoderClient({ url: `http://127.0.0.1:${port}`, maxRetries: 2 });
      const run = await withinBound(() => client.buildInfo.get(), 10_000);
      expect(run.hung, "the request never settled").toBe(false);
      expect(run.error).toBeInstanceOf(CoderServerError);
      expect(hits).toBe(3); // the first attempt and two retries
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("the CLI against a server that never answers", () => {
  beforeAll(async () => {
    await privateCli();
  }, 120_000);

  // The CLI process collects garbage every 20 ms (a preloaded module), the way a long wait under memory pressure
  // would; its request deadline must hold regardless.
  const collectGarbage = ["--expose-gc", "--import", "data:text/javascript,setInterval(()=>gc(),20).unref()"];

  it.each([
    ["accepts and never answers", () => silentServer()],
    ["trickles its body a byte every 200 ms", () => slowLorisServer("body")],
  ] as const)(
    "%s: exits 2 with the timeout, in bounded time",
    async (_name, start) => {
      const server = await track(start());
      const home = await tempHome();
      const env = cliEnv(home, { CODER_URL: server.url, CODER_SESSION_TOKEN: "x".repeat(10), NO_COLOR: "1" });
      const result = await runCli(["list", "--request-timeout", "0.5"], {
        env,
        nodeArgs: collectGarbage,
        killAfterMs: 30_000,
      });
      expect(result.killed, "spt-coder never exited").toBe(false);
      // The first request is the server check, so an unreachable deployment is a bad --url / CODER_URL (exit 2).
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `error: The Coder URL "${server.url}" cannot be used: GET /api/v2/buildinfo got no complete answer within 500 ms`,
      );
      expect(result.stderr).not.toMatch(/bug in spt-coder|\n\s+at /);
    },
    40_000,
  );
});

describe("an answer larger than any Coder answer", () => {
  it("stops reading a 512 MiB answer at the cap, once, with memory bounded", async () => {
    const server = await track(hugeAnswerServer(512 * MiB));
    const client = createCoderClient({ url: server.url, maxRetries: 2 });
    const { outcome, growth } = await peakRssGrowth(() => client.buildInfo.get());
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoderResponseTooLargeError);
    expect((error as Error).message).toMatch(
      /^The server sent too much: the answer to GET \/api\/v2\/buildinfo is larger than 32 MiB/,
    );
    expect(server.hits).toBe(1); // not fetched again on a retry
    expect(growth).toBeLessThan(160 * MiB);
  });

  it("stops inflating a gzip bomb at the cap, once, with memory bounded", async () => {
    const server = await track(gzipBombServer(512 * MiB));
    expect(server.wireBytes).toBeLessThan(1 * MiB); // small on the wire: the danger is in the inflating
    const client = createCoderClient({ url: server.url, maxRetries: 2, maxResponseBytes: 4 * MiB });
    const { outcome, growth } = await peakRssGrowth(() => client.buildInfo.get());
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoderResponseTooLargeError);
    expect((error as CoderResponseTooLargeError).limitBytes).toBe(4 * MiB);
    expect((error as Error).message).toContain("(after decompression)");
    expect(server.hits).toBe(1);
    expect(growth).toBeLessThan(100 * MiB);
  });
});

describe("the log WebSocket", () => {
  it("gives up on an upgrade that is never answered and polls instead, with gc() all along", async () => {
    // The upgrade request is accepted and never answered; plain requests get a finished job and its logs.
    const { createServer } = await import("node:http");
    const job = {
      id: "9a3e7d2c-0000-4000-8000-000000000001",
      status: "succeeded",
      created_at: "2026-01-01T00:00:00Z",
    };
    const server = createServer((request, response) => {
      const body = request.url?.includes("/logs")
        ? [
            {
              id: 1,
              created_at: job.created_at,
              log_source: "provisioner",
              log_level: "info",
              stage: "x",
              output: "done",
            },
          ]
        : { id: "v1", job };
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    server.on("upgrade", () => {}); // accept, never answer
    const sockets = new Set<import("node:net").Socket>();
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    servers.push({
      url: "",
      hits: 0,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise((r) => server.close(r));
      },
    });
    const client = createCoderClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const stream = followJobLogs(client, {
      job: { kind: "template-version", id: "v1" },
      pollIntervalMs: 600_000, // the job poll beside the socket never comes: only the handshake deadline can help
      handshakeTimeoutMs: 300,
    });
    // The bound tells "the deadline fired" from "nothing would" (a job poll comes only after 10 minutes); it is
    // wide because with gc() every 50 ms a loaded machine took over 15 s.
    const run = await withinBound(async () => {
      const outputs: string[] = [];
      for await (const log of stream) outputs.push(log.output);
      return outputs;
    }, 100_000);
    expect(run.hung, "following the logs never ended").toBe(false);
    expect(run.error).toBeUndefined();
    expect(run.value).toEqual(["done"]);
    expect(stream.via).toBe("polling");
  });

  it("reconnects a stream that went silent (no frame, no ping), with gc() all along", async () => {
    const { createServer } = await import("node:http");
    const { WebSocketServer } = await import("ws");
    const created_at = "2026-01-01T00:00:00Z";
    let upgrades = 0;
    const server = createServer((_request, response) => {
      // The job runs until the second stream delivered its log and closed.
      const job = {
        id: "9a3e7d2c-0000-4000-8000-000000000002",
        created_at,
        status: upgrades >= 2 ? "succeeded" : "running",
      };
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "v1", job }));
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on("upgrade", (request, socket, head) => {
      upgrades++;
      const which = upgrades;
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (which === 1) return; // open, then silent for ever: no frame, no ping, no close
        const log = {
          id: 1,
          created_at,
          log_source: "provisioner",
          log_level: "info",
          stage: "x",
          output: "after",
        };
        ws.send(JSON.stringify(log), () => ws.close(1000, "done"));
      });
    });
    const sockets = new Set<import("node:net").Socket>();
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    servers.push({
      url: "",
      hits: 0,
      close: async () => {
        for (const s of sockets) s.destroy();
        wss.close();
        await new Promise((r) => server.close(r));
      },
    });
    const client = createCoderClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const stream = followJobLogs(client, {
      job: { kind: "template-version", id: "v1" },
      pollIntervalMs: 600_000, // no job poll comes to the rescue: only the idle deadline can
      idleTimeoutMs: 300,
    });
    // As above: only the idle deadline ends this within the bound.
    const run = await withinBound(async () => {
      const outputs: string[] = [];
      for await (const log of stream) outputs.push(log.output);
      return outputs;
    }, 100_000);
    expect(run.hung, "the silent stream was never given up").toBe(false);
    expect(run.error).toBeUndefined();
    expect(run.value).toEqual(["after"]);
    // At least one reconnect; a loaded machine may take the second stream's first frame past the 300 ms idle
    // deadline too, and reconnect once more (the log, resumed by id, still comes once).
    expect(upgrades).toBeGreaterThanOrEqual(2);
    expect(stream.via).toBe("websocket");
  });
});
