import { CoderAbortError, type CoderError, CoderRedirectError } from "../errors/base.js";
import { assertParsableJson, DEFAULT_MAX_RESPONSE_BYTES } from "./body.js";
import type { ClientHooks } from "./hooks.js";
import { isRetryable, parseRetryAfter, sleep } from "./retry.js";
import {
  type AttemptContext,
  assertJson,
  attemptWithDeadline,
  type RetryBudget,
  type RetryDecision,
  retryAfterAnswer,
  retryAfterFailure,
  waitAtGate,
} from "./steps.js";
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
 * with `Retry-After`, a redirect guard (redirects are followed on the deployment's origin only: one to another
 * origin is a {@link CoderRedirectError}, so neither the token nor a body nor the path ever goes there), the
 * build-version warning and the non-JSON check. openapi-fetch calls it with a single `Request`.
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
    const traceUrl = stripQuery(request.url);
    const path = new URL(traceUrl).pathname;
    const context: AttemptContext = {
      timeoutMs: call.sptTimeoutMs ?? options.timeoutMs,
      userSignal,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      origin,
      method: request.method,
      path,
    };
    const budget: RetryBudget = {
      failures: 0,
      rateLimited: 0,
      maxRetries: options.maxRetries,
      maxRateLimitRetries: options.maxRateLimitRetries,
    };

    for (let attempt = 0; ; attempt++) {
      await waitAtGate(notBefore, path, wait);
      const started = performance.now();
      let response: Response;
      try {
        response = await attemptWithDeadline(
          (signal) => sendFollowingRedirects(request, body, signal),
          context,
        );
      } catch (error) {
        const failure = error as CoderError;
        trace({ error: failure.message }, attempt, started);
        const decision = retryAfterFailure(failure, retryable, budget);
        if (!decision.retry) throw failure;
        await retryLater(attempt, decision);
        continue;
      }
      trace({ status: response.status }, attempt, started);
      noteVersion(response);
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), options.maxRetryAfterMs);
      const decision = retryAfterAnswer(response.status, retryAfter, retryable, budget);
      if (decision.retry) {
        await retryLater(attempt, decision);
        continue;
      }
      if (!call.sptRaw) {
        await assertJson(response, request.method, path);
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

    /** Spends the decision's budget, reports the retry, then waits: a 429 by closing the path's gate. */
    async function retryLater(attempt: number, decision: RetryDecision & { retry: true }) {
      budget[decision.spend]++;
      const { delayMs, reason } = decision;
      options.hooks.onRetry?.({
        method: request.method,
        url: traceUrl,
        attempt: attempt + 1,
        delayMs,
        reason,
      });
      // A 429 closes the gate for every call to this path; the gate at the top of the loop waits it out.
      if (decision.rateLimit) notBefore.set(path, Math.max(notBefore.get(path) ?? 0, Date.now() + delayMs));
      else await wait(delayMs);
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
    // Every hop stays on the deployment's origin (a redirect elsewhere is refused below), so the token goes with it.
    if (options.token) headers.set(SESSION_TOKEN_HEADER, options.token);
    for (let hop = 0; ; hop++) {
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
      if (url.origin !== origin) {
        const path = new URL(request.url).pathname;
        throw new CoderRedirectError({ status: response.status, method, path, target: url.origin, origin });
      }
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

function stripQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
