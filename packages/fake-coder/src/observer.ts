/**
 * Response observation, so test suites can check every answer the fake gives against the API contract. One
 * observer per fake (option) and one process-wide (for fakes created without options), kept on `globalThis` so
 * the source and built copies of this package share it.
 */

/** One response the fake sent. */
export interface ResponseInfo {
  method: string;
  /** URL path, without query. */
  path: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  contentType: string | undefined;
  /** Parsed JSON for JSON bodies, the text for text bodies, undefined for binary bodies and upgrades. */
  body: unknown;
  /** True when a fault produced this response (it may break the contract on purpose). */
  injected: boolean;
  /** True for a WebSocket upgrade (status 101). */
  websocket: boolean;
}

/**
 * Called for every response, before the client receives it (the request's work is done by then). A returned
 * promise holds the answer until it settles: a test can act at that point (abort the client, send a signal).
 */
export type ResponseObserver = (info: ResponseInfo) => unknown;

const KEY = Symbol.for("@spt-coder/fake-coder.observer");

type Holder = { [KEY]?: ResponseObserver | undefined };

/**
 * Sets (or clears, with undefined) the process-wide observer that sees the responses of every fake in this
 * process, in addition to each fake's own `onResponse`.
 */
export function setFakeCoderObserver(observer: ResponseObserver | undefined): void {
  (globalThis as Holder)[KEY] = observer;
}

/** The process-wide observer, if any. */
export function globalObserver(): ResponseObserver | undefined {
  return (globalThis as Holder)[KEY];
}

/** Reads a response copy into a {@link ResponseInfo} body. */
export async function describeBody(response: Response): Promise<unknown> {
  const type = response.headers.get("content-type") ?? "";
  if (!response.body) return undefined;
  if (type.startsWith("application/json")) {
    const text = await response.clone().text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type.startsWith("text/")) return response.clone().text();
  return undefined;
}
