/**
 * Responses the core makes outside the routes: injected faults, a connection dropped mid-response, what Coder
 * serves outside `/api`.
 */
import type { FailRule } from "./faults.js";
import { goJson, JSON_TYPE } from "./http.js";

/** Thrown to make the transport drop the connection before answering. */
export class DroppedConnection extends Error {
  constructor() {
    super("fake-coder: connection dropped by a fault");
  }
}

/** The response with `extra` headers added. */
export function withHeaders(response: Response, extra: Record<string, string>): Response {
  if (Object.keys(extra).length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [key, value] of Object.entries(extra)) headers.set(key, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The answer of a `fail` fault rule: its body as JSON (Coder's error shape by default) or as text. */
export function injectedResponse(rule: FailRule): Response {
  const headers = rule.headers ?? {};
  if (typeof rule.body === "string") return new Response(rule.body, { status: rule.status, headers });
  return new Response(goJson(rule.body ?? { message: `Injected fault: ${rule.status}.` }), {
    status: rule.status,
    headers: { "Content-Type": JSON_TYPE, ...headers },
  });
}

/** The same response whose body breaks off after half its bytes (a connection dropped mid-response). */
export function truncated(response: Response): Response {
  const source = response.body;
  let buffered: Uint8Array | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!buffered) {
        buffered = new Uint8Array(source ? await new Response(source).arrayBuffer() : new ArrayBuffer(0));
        controller.enqueue(buffered.subarray(0, Math.floor(buffered.byteLength / 2)));
        return;
      }
      controller.error(new DroppedConnection());
    },
  });
  const headers = new Headers(response.headers);
  return new Response(body, { status: response.status, headers });
}

/** Outside `/api`, Coder serves `/healthz` and the dashboard (an HTML page). */
export function nonApi(path: string): Response {
  if (path === "/healthz")
    return new Response("OK", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(
    '<!doctype html><html><head><title>Coder</title></head><body><div id="root"></div></body></html>',
    {
      status: 200,
      headers: { "Content-Type": "text/html; charset=utf-8" },
    },
  );
}

/** Headers as a plain record (for observers). */
export function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}
