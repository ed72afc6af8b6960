// A loopback proxy that cuts WebSocket connections: it forwards HTTP as is, and on a WebSocket passes the
// server's frames through whole until `cutAfter` of them have gone, then drops both sides without a close frame
// (a network cut). The first `cuts` WebSockets are cut; later ones pass untouched. It notes every upgrade's path.
import { createServer, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";

/** A running cut proxy. */
export interface CutProxy {
  url: string;
  /** The path and query of every WebSocket upgrade, in order. */
  upgrades: string[];
  /** How many connections were cut. */
  cut: number;
  close(): Promise<void>;
}

/** Starts a proxy in front of `target` (http://) that cuts the first `cuts` WebSockets after `cutAfter` frames. */
export async function startCutProxy(target: string, cutAfter: number, cuts: number): Promise<CutProxy> {
  const upstream = new URL(target);
  const port = Number(upstream.port || 80);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const forward = httpRequest(
      { host: upstream.hostname, port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  const proxy: CutProxy = {
    url: "",
    upgrades: [],
    cut: 0,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  server.on("upgrade", (req, client: Socket, head: Buffer) => {
    proxy.upgrades.push(req.url ?? "");
    const cutThis = proxy.upgrades.length <= cuts;
    const out = connect(port, upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      out.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) out.write(head);
      client.pipe(out);
    });
    const drop = () => {
      out.destroy();
      client.destroy();
    };
    out.on("error", drop);
    client.on("error", drop);
    out.on("close", drop);
    client.on("close", drop);
    let buffer = Buffer.alloc(0);
    let inHead = true;
    let frames = 0;
    out.on("data", (chunk: Buffer) => {
      if (!cutThis) {
        client.write(chunk);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      if (inHead) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        client.write(buffer.subarray(0, end + 4));
        buffer = buffer.subarray(end + 4);
        inHead = false;
      }
      for (let size = frameSize(buffer); size > 0; size = frameSize(buffer)) {
        client.write(buffer.subarray(0, size));
        buffer = buffer.subarray(size);
        if (++frames >= cutAfter) {
          proxy.cut++;
          // Let the frames already written reach the client, then cut both ways.
          client.end(() => drop());
          out.destroy();
          return;
        }
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the cut proxy has no port");
  proxy.url = `http://127.0.0.1:${address.port}`;
  return proxy;
}

/** The size of the first whole (unmasked, server-sent) frame in `buffer`, or 0 when it is not all there. */
function frameSize(buffer: Buffer): number {
  if (buffer.length < 2) return 0;
  let length = (buffer[1] as number) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return 0;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return 0;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  return buffer.length >= offset + length ? offset + length : 0;
}
