/**
 * The one error hierarchy of `@spt-coder/sdk`. Every failure the SDK raises is a {@link CoderError}; the CLI maps
 * classes to exit codes in one place. Messages never contain the session token.
 */

/** One entry of Coder's `validations[]`: the JSON field name and what is wrong with it. */
export interface CoderValidation {
  field: string;
  detail: string;
}

/** Base class of every error the SDK throws. */
export class CoderError extends Error {
  override name = "CoderError";
  /**
   * What a flow had already created on the server when it failed (e.g. `workspace dev`), so a caller can say what
   * exists; empty for errors outside flows or before anything was created.
   */
  created: string[] = [];
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Fields shared by every error that carries an HTTP answer from Coder. */
export interface CoderApiErrorInit {
  status: number;
  message: string;
  detail?: string | undefined;
  validations?: CoderValidation[] | undefined;
  method: string;
  /** The request path (no origin, no query), e.g. `/api/v2/users/me`. Never contains the token. */
  path: string;
  retryAfterMs?: number | undefined;
}

/**
 * Coder answered with an error status. Fields mirror codersdk.Error: `message`, `detail`, `validations`,
 * plus the HTTP `status`, `method` and `path`.
 */
export class CoderApiError extends CoderError {
  override name = "CoderApiError";
  readonly status: number;
  /** Coder's own `message` field (the Error's `message` adds status and path around it). */
  readonly apiMessage: string;
  readonly detail: string | undefined;
  readonly validations: CoderValidation[];
  readonly method: string;
  readonly path: string;

  constructor(init: CoderApiErrorInit) {
    super(formatApiMessage(init));
    this.status = init.status;
    this.apiMessage = init.message;
    this.detail = init.detail;
    this.validations = init.validations ?? [];
    this.method = init.method;
    this.path = init.path;
  }

  /** Builds the subclass that matches the status code. */
  static from(init: CoderApiErrorInit): CoderApiError {
    const Kind = STATUS_CLASSES[init.status] ?? (init.status >= 500 ? CoderServerError : CoderApiError);
    return new Kind(init);
  }
}

function formatApiMessage(init: CoderApiErrorInit): string {
  const lines = [`${init.message} (${init.status} from ${init.method} ${init.path})`];
  if (init.detail) lines.push(init.detail);
  for (const v of init.validations ?? []) lines.push(`  ${v.field}: ${v.detail}`);
  return lines.join("\n");
}

/** 400: Coder rejected the request body or query (see `validations`). */
export class CoderBadRequestError extends CoderApiError {
  override name = "CoderBadRequestError";
}
/** 401: the session token is missing, malformed, unknown or expired. */
export class CoderAuthError extends CoderApiError {
  override name = "CoderAuthError";
}
/** 403: authenticated, but not allowed (or a Coder rule such as promoting a failed version). */
export class CoderForbiddenError extends CoderApiError {
  override name = "CoderForbiddenError";
}
/** 404: Coder answers the same for "missing" and "no permission". */
export class CoderNotFoundError extends CoderApiError {
  override name = "CoderNotFoundError";
}
/** 409: a duplicate name, or a workspace build that is already active. */
export class CoderConflictError extends CoderApiError {
  override name = "CoderConflictError";
}
/** 429: rate limited; `retryAfterMs` comes from the `Retry-After` header. */
export class CoderRateLimitError extends CoderApiError {
  override name = "CoderRateLimitError";
  readonly retryAfterMs: number | undefined;
  constructor(init: CoderApiErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}
/** 5xx: the server failed. */
export class CoderServerError extends CoderApiError {
  override name = "CoderServerError";
}

const STATUS_CLASSES: Record<number, new (init: CoderApiErrorInit) => CoderApiError> = {
  400: CoderBadRequestError,
  401: CoderAuthError,
  403: CoderForbiddenError,
  404: CoderNotFoundError,
  409: CoderConflictError,
  429: CoderRateLimitError,
};

/**
 * The answer was not Coder's JSON (an HTML page from a proxy or a single-page app, plain text from a
 * WebSocket library). Coder's Go SDK reports the same case with the first bytes of the body.
 */
export class CoderUnexpectedResponseError extends CoderError {
  override name = "CoderUnexpectedResponseError";
  readonly status: number;
  readonly contentType: string;
  readonly bodyStart: string;
  constructor(init: {
    status: number;
    contentType: string;
    bodyStart: string;
    method: string;
    path: string;
  }) {
    super(
      `Unexpected non-JSON response (${init.status}, ${init.contentType || "no content type"}) from ` +
        `${init.method} ${init.path}; is this a Coder server? First bytes: ${JSON.stringify(init.bodyStart)}`,
    );
    this.status = init.status;
    this.contentType = init.contentType;
    this.bodyStart = init.bodyStart;
  }
}

/**
 * A successful answer that says it is JSON but does not parse: the server (or a proxy in front of it) is broken,
 * not the caller and not the SDK.
 */
export class CoderInvalidJsonError extends CoderError {
  override name = "CoderInvalidJsonError";
  readonly status: number;
  readonly bodyStart: string;
  constructor(init: { status: number; bodyStart: string; method: string; path: string }) {
    super(
      `The server sent invalid JSON in answer to ${init.method} ${init.path} (${init.status}); is a proxy in front of Coder rewriting answers? First bytes: ${JSON.stringify(init.bodyStart)}`,
    );
    this.status = init.status;
    this.bodyStart = init.bodyStart;
  }
}

/**
 * The deployment answered with a redirect to another origin, which is not followed: an answer from there is not
 * Coder's, a request body (a template archive) must never go there, nor may the path and query it names.
 */
export class CoderRedirectError extends CoderError {
  override name = "CoderRedirectError";
  readonly status: number;
  /** The origin the redirect pointed to (scheme, host and port only). */
  readonly target: string;
  constructor(init: { status: number; method: string; path: string; target: string; origin: string }) {
    super(
      `${init.method} ${init.path} was answered with a ${init.status} redirect to ${init.target}, another origin than ${init.origin}; it was not followed (an answer from there is not Coder's).`,
    );
    this.status = init.status;
    this.target = init.target;
  }
}

/**
 * A successful answer or a stream frame that is valid JSON but not what Coder sends (a `null` where a log belongs,
 * a log id that is not a whole number, a workspace without its build): the server, or a proxy in front of it, is
 * broken. Reported as such, never as a TypeError from deep inside a flow.
 */
export class CoderMalformedResponseError extends CoderError {
  override name = "CoderMalformedResponseError";
  /** What is wrong with it, e.g. `log 3 has no output`. */
  readonly problem: string;
  constructor(init: { where: string; problem: string }) {
    super(
      `The server's answer to ${init.where} is not what Coder sends: ${init.problem}. Is a proxy in front of Coder rewriting answers?`,
    );
    this.problem = init.problem;
  }
}

/**
 * The server sent more than the SDK reads for one answer. Coder's answers are small documents (logs and lists come
 * in pages), so this is a misbehaving server or a decompression bomb; reading stopped at the limit.
 */
export class CoderResponseTooLargeError extends CoderError {
  override name = "CoderResponseTooLargeError";
  /** The limit that was exceeded, in decoded bytes. */
  readonly limitBytes: number;
  constructor(init: { limitBytes: number; method: string; path: string }) {
    super(
      `The server sent too much: the answer to ${init.method} ${init.path} is larger than ${formatBytes(init.limitBytes)} (after decompression), far more than any Coder answer; reading stopped there.`,
    );
    this.limitBytes = init.limitBytes;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

/** The server could not be reached: DNS failure, connection refused or reset, TLS problem. */
export class CoderConnectionError extends CoderError {
  override name = "CoderConnectionError";
  /** A short reason such as `dns`, `refused`, `reset`, `tls` or `network`. */
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A request or wait took longer than its deadline. */
export class CoderTimeoutError extends CoderError {
  override name = "CoderTimeoutError";
}

/**
 * An operation was canceled before it finished, on purpose: the root of every cancellation in the hierarchy, so
 * a caller (the CLI maps it once to exit 130) tells "stopped because asked" from "failed".
 */
export class CanceledError extends CoderError {
  override name = "CanceledError";
}

/** The caller aborted (an `AbortSignal`). Never retried. */
export class CoderAbortError extends CanceledError {
  override name = "CoderAbortError";
}

/** Input rejected on the client side before anything was sent (a URL, a name, a flag value). */
export class CoderInvalidInputError extends CoderError {
  override name = "CoderInvalidInputError";
}

/** What was typed for a Coder deployment is not a URL the SDK accepts; the message shows the form it takes. */
export class InvalidCoderUrlError extends CoderInvalidInputError {
  override name = "InvalidCoderUrlError";
  /** True when it held credentials (`user:password@`): Coder takes a session token instead, never a password. */
  readonly credentials: boolean;
  constructor(message: string, options: { credentials?: boolean } = {}) {
    super(message);
    this.credentials = options.credentials ?? false;
  }
}
