import { randomUUID } from "node:crypto";
import { clientInternals } from "../client/internals.js";
import type { RefusedUpgrade, SocketConnection } from "../client/socket.js";
import type { CoderClient } from "../coder-client.js";

/** How a terminal connection ended. */
export type PtyEnd =
  /**
   * The server ended it. coderd ends a terminal whose session ended without a close frame (1006 here): that
   * looks the same as a connection cut on the way, so it tells nothing about why.
   */
  | { kind: "closed"; code: number; reason: string }
  /** The upgrade was answered with a plain HTTP response. */
  | { kind: "refused"; answer: RefusedUpgrade }
  /** No upgrade in time, no frame or ping for too long, or a socket error (a reset). */
  | { kind: "lost"; reason: string };

/** What opening one terminal needs. */
export interface PtyOptions {
  agentId: string;
  /** The command the agent runs (instead of a login shell). */
  command: string;
  width: number;
  height: number;
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
}

/** An open terminal connection. */
export interface PtyConnection {
  ended: Promise<PtyEnd>;
  /** Types `data` into the terminal. */
  type(data: string): void;
  /** Closes the connection (the session itself lives on in the agent until its command ends). */
  close(): void;
}

/** Frames coderd relays are the agent's reads (up to 32 KiB through its copy loop); a larger one is refused. */
const MAX_FRAME_BYTES = 1024 * 1024;
/**
 * Input goes out in frames of at most this many characters: JSON-escaped they stay under 32 KiB (6 bytes a
 * character at worst), the read limit of coderd's WebSocket library.
 */
const INPUT_FRAME_CHARS = 4096;

/**
 * Opens coderd's reconnecting-PTY WebSocket (`GET /api/v2/workspaceagents/{id}/pty`) on a fresh `reconnect` id,
 * so the session is ours alone. The token travels as the `coder_session_token` cookie, as Coder's Go SDK sends
 * it, never in the URL; the `buffered` backend is asked for, since `screen` (picked when installed) would redraw
 * the output as a screen. Output arrives as binary frames of terminal bytes; input goes out as binary frames of
 * JSON `{"data": …}` (coderd's side is a binary net.Conn: a text frame closes it with 1003).
 */
export function openPty(client: CoderClient, options: PtyOptions, onData: (bytes: Uint8Array) => void) {
  const internals = clientInternals(client);
  const query = new URLSearchParams({
    reconnect: randomUUID(),
    width: String(options.width),
    height: String(options.height),
    backend_type: "buffered",
    command: options.command,
  });
  const url = `${internals.baseUrl.replace(/^http/, "ws")}/api/v2/workspaceagents/${encodeURIComponent(options.agentId)}/pty?${query}`;
  const headers: Record<string, string> = { "User-Agent": internals.userAgent };
  if (internals.token) headers.Cookie = `coder_session_token=${internals.token}`;
  let timer: NodeJS.Timeout | undefined;
  let socket: SocketConnection | undefined;
  let settle: (end: PtyEnd) => void = () => {};
  const ended = new Promise<PtyEnd>((resolve) => {
    settle = (end) => {
      clearTimeout(timer);
      resolve(end);
    };
  });
  const arm = (ms: number, reason: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      socket?.close();
      settle({ kind: "lost", reason });
    }, ms);
  };
  // coderd pings every 15 s (HeartbeatClose), so a long silence is a dead connection, not a quiet command.
  const alive = () => arm(options.idleTimeoutMs, `no frame or ping for ${options.idleTimeoutMs} ms`);
  arm(options.handshakeTimeoutMs, `no upgrade within ${options.handshakeTimeoutMs} ms`);
  socket = internals.webSocket(
    url,
    { headers, maxPayload: MAX_FRAME_BYTES },
    {
      open: alive,
      ping: alive,
      message(data, binary) {
        alive();
        if (binary) onData(data);
      },
      refused: (answer) => settle({ kind: "refused", answer }),
      closed: (code, reason, error) =>
        settle(code === 1006 && error ? { kind: "lost", reason: error } : { kind: "closed", code, reason }),
    },
  );
  return {
    ended,
    type(data: string) {
      for (let at = 0; at < data.length; ) {
        let end = Math.min(at + INPUT_FRAME_CHARS, data.length);
        // Never between the halves of a surrogate pair: Go would read each half as U+FFFD.
        if (end < data.length && /[\ud800-\udbff]/.test(data[end - 1] ?? "")) end -= 1;
        socket?.send(Buffer.from(JSON.stringify({ data: data.slice(at, end) })));
        at = end;
      }
    },
    close() {
      socket?.close();
      settle({ kind: "closed", code: 1000, reason: "closed by the client" });
    },
  } satisfies PtyConnection;
}
