import WebSocket from "ws";

/** A WebSocket upgrade that was answered with a plain HTTP response instead (an error page, a JSON error). */
export interface RefusedUpgrade {
  status: number;
  contentType: string;
  /** The answer's body, at most {@link REFUSED_BODY_BYTES} of it. */
  body: string;
}

/**
 * What one connection reports: `open`, then `message`s (and `ping`s), then exactly one of `refused` (the upgrade
 * got a plain HTTP answer) or `closed`. Nothing is reported after the caller's own `close()`.
 */
export interface SocketHandlers {
  open(): void;
  message(data: Uint8Array, binary: boolean): void;
  /** The server pinged: the connection is alive though no frame came. */
  ping(): void;
  refused(answer: RefusedUpgrade): void;
  /** `code` is 1006 when the connection ended without a close frame; `error` says why when that is known. */
  closed(code: number, reason: string, error?: string): void;
}

/** An open (or opening) connection. */
export interface SocketConnection {
  /** Sends one binary frame. */
  send(data: Uint8Array): void;
  /**
   * Stops reading frames until `resume()` (the reader is behind); the server's sends then wait in the network's
   * buffers. A dialer without it reads on.
   */
  pause?(): void;
  resume?(): void;
  /** Closes with a close frame when open, or abandons the handshake; no handler is called afterwards. */
  close(code?: number, reason?: string): void;
}

/**
 * How to open one connection: the request headers and the largest frame accepted (a larger one ends the connection
 * with `closed(1009)`, RFC 6455's "message too big").
 */
export interface DialOptions {
  headers: Record<string, string>;
  maxPayload: number;
}

/**
 * Opens a WebSocket. The default ({@link dialWebSocket}) uses the `ws` package over the network; a test can pass
 * another one to `createCoderClient({ webSocket })` (the fake Coder's in-process mode offers one), as `fetch` can
 * be replaced for HTTP.
 */
export type WebSocketDialer = (
  url: string,
  options: DialOptions,
  handlers: SocketHandlers,
) => SocketConnection;

/** How much of a refused upgrade's body is read: enough for Coder's JSON errors and the title of its HTML pages. */
export const REFUSED_BODY_BYTES = 16 * 1024;

/**
 * The network dialer, with the `ws` package (Node 20 has no global WebSocket). As for the log sockets: no
 * `Origin` header (Coder refuses an Origin whose host differs from the Host), no permessage-deflate (as Coder's Go
 * SDK), no redirects followed (the headers carry credentials).
 */
export const dialWebSocket: WebSocketDialer = (url, options, handlers) => {
  const socket = new WebSocket(url, {
    headers: options.headers,
    perMessageDeflate: false,
    followRedirects: false,
    maxPayload: options.maxPayload,
  });
  let done = false;
  const finish = (report: () => void) => {
    if (done) return;
    done = true;
    report();
  };
  const closeGracefully = (code: number, reason: string) => {
    socket.close(code, reason);
    // A server that never answers the close frame must not hold the process for ws's 30 s close timeout.
    setTimeout(() => socket.terminate(), 1000).unref();
  };
  // Frames sent before the handshake completes wait for it: the server may already be running what they are
  // for (coderd starts the terminal's command on upgrade, before the client has seen the 101).
  let queued: Uint8Array[] = [];
  let closeAfterOpen: { code: number; reason: string } | undefined;
  socket.on("open", () => {
    for (const data of queued) socket.send(data, { binary: true });
    queued = [];
    if (closeAfterOpen) closeGracefully(closeAfterOpen.code, closeAfterOpen.reason);
    else if (!done) handlers.open();
  });
  socket.on("message", (data: Buffer, binary) => {
    if (!done) handlers.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), binary);
  });
  socket.on("ping", () => {
    if (!done) handlers.ping();
  });
  socket.on("unexpected-response", (_request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const answer = () => {
      const body = Buffer.concat(chunks).subarray(0, REFUSED_BODY_BYTES).toString("utf8");
      const contentType = String(response.headers["content-type"] ?? "");
      finish(() => handlers.refused({ status: response.statusCode ?? 0, contentType, body }));
      socket.terminate();
    };
    response.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= REFUSED_BODY_BYTES) answer();
    });
    response.on("end", answer);
    response.on("error", answer);
  });
  let error: string | undefined;
  socket.on("error", (e: Error & { code?: string }) => {
    error ??= e.message;
    // A frame over `maxPayload`: reading stopped at its header, and the rest is not waited for (a graceful close
    // would wait on a server still sending it). Reported with the close code for "message too big".
    if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
      finish(() => handlers.closed(1009, "message too big", e.message));
      socket.terminate();
    }
  });
  socket.on("close", (code, reason) => finish(() => handlers.closed(code, reason.toString("utf8"), error)));
  return {
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    send(data) {
      if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary: true });
      else if (socket.readyState === WebSocket.CONNECTING) queued.push(data);
    },
    close(code = 1000, reason = "") {
      done = true;
      if (socket.readyState === WebSocket.OPEN) closeGracefully(code, reason);
      else if (socket.readyState === WebSocket.CONNECTING && queued.length > 0) {
        // Deliver what was sent first; give up on a handshake that does not complete soon.
        closeAfterOpen = { code, reason };
        setTimeout(() => socket.terminate(), 5000).unref();
      } else socket.terminate();
    },
  };
};
