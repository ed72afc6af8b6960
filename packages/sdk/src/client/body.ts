import { CoderInvalidJsonError, CoderResponseTooLargeError } from "../errors/base.js";

/** The most decoded bytes one answer may have by default: 32 MiB, far above any Coder answer, far below harm. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The statuses whose answers never have a body (the Fetch standard's null-body statuses a client can see). */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/**
 * Reads the whole body of `response` into memory, stopping with {@link CoderResponseTooLargeError} as soon as more
 * than `maxBytes` decoded bytes arrived (fetch inflates gzip and deflate itself, so a small compressed answer can
 * decode to gigabytes: the count is taken after decoding, and reading stops there instead of inflating the rest).
 * Returns a copy whose body is the bytes read, without the length and encoding headers that described the wire.
 */
export async function readCapped(
  response: Response,
  maxBytes: number,
  where: { method: string; path: string },
): Promise<Response> {
  const tooLarge = () => new CoderResponseTooLargeError({ limitBytes: maxBytes, ...where });
  const init = {
    status: response.status,
    statusText: response.statusText,
    headers: decodedHeaders(response),
  };
  if (NULL_BODY_STATUSES.has(response.status) || !response.body) {
    await response.body?.cancel().catch(() => {});
    return new Response(null, init);
  }
  const declared = Number(response.headers.get("content-length"));
  if (!response.headers.has("content-encoding") && declared > maxBytes) {
    await response.body.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      chunks.length = 0;
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new Response(concat(chunks, total), init);
}

/**
 * Throws {@link CoderInvalidJsonError} when a successful JSON answer does not parse, so that a broken server is
 * reported as such and not as a `SyntaxError` from deep inside the client.
 */
export async function assertParsableJson(
  response: Response,
  where: { method: string; path: string },
): Promise<void> {
  if (!response.ok || !/[/+]json\b/i.test(response.headers.get("content-type") ?? "")) return;
  const text = await response.clone().text();
  if (text === "") return;
  try {
    JSON.parse(text);
  } catch {
    throw new CoderInvalidJsonError({ status: response.status, bodyStart: text.slice(0, 200), ...where });
  }
}

function decodedHeaders(response: Response): Headers {
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  return headers;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
