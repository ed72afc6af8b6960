// A WebSocket upgrade passed on to the upstream server untouched, for the recording proxies (bench/lib/
// recording-proxy.mjs, and tests/real/support/recorder.ts, which reads the server's frames on the side).
import { connect } from "node:net";

/**
 * Replays the upgrade request's head to `upstream` (an http:// URL) over a fresh connection, the Host header
 * rewritten, then joins the two sockets byte for byte; either side closing or failing closes both. Returns the
 * upstream socket, whose `data` events carry what the server sends.
 */
export function joinUpgrade(req, socket, head, upstream) {
  const out = connect(Number(upstream.port || 80), upstream.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      lines.push(`${name}: ${name.toLowerCase() === "host" ? upstream.host : req.rawHeaders[i + 1]}`);
    }
    out.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) out.write(head);
    out.pipe(socket);
    socket.pipe(out);
  });
  const close = () => {
    out.destroy();
    socket.destroy();
  };
  for (const side of [out, socket]) {
    side.on("error", close);
    side.on("close", close);
  }
  return out;
}
