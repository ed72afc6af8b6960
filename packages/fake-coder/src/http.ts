/**
 * Response helpers that write bodies the way coderd does (`httpapi.Write`): `application/json; charset=utf-8`,
 * HTML-escaped, one trailing newline (Go's `json.Encoder.Encode`).
 */

/** One entry of Coder's `validations[]`. */
export interface Validation {
  field: string;
  detail: string;
}

/** The body of every Coder error (`codersdk.Response`): empty `detail`/`validations` are left out. */
export interface ResponseBody {
  message: string;
  detail?: string;
  validations?: Validation[];
}

/** The Content-Type `httpapi.Write` sets. */
export const JSON_TYPE = "application/json; charset=utf-8";
/** The Content-Type of Go's `http.Error`. */
export const TEXT_TYPE = "text/plain; charset=utf-8";

/** Go's encoder escapes `<`, `>`, `&`, U+2028 and U+2029 (SetEscapeHTML(true)). */
export function goJson(value: unknown): string {
  return `${JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")}\n`;
}

/** A JSON answer as `httpapi.Write` produces it. */
export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(goJson(body), { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

/** Builds a `codersdk.Response` body, dropping empty optional fields as Go's omitempty does. */
export function responseBody(message: string, detail?: string, validations?: Validation[]): ResponseBody {
  const body: ResponseBody = { message };
  if (detail) body.detail = detail;
  if (validations && validations.length > 0) body.validations = validations;
  return body;
}

/** Plain text as Go's `http.Error` writes it (the websocket library uses it for handshake failures). */
export function text(status: number, body: string, headers?: Record<string, string>): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "Content-Type": TEXT_TYPE, "X-Content-Type-Options": "nosniff", ...headers },
  });
}

/**
 * A handler failure that becomes a Coder error response. Handlers throw it instead of threading early returns.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ResponseBody;
  readonly headers: Record<string, string> | undefined;
  constructor(
    status: number,
    message: string,
    detail?: string,
    validations?: Validation[],
    headers?: Record<string, string>,
  ) {
    super(message);
    this.status = status;
    this.body = responseBody(message, detail, validations);
    this.headers = headers;
  }
  toResponse(): Response {
    return json(this.status, this.body, this.headers);
  }
}

/** `httpapi.ResourceNotFound`: deliberately the same for "missing" and "no permission". */
export const NOT_FOUND_MESSAGE = "Resource not found or you do not have access to this resource";

/** 404 with the generic not-found body. */
export function notFound(): ApiError {
  return new ApiError(404, NOT_FOUND_MESSAGE);
}

/** `httpapi.Forbidden`. */
export function forbidden(): ApiError {
  return new ApiError(
    403,
    "Forbidden.",
    "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.",
  );
}

/** An error page as coderd's `site.RenderStaticErrorPage` serves it to a workspace app or terminal request. */
export function htmlPage(status: number, title: string, description: string): Response {
  const html = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return new Response(
    `<!doctype html><html><head><title>${html(title)}</title></head><body><h1>${html(title)}</h1><p>${html(description)}</p></body></html>`,
    { status, headers: { "Content-Type": "text/html; charset=utf-8" } },
  );
}
