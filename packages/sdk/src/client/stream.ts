import type { ClientInternals } from "./internals.js";
import { SESSION_TOKEN_HEADER } from "./transport.js";

/** How long the upgrade may take by default, as the HTTP deadline of one attempt. */
export const SOCKET_HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * How long an open stream may stay silent by default. Coder pings its streams every 15 s (`httpapi.Heartbeat`),
 * so a minute without a frame or a ping is a connection that died without a close.
 */
export const SOCKET_IDLE_TIMEOUT_MS = 60_000;

/** The close code for a frame over the size limit (RFC 6455 "message too big"), as `ws` ends such a stream. */
const MESSAGE_TOO_BIG = 1009;

/**
 * How a stream ended: `done` is Coder's normal close (1000); `malformed` a frame that is not what Coder sends;
 * `too-large` a frame over the size cap (reading stopped at its header).
 */
export type SocketEnd =
  | { kind: "done" }
  | { kind: "dropped"; opened: boolean; reason: string }
  | { kind: "malformed"; reason: string }
  | { kind: "too-large"; limitBytes: number };

/** What a frame handler says about a frame: nothing (go on), or why the stream must end. */
export type FrameVerdict = undefined | { kind: "malformed" | "dropped"; reason: string };

/** Options of {@link openOneWaySocket}. */
export interface OneWaySocketOptions {
  /** `/api/v2/...?...`, under the client's base URL. */
  path: string;
  handshakeTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
  /** Handles one text frame (binary frames are not Coder's and are skipped). Must not throw. */
  onFrame(text: string): FrameVerdict;
}

/** An open stream, closed from outside when its reader is done with it. */
export interface OneWaySocket {
  finished: Promise<SocketEnd>;
  /** Stops reading frames (the reader is behind): the idle deadline waits meanwhile, since nothing is read. */
  pause(): void;
  resume(): void;
  close(): void;
}

/**
 * Opens one of Coder's one-way streams (log follow, workspace watch) through the client's WebSocket dialer: the
 * token in the `Coder-Session-Token` header, never in the URL; frames capped at the client's answer size. The
 * server only writes: we never send a frame. Every stream has a handshake deadline and an idle deadline, held by
 * a real timer (ws's own `handshakeTimeout` is a socket idle timeout, which an answer trickling in a byte at a
 * time keeps resetting); every frame and every ping rearms the idle one.
 */
export function openOneWaySocket(internals: ClientInternals, options: OneWaySocketOptions): OneWaySocket {
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? SOCKET_HANDSHAKE_TIMEOUT_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? SOCKET_IDLE_TIMEOUT_MS;
  const headers: Record<string, string> = { "User-Agent": internals.userAgent };
  if (internals.token) headers[SESSION_TOKEN_HEADER] = internals.token;
  let opened = false;
  let paused = false;
  let timer: NodeJS.Timeout | undefined;
  let settle: (how: SocketEnd) => void = () => {};
  const finished = new Promise<SocketEnd>((resolve) => {
    settle = resolve;
  });
  const end = (how: SocketEnd) => {
    clearTimeout(timer);
    settle(how);
    connection.close();
  };
  const arm = (ms: number, reason: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => end({ kind: "dropped", opened, reason }), ms);
  };
  const idle = () => {
    if (!paused) arm(idleTimeoutMs, `no frame or ping for ${idleTimeoutMs} ms`);
  };
  const decoder = new TextDecoder();
  const url = `${internals.baseUrl.replace(/^http/, "ws")}${options.path}`;
  const connection = internals.webSocket(
    url,
    { headers, maxPayload: internals.maxResponseBytes },
    {
      open() {
        opened = true;
        idle();
      },
      ping: idle,
      message(data, binary) {
        idle();
        if (binary) return;
        const verdict = options.onFrame(decoder.decode(data));
        if (verdict?.kind === "malformed") end({ kind: "malformed", reason: verdict.reason });
        else if (verdict) end({ kind: "dropped", opened, reason: verdict.reason });
      },
      refused(answer) {
        end({ kind: "dropped", opened: false, reason: `upgrade refused with HTTP ${answer.status}` });
      },
      closed(code, _reason, error) {
        if (code === 1000) end({ kind: "done" });
        else if (code === MESSAGE_TOO_BIG) end({ kind: "too-large", limitBytes: internals.maxResponseBytes });
        else end({ kind: "dropped", opened, reason: error ?? `closed with code ${code}` });
      },
    },
  );
  arm(handshakeTimeoutMs, `no upgrade within ${handshakeTimeoutMs} ms`);
  return {
    finished,
    pause() {
      if (paused || !opened || !connection.pause) return;
      paused = true;
      clearTimeout(timer);
      connection.pause();
    },
    resume() {
      if (!paused) return;
      paused = false;
      connection.resume?.();
      idle();
    },
    close() {
      end({ kind: "dropped", opened, reason: "closed by client" });
    },
  };
}
