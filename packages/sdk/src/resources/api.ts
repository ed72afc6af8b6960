import type { Client } from "openapi-fetch";
import type { CallOptions } from "../client/transport.js";
import type { paths } from "../types.js";

/** The openapi-fetch client every resource facade calls; typed by the generated `paths`. */
export type Api = Client<paths>;

/** Options every facade method takes: cancel it with an AbortSignal, or give this call its own deadline. */
export interface CallInit {
  signal?: AbortSignal | undefined;
  /** Deadline of one attempt in milliseconds, for this call only. */
  timeoutMs?: number | undefined;
}

/** Init keys for openapi-fetch: a signal plus the transport's per-call switches. */
export type RequestExtras = { signal?: AbortSignal; [key: string]: unknown } & CallOptions;

/** Maps the public call options to the init keys openapi-fetch forwards to the transport. */
export function init(call: CallInit | undefined, extra: CallOptions = {}): RequestExtras {
  const result: RequestExtras = { ...extra };
  if (call?.signal) result.signal = call.signal;
  if (call?.timeoutMs !== undefined) result.sptTimeoutMs = call.timeoutMs;
  return result;
}

/**
 * The init of a call to a route with path parameters, `{ params: { path }, ...init(call, extra) }`, so that a facade
 * method is one expression: `unwrap(api.GET(route, onPath({ template: id }, call)))`. openapi-fetch checks `path`
 * against the route's generated parameters.
 */
export function onPath<P extends Record<string, string | number>>(
  path: P,
  call?: CallInit,
  extra?: CallOptions,
): { params: { path: P } } & RequestExtras {
  return { params: { path }, ...init(call, extra) };
}
