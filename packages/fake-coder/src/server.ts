/**
 * Network mode: a real HTTP server on loopback (node:http) serving the shared core, plus the WebSocket log
 * streams (`ws`, upgraded only after auth, lookups and the Origin check, as coderd does).
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { WebSocket, WebSocketServer } from "ws";
import type { FakeClock } from "./clock.js";
import { Core, type FakeCoderOptions } from "./core.js";
import type { Faults } from "./faults.js";
import { DroppedConnection } from "./responses.js";
import { MAX_FILE_BYTES } from "./routes/files.js";
import type { FakeState } from "./state.js";
import { runStream } from "./stream-runner.js";

/** Options of {@link startFakeCoder}. */
export interface StartFakeCoderOptions extends FakeCoderOptions {
  /** Port on 127.0.0.1; default 0 (a random free port). */
  port?: number;
}

/** A running fake Coder server. */
export interface RunningFakeCoder {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The seeded owner's session token. */
  token: string;
  state: FakeState;
  faults: Faults;
  /** The lifecycle clock: hold it in a test to see a one-step state however loaded the machine is. */
  clock: FakeClock;
  /** Closes every connection and stops the server and all timers. */
  close(): Promise<void>;
}

/**
 * Reads a request body, keeping at most one byte more than the largest accepted upload, and nothing when its
 * declared length is already over it (the route refuses it by that length; the bytes are only drained).
 */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  const chunks: Buffer[] = [];
  let size = Number(req.headers["content-length"] ?? 0) > MAX_FILE_BYTES ? MAX_FILE_BYTES + 1 : 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size > MAX_FILE_BYTES) continue;
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return Buffer.concat(chunks);
}

function toRequest(req: IncomingMessage, origin: string, body: Buffer | undefined): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const host = req.headers.host ?? new URL(origin).host;
  return new Request(`http://${host}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    ...(body ? { body: new Uint8Array(body) } : {}),
  });
}

/** Writes a Fetch Response; a body that errors part-way (a fault) destroys the socket mid-response. */
async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const chunks: Uint8Array[] = [];
  const reader = response.body?.getReader();
  try {
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } catch {
    // Headers and the bytes read so far go out, then the connection breaks without finishing the body.
    res.writeHead(response.status, headers);
    res.flushHeaders();
    res.write(Buffer.concat(chunks), () => res.destroy());
    return;
  }
  const body = Buffer.concat(chunks);
  res.writeHead(response.status, { ...headers, "content-length": String(body.byteLength) });
  res.end(body);
}

/** Answers an upgrade request with a plain HTTP response written straight to the socket. */
async function writeRawResponse(socket: Socket, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? "Unknown"}`];
  response.headers.forEach((value, key) => {
    lines.push(`${key}: ${value}`);
  });
  lines.push(`content-length: ${body.byteLength}`, "connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n")), body]));
}

/** Starts a fake Coder on 127.0.0.1 (a random port by default). */
export async function startFakeCoder(options: StartFakeCoderOptions = {}): Promise<RunningFakeCoder> {
  const core = new Core(options, "http://127.0.0.1");
  const sockets = new Set<WebSocket>();
  // `ws` costs ~100 ms to load; only log followers need it, and the bin must start fast.
  let wss: Promise<WebSocketServer> | undefined;
  const webSockets = () => {
    wss ??= import("ws").then(({ WebSocketServer }) => {
      const server = new WebSocketServer({ noServer: true });
      // coderd's root middleware sets the version header before the handler upgrades, so the 101 carries it too.
      server.on("headers", (headers) => headers.push(`X-Coder-Build-Version: ${core.buildVersion}`));
      return server;
    });
    return wss;
  };
  const server = createServer(async (req, res) => {
    try {
      const request = toRequest(req, core.accessUrl, await readBody(req));
      await writeResponse(res, await core.handle(request, { remoteAddress: req.socket.remoteAddress ?? "" }));
    } catch (err) {
      if (err instanceof DroppedConnection) res.destroy();
      else {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      }
    }
  });
  server.on("upgrade", async (req, socket: Socket, head) => {
    try {
      const request = toRequest(req, core.accessUrl, undefined);
      const result = await core.prepareUpgrade(request, { remoteAddress: socket.remoteAddress ?? "" });
      if ("response" in result) return await writeRawResponse(socket, result.response);
      const drop = core.faults.takeStreamDrop(result.path);
      (await webSockets()).handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on("close", () => sockets.delete(ws));
        const events = runStream(
          {
            sendText: (text) => ws.send(text),
            sendBytes: (data) => ws.send(data, { binary: true }),
            close: (code, reason) => ws.close(code, reason),
            terminate: () => ws.terminate(),
          },
          result.stream,
          drop?.afterFrames,
        );
        ws.on("message", (data: Buffer, binary) => events.message(data.toString("utf8"), binary));
        ws.on("close", events.gone);
        ws.on("error", events.gone);
      });
    } catch {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  core.accessUrl = `http://127.0.0.1:${port}`;
  return {
    url: core.accessUrl,
    token: core.state.tokenOf(core.state.adminId),
    state: core.state,
    faults: core.faults,
    clock: core.clock,
    close: async () => {
      core.dispose();
      for (const ws of sockets) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
