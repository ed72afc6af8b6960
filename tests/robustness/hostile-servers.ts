// Loopback servers that misbehave the ways a hostile or broken deployment can: accept and never answer, trickle an
// answer a byte at a time, send far too much, or send a small gzip that inflates to gigabytes. Each one counts the
// requests it saw and destroys its sockets on close, so a test never leaves a connection behind.
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createGzip } from "node:zlib";

/** A running hostile server. */
export interface HostileServer {
  url: string;
  /** Requests seen so far. */
  readonly hits: number;
  close(): Promise<void>;
}

async function serve(
  server: Server,
  sockets: Set<Socket>,
  counter: { hits: number },
): Promise<HostileServer> {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    get hits() {
      return counter.hits;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Accepts every connection, reads what comes, never writes a byte. */
export function silentServer(): Promise<HostileServer> {
  const counter = { hits: 0 };
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    // Requests, not connections: undici may open a connection it never sends on.
    socket.once("data", () => counter.hits++);
    socket.on("data", () => {});
    socket.on("error", () => {});
  });
  return serve(server, sockets, counter);
}

/**
 * Answers every request a byte at a time, one byte every `everyMs`, for ever: in the headers (`phase: "headers"`)
 * or, after complete headers, in a JSON body that never ends (`phase: "body"`).
 */
export function slowLorisServer(phase: "headers" | "body", everyMs = 200): Promise<HostileServer> {
  const counter = { hits: 0 };
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => {
      counter.hits++;
      const head =
        phase === "headers"
          ? "HTTP/1.1 200 OK\r\nX-Slow: "
          : 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n{"version":"v1.0.\r\n';
      socket.write(head);
      // One byte of the body at a time: in the headers a byte, in the body a chunk of one byte.
      const timer = setInterval(() => socket.write(phase === "headers" ? "v" : "1\r\n0\r\n"), everyMs);
      socket.on("close", () => clearInterval(timer));
    });
  });
  return serve(server, sockets, counter);
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

function httpServer(handler: Handler): Promise<HostileServer> {
  const counter = { hits: 0 };
  const sockets = new Set<Socket>();
  const server = createHttpServer((request, response) => {
    counter.hits++;
    response.on("error", () => {});
    handler(request, response);
  });
  return serve(server, sockets, counter);
}

/** A 200 JSON answer of `bytes` bytes (a string of that length), streamed as fast as the client reads it. */
export function hugeAnswerServer(bytes: number): Promise<HostileServer> {
  const chunk = Buffer.alloc(1024 * 1024, "x");
  return httpServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.write('{"version":"');
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once("drain", pump);
      }
      response.end('"}');
    };
    pump();
  });
}

/** A 200 JSON answer sent with `Content-Encoding: gzip` whose body inflates to `inflatedBytes` bytes of zeros. */
export async function gzipBombServer(inflatedBytes: number): Promise<HostileServer & { wireBytes: number }> {
  const bomb = await gzipOfZeros(inflatedBytes);
  const server = await httpServer((_request, response) => {
    response.writeHead(200, {
      "content-type": "application/json",
      "content-encoding": "gzip",
      "content-length": String(bomb.length),
    });
    response.end(bomb);
  });
  return Object.assign(server, { wireBytes: bomb.length });
}

async function gzipOfZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on("data", (part: Buffer) => parts.push(part));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < bytes; written += zeros.length) {
    if (!gzip.write(zeros)) await once(gzip, "drain");
  }
  gzip.end();
  await once(gzip, "end");
  return Buffer.concat(parts);
}

/** `gc()`, exposed at run time (vitest's workers are not started with --expose-gc). */
export function exposedGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * Settles with `work`'s outcome, or with `"hung"` when it has not settled after `boundMs`; collects garbage every
 * `gcEveryMs` meanwhile, so a deadline that is only weakly held is collected before it can fire.
 */
export async function withinBound<T>(
  work: () => Promise<T>,
  boundMs: number,
  gcEveryMs = 50,
): Promise<{ value?: T; error?: unknown; hung: boolean; ms: number }> {
  const gc = exposedGc();
  const collector = setInterval(gc, gcEveryMs);
  const started = performance.now();
  let watchdog: NodeJS.Timeout | undefined;
  try {
    const hung = new Promise<"hung">((resolve) => {
      watchdog = setTimeout(() => resolve("hung"), boundMs);
    });
    const outcome = await Promise.race([
      work().then(
        (value) => ({ value, hung: false }),
        (error: unknown) => ({ error, hung: false }),
      ),
      hung.then(() => ({ hung: true })),
    ]);
    return { ...outcome, ms: performance.now() - started };
  } finally {
    clearInterval(collector);
    clearTimeout(watchdog);
  }
}

/** Samples the resident set size every few milliseconds while `work` runs; returns the peak growth in bytes. */
export async function peakRssGrowth<T>(
  work: () => Promise<T>,
): Promise<{ outcome: Promise<T>; growth: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const outcome = work();
  await outcome.catch(() => {});
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { outcome, growth: peak - base };
}
