// The named steps of one transport request, in the order `transportFetch` runs them: wait at the rate-limit gate,
// make an attempt under a deadline (the body read, capped, inside it), decide whether to retry, check the JSON.
// Internal to the SDK: exported for the transport and its tests, not from the package index.

import {
  CoderAbortError,
  type CoderError,
  CoderRedirectError,
  CoderResponseTooLargeError,
  CoderTimeoutError,
  CoderUnexpectedResponseError,
} from "../errors/base.js";
import { readCapped } from "./body.js";
import { toConnectionError } from "./connection.js";
import { type Deadline, startDeadline } from "./deadline.js";
import { backoffDelay, RETRY_STATUSES } from "./retry.js";

/**
 * Waits until no rate-limit gate holds `path`. A loop, not one sleep: libuv measures timers from its cached loop
 * time, so a timer may fire a little before the wall-clock instant Retry-After names; and another call may have
 * pushed the gate further meanwhile.
 */
export async function waitAtGate(
  notBefore: ReadonlyMap<string, number>,
  path: string,
  wait: (ms: number) => Promise<void>,
  now: () => number = Date.now,
): Promise<void> {
  for (let gate = (notBefore.get(path) ?? 0) - now(); gate > 0; gate = (notBefore.get(path) ?? 0) - now()) {
    await wait(gate);
  }
}

/** What one attempt needs besides the request itself. */
export interface AttemptContext {
  timeoutMs: number;
  /** The caller's signal: an abort by it is a `CoderAbortError`, never retried. */
  userSignal: AbortSignal;
  maxResponseBytes: number;
  /** The deployment's origin, named in connection errors. */
  origin: string;
  method: string;
  path: string;
}

/**
 * One attempt: sends (following redirects, via `send`) and reads the whole body, capped, under one deadline for
 * headers and body alike, so a body that trickles in a byte at a time runs out of time like a server that never
 * answers. The body is read here, inside the attempt: a connection cut after the headers ("terminated") is then a
 * connection error like any other, retried when safe, instead of a TypeError deep in JSON parsing.
 *
 * @throws {CoderError} the typed failure (abort, timeout, too large, connection); the deadline is cleared first.
 */
export async function attemptWithDeadline(
  send: (signal: AbortSignal) => Promise<Response>,
  context: AttemptContext,
): Promise<Response> {
  const deadline = startDeadline(context.timeoutMs, context.userSignal);
  try {
    return await readCapped(await send(deadline.signal), context.maxResponseBytes, {
      method: context.method,
      path: context.path,
    });
  } catch (error) {
    throw toFailure(error, deadline, context);
  } finally {
    deadline.clear(); // before any pause for a retry: the deadline is this attempt's, not the retry's
  }
}

function toFailure(error: unknown, deadline: Deadline, context: AttemptContext): CoderError {
  const { method, path, userSignal } = context;
  if (userSignal.aborted)
    return new CoderAbortError(`${method} ${path} was aborted`, { cause: userSignal.reason });
  if (deadline.expired)
    return new CoderTimeoutError(`${method} ${path} got no complete answer within ${context.timeoutMs} ms`);
  if (error instanceof CoderResponseTooLargeError || error instanceof CoderRedirectError) return error;
  return toConnectionError(error, context.origin);
}

/** Retries spent so far on one request: on errors and 5xx (bounded by `maxRetries`) and on 429s, apart. */
export interface RetryBudget {
  failures: number;
  rateLimited: number;
  maxRetries: number;
  maxRateLimitRetries: number;
}

/**
 * Whether to try again, and after how long; `rateLimit` marks a 429, which gates the whole path; `spend` names the
 * budget the retry counts against.
 */
export type RetryDecision =
  | { retry: false }
  | { retry: true; delayMs: number; reason: string; rateLimit: boolean; spend: "failures" | "rateLimited" };

/**
 * The retry decision for a failed attempt. Too much once is too much again: an oversized answer is never fetched a
 * second time, and an abort is the caller's wish.
 */
export function retryAfterFailure(
  failure: CoderError,
  retryable: boolean,
  budget: RetryBudget,
): RetryDecision {
  const final =
    failure instanceof CoderAbortError ||
    failure instanceof CoderResponseTooLargeError ||
    failure instanceof CoderRedirectError;
  if (final || !retryable || budget.failures >= budget.maxRetries) return { retry: false };
  return {
    retry: true,
    delayMs: backoffDelay(budget.failures),
    reason: failure.name,
    rateLimit: false,
    spend: "failures",
  };
}

/**
 * The retry decision for an answer. Coder's rate limiter runs before any handler, so a 429 means nothing was done:
 * it is retried for every method, within its own budget. Other retry statuses only for retryable requests.
 */
export function retryAfterAnswer(
  status: number,
  retryAfterMs: number | undefined,
  retryable: boolean,
  budget: RetryBudget,
): RetryDecision {
  if (status === 429 && budget.rateLimited < budget.maxRateLimitRetries) {
    const delayMs = retryAfterMs ?? backoffDelay(budget.rateLimited);
    return { retry: true, delayMs, reason: "status 429", rateLimit: true, spend: "rateLimited" };
  }
  if (retryable && RETRY_STATUSES.has(status) && status !== 429 && budget.failures < budget.maxRetries) {
    // A Retry-After on a 5xx sets the pause, never the count: a server that answers 503 with Retry-After for
    // ever must not keep a GET retrying for ever.
    return {
      retry: true,
      delayMs: retryAfterMs ?? backoffDelay(budget.failures),
      reason: `status ${status}`,
      rateLimit: false,
      spend: "failures",
    };
  }
  return { retry: false };
}

/**
 * Everything under `/api/v2` answers JSON; an HTML page means a proxy or another web app answered instead, and
 * plain text comes from the WebSocket library (426, 403 Origin). Quote the first bytes, as Coder's Go SDK does.
 *
 * @throws {CoderUnexpectedResponseError} when a non-empty answer is not JSON.
 */
export async function assertJson(response: Response, method: string, path: string): Promise<void> {
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
    path,
  });
}
