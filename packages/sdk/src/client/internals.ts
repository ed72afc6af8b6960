import type { WebSocketDialer } from "./socket.js";

/**
 * What flows need from a client but callers must not see: the token (for the WebSocket header) and the base URL.
 * Kept in a WeakMap rather than on the object so that logging or serialising a client never shows the token.
 */
export interface ClientInternals {
  baseUrl: string;
  token: string | undefined;
  userAgent: string;
  /** Opens every WebSocket: the exec terminal, the log and watch streams. */
  webSocket: WebSocketDialer;
  /** The most bytes one answer, or one stream frame, may have. */
  maxResponseBytes: number;
}

const internals = new WeakMap<object, ClientInternals>();

/** Records the internals of a client; called once by `createCoderClient`. */
export function setClientInternals(client: object, value: ClientInternals): void {
  internals.set(client, value);
}

/** Reads the internals of a client made by `createCoderClient`. */
export function clientInternals(client: object): ClientInternals {
  const value = internals.get(client);
  if (!value) throw new TypeError("Expected a client made by createCoderClient()");
  return value;
}
