/**
 * Coder's API rate limiter (go-chi/httprate, keyed by user id or client IP plus the request path), as an option.
 * The fake counts in fixed windows, which is stricter than httprate's sliding estimate at window edges.
 */

/** Limits per user (or IP) and path. Off unless given. */
export interface RateLimitOptions {
  /** Requests per window for every API route (Coder's default is 512). */
  limit: number;
  /** Window length in ms (Coder: one minute). */
  windowMs?: number;
  /** A separate, usually lower limit for the `/api/v2/files` group, uploads and downloads (Coder's default is 12). */
  filesLimit?: number;
}

/** Go's `time.Duration.String()` for whole milliseconds: `1m0s`, `30s`, `1h0m0s`, `500ms`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const s = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, "")}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}

/** The outcome of counting one request. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the window resets. */
  reset: number;
  windowMs: number;
}

/** Fixed-window counters per key. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  /** Counts a request for `key` against `limit` (the files limit when `files` is set). */
  hit(key: string, files: boolean, now = Date.now()): RateDecision {
    const windowMs = this.options.windowMs ?? 60_000;
    const limit =
      files && this.options.filesLimit !== undefined ? this.options.filesLimit : this.options.limit;
    const bucketKey = `${files ? "files" : "api"}|${key}`;
    let window = this.windows.get(bucketKey);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(bucketKey, window);
    }
    window.count += 1;
    return {
      allowed: window.count <= limit,
      limit,
      remaining: Math.max(0, limit - window.count),
      reset: Math.ceil((window.start + windowMs) / 1000),
      windowMs,
    };
  }
}
