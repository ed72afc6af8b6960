import WebSocket from "ws";
import { SESSION_TOKEN_HEADER } from "../client/transport.js";
import type { ProvisionerJobLog } from "../types.js";

/** How a log socket ended: `done` is Coder's normal close (1000) after the job completed. */
export type SocketEnd = { kind: "done" } | { kind: "dropped"; opened: boolean; reason: string };

/** An open log follow socket that can be closed from outside (job finished without end-of-logs, abort). */
export interface LogSocket {
  finished: Promise<SocketEnd>;
  close(): void;
}

/** How long the upgrade may take by default, as the HTTP deadline of one attempt. */
export const SOCKET_HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * How long an open stream may stay silent by default. Coder pings its log sockets every 15 s
 * (`httpapi.Heartbeat`), so a minute without a frame or a ping is a connection that died without a close.
 */
export const SOCKET_IDLE_TIMEOUT_MS = 60_000;

/** Deadlines of one log socket. */
export interface LogSocketTimeouts {
  handshakeTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
}

/**
 * Opens Coder's log follow WebSocket (`...?follow&after=N`). The token travels in the `Coder-Session-Token`
 * header, never in the URL; no `Origin` header is sent, since Coder rejects an Origin whose host differs from the
 * Host (403). Permessage-deflate is off, as in Coder's Go SDK. The server only writes: we never send a frame.
 */
export function openLogSocket(
  url: string,
  token: string | undefined,
  userAgent: string,
  onLog: (log: ProvisionerJobLog) => void,
  timeouts: LogSocketTimeouts = {},
): LogSocket {
  const handshakeTimeoutMs = timeouts.handshakeTimeoutMs ?? SOCKET_HANDSHAKE_TIMEOUT_MS;
  const idleTimeoutMs = timeouts.idleTimeoutMs ?? SOCKET_IDLE_TIMEOUT_MS;
  const headers: Record<string, string> = { "User-Agent": userAgent };
  if (token) headers[SESSION_TOKEN_HEADER] = token;
  const socket = new WebSocket(url, { headers, perMessageDeflate: false, followRedirects: false });
  let opened = false;
  let closedByUs = false;
  // Our own timer, not ws's `handshakeTimeout`: that one is a socket idle timeout, which an answer trickling in a
  // byte at a time keeps resetting. A real timer held until it fires or is cleared bounds the whole upgrade.
  // The same timer then watches the open stream: every frame and every ping rearms it.
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<SocketEnd>((resolve) => {
    const arm = (ms: number, reason: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        resolve({ kind: "dropped", opened, reason });
        socket.terminate();
      }, ms);
    };
    const idle = () => arm(idleTimeoutMs, `no frame or ping for ${idleTimeoutMs} ms`);
    arm(handshakeTimeoutMs, `no upgrade within ${handshakeTimeoutMs} ms`);
    socket.on("open", () => {
      opened = true;
      idle();
    });
    socket.on("ping", idle);
    socket.on("message", (data, isBinary) => {
      idle();
      if (isBinary) return;
      // Provisioner logs come one object per frame; agent logs come as arrays. Accept both.
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return; // not a log frame; Coder sends nothing else, so there is nothing to act on
      }
      for (const log of Array.isArray(parsed) ? parsed : [parsed]) onLog(log as ProvisionerJobLog);
    });
    socket.on("unexpected-response", (_request, response) => {
      response.resume();
      resolve({ kind: "dropped", opened: false, reason: `upgrade refused with HTTP ${response.statusCode}` });
      socket.terminate();
    });
    socket.on("error", (error) => resolve({ kind: "dropped", opened, reason: error.message }));
    socket.on("close", (code) => {
      if (code === 1000 && !closedByUs) resolve({ kind: "done" });
      else
        resolve({
          kind: "dropped",
          opened,
          reason: closedByUs ? "closed by client" : `closed with code ${code}`,
        });
    });
  });
  void finished.then(() => clearTimeout(timer));
  return {
    finished,
    close() {
      closedByUs = true;
      socket.terminate();
    },
  };
}
