import { CoderApiError, type CoderValidation } from "../errors/base.js";
import { parseRetryAfter } from "./retry.js";

/** The shape openapi-fetch resolves to: HTTP errors never throw there, they arrive as `error`. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Returns `data` of a successful openapi-fetch call, or throws the typed {@link CoderApiError} for its status.
 * Branches on `response.ok`, not on `error`: openapi-fetch gives `error: undefined` for an empty error body.
 */
export async function unwrap<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  throw apiErrorFrom(response, error);
}

/** Builds the typed error for a non-2xx answer from Coder's `{message, detail, validations}` body. */
export function apiErrorFrom(response: Response, body: unknown): CoderApiError {
  const origin = responseOrigins.get(response);
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const message =
    typeof record.message === "string" && record.message
      ? record.message
      : `HTTP ${response.status} ${response.statusText}`.trim();
  return CoderApiError.from({
    status: response.status,
    message,
    detail: typeof record.detail === "string" ? record.detail : undefined,
    validations: Array.isArray(record.validations) ? record.validations.filter(isValidation) : undefined,
    method: origin?.method ?? "REQUEST",
    path: origin?.path ?? (response.url ? new URL(response.url).pathname : "unknown"),
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), Number.POSITIVE_INFINITY),
  });
}

function isValidation(value: unknown): value is CoderValidation {
  const v = value as CoderValidation;
  return typeof v?.field === "string" && typeof v?.detail === "string";
}

/** A Response does not know its request's method (and mocks may leave `url` empty): the transport records both. */
export const responseOrigins = new WeakMap<Response, { method: string; path: string }>();
