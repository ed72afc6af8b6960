import { assertParsableJson, DEFAULT_MAX_RESPONSE_BYTES, readCapped } from "./body.js";
import { toConnectionError } from "./connection.js";
import { type Deadline, startDeadline } from "./deadline.js";
import {
  CoderAbortError,
  type CoderError,
  CoderResponseTooLargeError,
  CoderTimeoutError,
  CoderUnexpectedResponseError,
} from "./errors.js";
import type { ClientHooks } from "./hooks.js";
import { backoffDelay, isRetryable, parseRetryAfter, RETRY_STATUSES, sleep } from "./retry.js";
import { responseOrigins } from "./unwrap.js";
import { isTestedCoderVersion, TESTED_CODER_VERSIONS } from "./version.js";

/** Coder's header names (codersdk/client.go). */
export const SESSION_TOKEN_HEADER = "Coder-Session-Token";
export const BUILD_VERSION_HEADER = "X-Coder-Build-Version";

/**
 * Per-call switches. openapi-fetch copies init keys that `Request` does not know onto the Request object, so a
 * facade passes them next to `params` and the transport reads them here.
 */
export interface CallOptions {
  /** Force (true) or forbid (false) retries; by default only idempotent methods are retried. */
  sptRetry?: boolean;
  /** Deadline of one attempt in milliseconds; overrides the client's `timeoutMs`. */
  sptTimeoutMs?: number;
  /** The answer is not JSON (a file download, text logs): skip the "is this Coder's JSON?" check. */
  sptRaw?: boolean;
}

/** What the transport needs to know; see `createCoderClient` for the public options. */
export interface TransportOptions {
  baseUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  timeoutMs: number;
  maxRetries: number;
  /** Retries of a 429, counted apart from `maxRetries`: Coder said when to come back, so this is not a failure. */
  maxRateLimitRetries: number;
  maxRetryAfterMs: number;
  /** The most decoded bytes read from one answer (see `readCapped`); default 32 MiB. */
  maxResponseBytes?: number | undefined;
  userAgent: string;
  hooks: ClientHooks;
}

/** The state a transport exposes: the server version seen on the last answer. */
export interface TransportState {
  serverVersion: string | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * Builds the one `fetch` every SDK request goes through: auth header, user agent, per-attempt timeout, retries
 * with `Retry-After`, a redirect guard that drops the token when the origin changes, the build-version warning
 * and the non-JSON check. openapi-fetch calls it with a single `Request`.
 */
export function createTransport(options: TransportOptions): { fetch: typeof fetch; state: TransportState } {
  const state: TransportState = { serverVersion: undefined };
  const origin = new URL(options.baseUrl).origin;
  let versionChecked = false;
  // Coder rate-limits per user and per path. After a 429 no request to that path leaves before its Retry-After,
  // whichever call sends it: a fleet of concurrent calls then queues behind the limit instead of hammering it.
  const notBefore = new Map<string, number>();

  const noteVersion = (response: Response) => {
    const version = response.headers.get(BUILD_VERSION_HEADER);
    if (!version) return;
    state.serverVersion = version;
    if (versionChecked) return;
    versionChecked = true;
    if (!isTestedCoderVersion(version)) {
      const { min, maxExclusive } = TESTED_CODER_VERSIONS;
      options.hooks.onWarning?.({
        code: "version-untested",
        message: `Coder ${version} is outside the versions this SDK was tested against (>=${min.join(".")} <${maxExclusive.join(".")}); continuing.`,
      });
    }
  };

  const transportFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const call = request as Request & CallOptions;
    const userSignal = request.signal;
    const body = request.body ? await request.arrayBuffer() : undefined;
    const retryable = isRetryable(request.method, call.sptRetry);
    const timeoutMs = call.sptTimeoutMs ?? options.timeoutMs;
    const traceUrl = stripQuery(request.url);
    const path = new URL(traceUrl).pathname;
    let failures = 0; // retries spent on errors and 5xx, bounded by maxRetries
    let rateLimited = 0; // retries spent on 429s, bounded by maxRateLimitRetries

    for (let attempt = 0; ; attempt++) {
      // A loop, not one sleep: libuv measures timers from its cached loop time, so a timer may fire a little
      // before the wall-clock instant Retry-After names.
      for (
        let gate = (notBefore.get(path) ?? 0) - Date.now();
        gate > 0;
        gate = (notBefore.get(path) ?? 0) - Date.now()
      ) {
        await wait(gate);
      }
      const started = performance.now();
      // One deadline for the whole attempt, headers and body alike: a body that trickles in a byte at a time
      // runs out of time like a server that never answers.
      const deadline = startDeadline(timeoutMs, userSignal);
      let response: Response;
      try {
        // The body is read here, inside the attempt: a connection cut after the headers ("terminated") is then
        // a connection error like any other, retried when safe, instead of a TypeError deep in JSON parsing.
        response = await readCapped(
          await sendFollowingRedirects(request, body, deadline.signal),
          options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
          { method: request.method, path },
        );
      } catch (error) {
        deadline.clear(); // before the pause below: the deadline is this attempt's, not the retry's
        const failure = toFailure(error, userSignal, deadline, timeoutMs, origin, request.method, traceUrl);
        trace({ error: failure.message }, attempt, started);
        // Too much once is too much again: an oversized answer is never fetched a second time.
        const final = failure instanceof CoderAbortError || failure instanceof CoderResponseTooLargeError;
        if (final || !retryable || failures >= options.maxRetries) throw failure;
        await retryAfterDelay(attempt, backoffDelay(failures++), failure.name);
        continue;
      } finally {
        deadline.clear();
      }
      trace({ status: response.status }, attempt, started);
      noteVersion(response);
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), options.maxRetryAfterMs);
      // Coder's rate limiter runs before any handler, so a 429 means nothing was done: safe for every method.
      if (response.status === 429 && rateLimited < options.maxRateLimitRetries) {
        const delay = retryAfter ?? backoffDelay(rateLimited);
        rateLimited++;
        notBefore.set(path, Math.max(notBefore.get(path) ?? 0, Date.now() + delay));
        options.hooks.onRetry?.({
          method: request.method,
          url: traceUrl,
          attempt: attempt + 1,
          delayMs: delay,
          reason: "status 429",
        });
        continue; // the gate at the top of the loop waits out the delay
      }
      if (
        retryable &&
        RETRY_STATUSES.has(response.status) &&
        response.status !== 429 &&
        failures < options.maxRetries
      ) {
        await retryAfterDelay(attempt, retryAfter ?? backoffDelay(failures++), `status ${response.status}`);
        continue;
      }
      if (!call.sptRaw) {
        await assertJson(response, request.method, traceUrl);
        await assertParsableJson(response, { method: request.method, path });
      }
      responseOrigins.set(response, { method: request.method, path });
      return response;
    }

    function trace(outcome: { status?: number; error?: string }, attempt: number, started: number) {
      options.hooks.onRequest?.({
        method: request.method,
        url: traceUrl,
        ...outcome,
        attempt,
        durationMs: performance.now() - started,
      });
    }

    async function retryAfterDelay(attempt: number, delayMs: number, reason: string) {
      options.hooks.onRetry?.({
        method: request.method,
        url: traceUrl,
        attempt: attempt + 1,
        delayMs,
        reason,
      });
      await wait(delayMs);
    }

    async function wait(delayMs: number) {
      try {
        await sleep(delayMs, userSignal);
      } catch {
        throw new CoderAbortError(`${request.method} ${path} was aborted`);
      }
    }
  };

  const sendFollowingRedirects = async (
    request: Request,
    body: ArrayBuffer | undefined,
    signal: AbortSignal,
  ): Promise<Response> => {
    let url = new URL(request.url);
    let method = request.method;
    let payload = body;
    const headers = new Headers(request.headers);
    headers.set("User-Agent", options.userAgent);
    for (let hop = 0; ; hop++) {
      // The token goes only to the deployment's own origin, whatever a redirect says.
      if (options.token && url.origin === origin) headers.set(SESSION_TOKEN_HEADER, options.token);
      else headers.delete(SESSION_TOKEN_HEADER);
      const fetchImpl = options.fetch ?? globalThis.fetch;
      // The signal is passed again beside the Request on purpose: on Node 20, undici's Request follows the signal
      // it was built with only weakly, so once the Request is collected mid-attempt an abort no longer reaches the
      // fetch (or the body being read). A signal in fetch's own init is followed for the whole fetch.
      const response = await fetchImpl(
        new Request(url, { method, headers, body: payload ?? null, signal, redirect: "manual" }),
        { signal },
      );
      const location = response.headers.get("location");
      if (!REDIRECTS.has(response.status) || !location || hop >= MAX_REDIRECTS) return response;
      await response.body?.cancel();
      url = new URL(location, url);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === "POST")
      ) {
        method = "GET";
        payload = undefined;
        headers.delete("content-type");
      }
    }
  };

  return { fetch: transportFetch as typeof fetch, state };
}

function toFailure(
  error: unknown,
  userSignal: AbortSignal,
  deadline: Deadline,
  timeoutMs: number,
  origin: string,
  method: string,
  url: string,
): CoderError {
  const path = new URL(url).pathname;
  if (userSignal.aborted)
    return new CoderAbortError(`${method} ${path} was aborted`, { cause: userSignal.reason });
  if (deadline.expired)
    return new CoderTimeoutError(`${method} ${path} got no complete answer within ${timeoutMs} ms`);
  if (error instanceof CoderResponseTooLargeError) return error;
  return toConnectionError(error, origin);
}

/**
 * Everything under `/api/v2` answers JSON; an HTML page means a proxy or another web app answered instead, and
 * plain text comes from the WebSocket library (426, 403 Origin). Quote the first bytes, as Coder's Go SDK does.
 */
async function assertJson(response: Response, method: string, url: string): Promise<void> {
  if (response.status === 204 || response.headers.get("content-length") === "0") return;
  const type = response.headers.get("content-type") ?? "";
  if (/[/+]json\b/i.test(type)) return;
  // An empty body (a bare 502 from a proxy) carries no claim about what answered; let the status speak.
  const text = await response.clone().text();
  if (text === "") return;
  throw new CoderUnexpectedResponseError({
    status: response.status,
    contentType: type,
    bodyStart: text.slice(0, 2048),
    method,
    path: new URL(url).pathname,
  });
}

function stripQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
