// A loopback reverse proxy in front of a Coder (real or fake) that records every exchange a client makes: the
// request (method, path, query, JSON body) and the answer (status, JSON body), and for a WebSocket the upgrade
// and the text frames the server sent. Both the SDK and the CLI of a scenario talk to Coder through it, so a
// recording holds exactly what went over the wire, whichever part sent it.
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import { joinUpgrade } from "../../../bench/lib/join-upgrade.mjs";

/** One request and its answer, as seen on the wire (not yet normalised). */
export interface Exchange {
  method: string;
  /** The path without the query. */
  path: string;
  /** The query parameters, in the order sent. */
  query: [string, string][];
  /** The request's JSON body, when it had one (an upload is recorded by its size only). */
  request?: unknown;
  status: number;
  /** The answer's JSON body; a non-JSON body is recorded as `{ "$text": … }` (shortened) or its size. */
  body?: unknown;
  /** For a WebSocket: the server's text frames, parsed when JSON. */
  frames?: unknown[];
  websocket?: true;
}

/** A running recorder: `url` is what clients are given; `take()` returns what was recorded and starts afresh. */
export interface Recorder {
  url: string;
  take(): Exchange[];
  close(): Promise<void>;
}

// Enough to compare a build's log stream; a long stream keeps its first frames only.
const MAX_FRAMES = 400;
const MAX_TEXT = 2000;

/** Starts a recorder on an ephemeral loopback port in front of `target` (an http:// URL). */
export async function startRecorder(target: string): Promise<Recorder> {
  const upstream = new URL(target);
  if (upstream.protocol !== "http:") throw new Error(`the recorder speaks plain HTTP only: ${target}`);
  const port = Number(upstream.port || 80);
  let records: Exchange[] = [];
  const sockets = new Set<Socket>();

  const server = createServer(async (req, res) => {
    const sent = await readAll(req);
    const record: Exchange = { ...where(req), status: 0 };
    records.push(record);
    const contentType = String(req.headers["content-type"] ?? "");
    if (sent.length > 0) {
      record.request = contentType.includes("json") ? parseJson(sent) : { $bytes: sent.length };
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      async (answer) => {
        record.status = answer.statusCode ?? 0;
        res.writeHead(record.status, answer.rawHeaders);
        // An event stream never ends by itself: pass it through, record only that it was one.
        if (String(answer.headers["content-type"]).startsWith("text/event-stream")) {
          record.body = { $stream: "text/event-stream" };
          answer.pipe(res);
          return;
        }
        const raw = await readAll(answer);
        res.end(raw);
        const plain = answer.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
        if (plain.length > 0) record.body = decodeBody(plain, String(answer.headers["content-type"] ?? ""));
      },
    );
    forward.on("error", (error) => {
      record.status = 502;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`recorder: ${error.message}`);
    });
    forward.end(sent);
  });

  // A WebSocket: replay the request head to Coder over a fresh connection, join the two sockets byte for byte,
  // and read the server's frames on the side.
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const record: Exchange = { ...where(req), status: 0, websocket: true, frames: [] };
    records.push(record);
    joinUpgrade(req, socket, head, upstream).on("data", frameReader(record));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the recorder has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    take() {
      const taken = records;
      records = [];
      return taken;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function where(req: IncomingMessage): Pick<Exchange, "method" | "path" | "query"> {
  const url = new URL(req.url ?? "/", "http://recorder.invalid");
  return { method: req.method ?? "GET", path: url.pathname, query: [...url.searchParams] };
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return { $text: raw.toString("utf8").slice(0, MAX_TEXT) };
  }
}

function decodeBody(raw: Buffer, contentType: string): unknown {
  if (contentType.includes("json")) return parseJson(raw);
  if (contentType.startsWith("text/")) return { $text: raw.toString("utf8").slice(0, MAX_TEXT) };
  return { $bytes: raw.length };
}

/**
 * Reads the server-to-client side of a WebSocket: skips the HTTP head (taking its status), then unmasked frames;
 * text frames are recorded (parsed when JSON), a close frame ends the record.
 */
function frameReader(record: Exchange): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  let inHead = true;
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (inHead) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const statusLine = buffer.subarray(0, buffer.indexOf("\r\n")).toString("latin1");
      record.status = Number(statusLine.split(" ")[1]);
      if (record.status !== 101) {
        // A refused upgrade is an ordinary answer: keep its body as the exchange's body.
        record.body = parseJson(buffer.subarray(end + 4));
        delete record.frames;
      }
      buffer = buffer.subarray(end + 4);
      inHead = false;
    }
    if (record.status !== 101) return;
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = (buffer[0] as number) & 0x0f;
      let length = (buffer[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      const frames = record.frames ?? [];
      if (opcode === 1 && frames.length < MAX_FRAMES) frames.push(parseJson(payload));
      if (opcode === 2 && frames.length < MAX_FRAMES) frames.push({ $bytes: payload.length });
    }
  };
}
