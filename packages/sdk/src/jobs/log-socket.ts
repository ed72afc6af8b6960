import type { ClientInternals } from "../client/internals.js";
import { type OneWaySocket, openOneWaySocket } from "../client/stream.js";
import type { ProvisionerJobLog } from "../types.js";
import { readLogs } from "./log-shape.js";

export { SOCKET_HANDSHAKE_TIMEOUT_MS, SOCKET_IDLE_TIMEOUT_MS, type SocketEnd } from "../client/stream.js";

/** An open log follow socket: closed from outside (job finished without end-of-logs, abort), paused when behind. */
export type LogSocket = OneWaySocket;

/** Deadlines of one log socket. */
export interface LogSocketTimeouts {
  handshakeTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
}

/**
 * Opens Coder's log follow WebSocket (`...?follow&after=N`) and hands every log to `onLog`. Provisioner logs come
 * one object per frame, agent logs as lists; both are accepted. A frame that is not JSON, or not logs (a `null`, an
 * id that is not a whole number), ends the stream as `malformed`: the follower polls instead.
 */
export function openLogSocket(
  internals: ClientInternals,
  path: string,
  onLog: (log: ProvisionerJobLog) => void,
  timeouts: LogSocketTimeouts = {},
): LogSocket {
  return openOneWaySocket(internals, {
    path,
    ...timeouts,
    onFrame(text) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return { kind: "malformed", reason: "a log frame is not JSON" };
      }
      const read = readLogs(parsed);
      if ("problem" in read) return { kind: "malformed", reason: read.problem };
      for (const log of read.logs) onLog(log);
      return undefined;
    },
  });
}
