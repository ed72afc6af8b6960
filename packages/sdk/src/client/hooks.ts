/** A warning the SDK raises once; the CLI prints it on stderr, services may log it. The SDK itself never prints. */
export interface CoderWarning {
  /** `version-untested`: the server is outside the range this SDK was tested against. `insecure-transport`: the
   * token would travel over plain http to a host that is not loopback. Flows add their own codes. */
  code: string;
  message: string;
}

/** One finished HTTP attempt, for `--verbose` traces and benchmarks. Carries no headers, so no token. */
export interface RequestTrace {
  method: string;
  /** Origin and path only (the query is left out: it may carry user input, never the token). */
  url: string;
  status?: number;
  /** Set when the attempt failed without an answer (connection error, timeout). */
  error?: string;
  attempt: number;
  durationMs: number;
}

/** Why and when a request is sent again. */
export interface RetryInfo {
  method: string;
  url: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

/** Observers a caller can attach to a client. All optional; none may throw. */
export interface ClientHooks {
  onWarning?: (warning: CoderWarning) => void;
  onRequest?: (trace: RequestTrace) => void;
  onRetry?: (info: RetryInfo) => void;
}
