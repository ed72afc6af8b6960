// Where the session token travels during a whole `up` (template push, log streams over WebSocket, polling):
// only in the Coder-Session-Token header, only to the deployment's origin. A TCP proxy in front of the fake sees
// every byte the SDK sends, HTTP and WebSocket upgrades alike, so nothing is taken on the SDK's word.
// Redirects to another origin, of WebSocket upgrades and of plain HTTP requests, are not followed: neither the
// token nor a request (a template archive) goes there.
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { CoderRedirectError, createCoderClient, type FlowEvent, up } from "@spt-coder/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** Everything clients sent to a server, per connection. */
interface Recorder {
  port: number;
  connections: Buffer[];
  /** Upgrade requests answered with a redirect. */
  redirected: number;
}

/** A server that only records what it receives and then hangs up. */
async function otherOrigin(): Promise<Recorder> {
  const recorder: Recorder = { port: 0, connections: [], redirected: 0 };
  const server = createServer((socket) => {
    const index = recorder.connections.push(Buffer.alloc(0)) - 1;
    socket.on("data", (chunk) => {
      recorder.connections[index] = Buffer.concat([recorder.connections[index]!, chunk]);
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    socket.on("error", () => {});
  });
  recorder.port = await listen(server);
  return recorder;
}

/**
 * A byte-level proxy to the fake that records what the client sends. With `redirectUpgradesTo`, a WebSocket
 * upgrade is answered with a 302 to that port (another origin) instead of being forwarded.
 */
async function proxy(
  fake: RunningFakeCoder,
  redirectUpgradesTo?: number,
  redirectHttp?: { path: RegExp; status: number; location: (target: string) => string },
): Promise<Recorder> {
  const upstreamPort = Number(new URL(fake.url).port);
  const recorder: Recorder = { port: 0, connections: [], redirected: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    const index = recorder.connections.push(Buffer.alloc(0)) - 1;
    let upstream: Socket | undefined;
    client.on("data", (chunk) => {
      recorder.connections[index] = Buffer.concat([recorder.connections[index]!, chunk]);
      const head = chunk.toString("latin1");
      if (!upstream && redirectUpgradesTo && /^upgrade: websocket/im.test(head)) {
        const target = head.split(" ")[1] ?? "/";
        recorder.redirected++;
        client.end(
          `HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:${redirectUpgradesTo}${target}\r\nContent-Length: 0\r\n\r\n`,
        );
        return;
      }
      const target = head.split(" ")[1] ?? "/";
      if (!upstream && redirectHttp && /^[A-Z]+ /.test(head) && redirectHttp.path.test(target)) {
        recorder.redirected++;
        client.end(
          `HTTP/1.1 ${redirectHttp.status} Redirect\r\nLocation: ${redirectHttp.location(target)}\r\nContent-Length: 0\r\n\r\n`,
        );
        return;
      }
      if (!upstream) {
        upstream = connect(upstreamPort, "127.0.0.1");
        sockets.add(upstream);
        upstream.pipe(client);
        upstream.on("error", () => client.destroy());
      }
      upstream.write(chunk);
    });
    client.on("end", () => upstream?.end());
    client.on("error", () => upstream?.destroy());
  });
  recorder.port = await listen(server);
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
  });
  return recorder;
}

/** Every place the token (or its secret half) occurs in what was sent, with the 40 bytes before it. */
function occurrences(sent: Buffer[], token: string): string[] {
  const found: string[] = [];
  for (const needle of [token, token.split("-")[1]!]) {
    for (const bytes of sent) {
      const text = bytes.toString("latin1");
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
        found.push(text.slice(Math.max(0, at - 40), at + needle.length));
      }
    }
  }
  return found;
}

/** The request lines (method and target) of everything sent. */
function requestLines(sent: Buffer[]): string[] {
  return sent.flatMap((bytes) => bytes.toString("latin1").match(/^(GET|POST|PUT|PATCH|DELETE) \S+/gm) ?? []);
}

async function upThrough(fake: RunningFakeCoder, port: number) {
  const events: FlowEvent[] = [];
  const client = createCoderClient({ url: `http://127.0.0.1:${port}`, token: fake.token });
  const result = await up({
    client,
    workspace: "dev",
    template: "tiny",
    templateDir: templateFolder({ "main.tf": minimalTemplate() }),
    onEvent: (e) => events.push(e),
  });
  return { result, events };
}

describe("the session token on the wire", () => {
  it("travels only in the Coder-Session-Token header, never in a URL, WebSocket upgrades included", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 2 });
    closers.push(() => fake.close());
    const wire = await proxy(fake);
    const { result } = await upThrough(fake, wire.port);
    expect(result.workspace.latest_build.status).toBe("running");

    const lines = requestLines(wire.connections);
    const upgrades = lines.filter((l) => l.includes("/logs?follow"));
    expect(upgrades.length, lines.join("\n")).toBeGreaterThanOrEqual(2); // the import and the build
    for (const line of lines) expect(line).not.toContain(fake.token.split("-")[1]);
    const places = occurrences(wire.connections, fake.token);
    expect(places.length).toBeGreaterThan(0);
    for (const place of places)
      expect(place).toMatch(new RegExp(`\\r\\ncoder-session-token: ${fake.token}$`, "i"));
  });

  it("is not sent to another origin when a log WebSocket upgrade is redirected there", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 2 });
    closers.push(() => fake.close());
    const elsewhere = await otherOrigin();
    const wire = await proxy(fake, elsewhere.port);
    const { result } = await upThrough(fake, wire.port);
    // The SDK did not follow the redirect: it fell back to polling the logs on the deployment itself.
    expect(result.workspace.latest_build.status).toBe("running");
    expect(wire.redirected).toBeGreaterThanOrEqual(2);
    expect(requestLines(wire.connections).some((l) => /\/logs\?after=/.test(l))).toBe(true);
    expect(occurrences(elsewhere.connections, fake.token)).toEqual([]);
  });

  it.each([
    [307, "another port", (port: number) => `http://127.0.0.1:${port}`],
    [308, "another host name for the same machine", (port: number) => `http://localhost:${port}`],
    [302, "another scheme-relative origin", (port: number) => `//127.0.0.1:${port}`],
  ])(
    "is not sent along a plain HTTP %i redirect to %s: the redirect is refused",
    async (status, _what, origin) => {
      const fake = await startFakeCoder({ stepDelayMs: 2 });
      closers.push(() => fake.close());
      const elsewhere = await otherOrigin();
      const wire = await proxy(fake, undefined, {
        path: /^\/api\/v2\/users\/me$/,
        status,
        location: (target) => `${origin(elsewhere.port)}${target}`,
      });
      const client = createCoderClient({ url: `http://127.0.0.1:${wire.port}`, token: fake.token });
      const error = await client.users.me().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CoderRedirectError);
      expect((error as CoderRedirectError).target).toMatch(new RegExp(`:${elsewhere.port}$`));
      expect(wire.redirected).toBe(1);
      // Not vacuous: the token went to the deployment; nothing at all went to the other origin.
      expect(occurrences(wire.connections, fake.token).length).toBeGreaterThan(0);
      expect(elsewhere.connections).toEqual([]);
    },
  );

  it("a 307 on POST /files to another origin: the template archive is never sent there", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 2 });
    closers.push(() => fake.close());
    const elsewhere = await otherOrigin();
    fake.faults.failNext({
      method: "POST",
      path: "/api/v2/files",
      status: 307,
      headers: { location: `http://127.0.0.1:${elsewhere.port}/api/v2/files` },
    });
    const error = await upThrough(fake, Number(new URL(fake.url).port)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoderRedirectError);
    expect((error as Error).message).toMatch(
      /^POST \/api\/v2\/files was answered with a 307 redirect to http:\/\/127\.0\.0\.1:\d+, another origin/,
    );
    expect(elsewhere.connections).toEqual([]);
    expect(fake.state.files.size).toBe(0);
  });
});
