/** Statuses worth another try: the request never reached a handler, or the server asked us to come back. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** Methods that are safe to send twice. POSTs are retried only when the caller marks them safe. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Whether a request may be repeated after a failure, given an explicit per-call override. */
export function isRetryable(method: string, override: boolean | undefined): boolean {
  return override ?? IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * Reads `Retry-After` as seconds or as an HTTP date and returns milliseconds, capped at `capMs`. Coder's rate
 * limiter answers `Retry-After: 60` (its window), so the cap decides how long a client is willing to sleep.
 */
export function parseRetryAfter(value: string | null, capMs: number, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), capMs);
}

/**
 * Exponential backoff with jitter: 0.5 s × 2^attempt, at most 8 s, times a random factor in [0.75, 1] so that a
 * fleet of clients does not retry in lockstep.
 */
export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(500 * 2 ** attempt, 8000);
  return base * (0.75 + 0.25 * random());
}

/** Sleeps for `ms`, rejecting early with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
