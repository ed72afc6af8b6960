// A loopback reverse proxy in front of a real Coder that counts what a client sends: every HTTP request and every
// WebSocket upgrade, by endpoint. Both clients of a comparison (spt-coder and the coder CLI) go through the same
// proxy, so their counts come from one method. Bodies and frames are piped through untouched.
import { Agent, createServer, request as httpRequest } from "node:http";
import { endpointOf } from "./coder.mjs";
import { joinUpgrade } from "./join-upgrade.mjs";

/**
 * Starts the proxy on an ephemeral loopback port in front of `target` (an http:// URL). `url` is the proxy's
 * address for the clients; `take()` returns the requests recorded since the last `take()` and starts afresh.
 * Each record: `{ method, endpoint, websocket, status, at }` (`at` in ms, Date.now()).
 */
export async function startRecordingProxy(target) {
  const upstream = new URL(target);
  if (upstream.protocol !== "http:") throw new Error(`the recording proxy speaks plain HTTP only: ${target}`);
  const port = Number(upstream.port || 80);
  const agent = new Agent({ keepAlive: true });
  let records = [];
  const sockets = new Set();

  const server = createServer((req, res) => {
    const record = { method: req.method, endpoint: endpointOf(req.url), websocket: false, at: Date.now() };
    records.push(record);
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        record.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => {
      record.status = 502;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`recording proxy: ${error.message}`);
    });
    req.pipe(forward);
  });

  // A WebSocket (log follow, workspace watch, the coder CLI's streams): replay the request head to Coder over a
  // fresh connection, then join the two sockets byte for byte.
  server.on("upgrade", (req, socket, head) => {
    records.push({ method: req.method, endpoint: endpointOf(req.url), websocket: true, at: Date.now() });
    joinUpgrade(req, socket, head, upstream);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: own } = server.address();
  return {
    url: `http://127.0.0.1:${own}`,
    take() {
      const taken = records;
      records = [];
      return taken;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Requests per endpoint (`GET /api/v2/…`, WebSockets marked), most frequent first, as [endpoint, count][]. */
export function countRecords(records) {
  const counts = new Map();
  for (const r of records) {
    const key = `${r.method} ${r.endpoint}${r.websocket ? " (WebSocket)" : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
