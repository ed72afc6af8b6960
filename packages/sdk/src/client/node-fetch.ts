import type { IncomingMessage, RequestOptions } from "node:http";
import { pipeline, Readable } from "node:stream";
import { NULL_BODY_STATUSES } from "./body.js";

/**
 * A `fetch` on Node's own HTTP client (`node:http`, `node:https`) instead of undici, for short-lived processes.
 * The first `fetch` of a process compiles undici's WebAssembly HTTP parser, and the process then waits for that
 * compilation at exit: a process that sends two GETs to a real Coder ended after 167 ms with fetch and 109 ms with
 * this on Node 20.20 (126 and 82 ms on Node 24). `node:http` parses in C++ and has nothing to compile.
 *
 * It covers what the SDK's transport asks of a `fetch`: one `Request` (its `signal`, or the one in `init`),
 * `redirect: "manual"` semantics (a redirect is returned, never followed), the body buffered, the answer's body
 * streamed and decoded (gzip, deflate, br) as fetch does. Failures reject as fetch's do: `TypeError("fetch
 * failed", { cause })` with the socket error as the cause, and the signal's reason on an abort. Idle keep-alive
 * connections do not hold the process open, and Node's own proxy support applies (Node 24.5+: NODE_USE_ENV_PROXY=1
 * with HTTP_PROXY / HTTPS_PROXY / NO_PROXY). Not a general-purpose fetch: no CORS, cookies, or caches.
 *
 * @example createCoderClient({ url, token, fetch: createNodeFetch() })
 */
export function createNodeFetch(): typeof fetch {
  const nodeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const signal = init?.signal ?? request.signal;
    signal.throwIfAborted();
    const url = new URL(request.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError("fetch failed", { cause: new Error(`unsupported scheme ${url.protocol}`) });
    }
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br" };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (body) headers["content-length"] = String(body.byteLength);
    // No agent of our own: Node's global ones keep connections alive (idle sockets unref'd) and, on Node 24.5+ with
    // NODE_USE_ENV_PROXY=1, go through HTTP(S)_PROXY as fetch does there. https (and TLS) loads only when needed.
    const { request: send } =
      url.protocol === "https:" ? await import("node:https") : await import("node:http");
    const options: RequestOptions = { method: request.method, headers, signal };

    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = send(url, options, resolve);
      outgoing.on("error", (error) =>
        reject(signal.aborted ? signal.reason : new TypeError("fetch failed", { cause: error })),
      );
      outgoing.end(body);
    });
    return toResponse(answer, request.method);
  };
  return nodeFetch as typeof fetch;
}

async function toResponse(answer: IncomingMessage, method: string): Promise<Response> {
  const headers = new Headers();
  const raw = answer.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  const init = { status: answer.statusCode ?? 0, statusText: answer.statusMessage ?? "", headers };
  if (method === "HEAD" || NULL_BODY_STATUSES.has(init.status)) {
    answer.resume();
    return new Response(null, init);
  }
  const body = await decode(answer, headers.get("content-encoding"));
  // A reader that cancels does not want the rest, nor the connection it would arrive on.
  body.on("close", () => {
    if (!answer.complete) answer.destroy();
  });
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, init);
}

/**
 * The body decoded per `Content-Encoding` (as fetch does), loading zlib only when an answer is encoded. A socket
 * error mid-body (or an abort) errors the decoder too, so the reader sees it.
 */
async function decode(answer: IncomingMessage, encoding: string | null): Promise<Readable> {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === "identity") return answer;
  const zlib = await import("node:zlib");
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const decoder =
    coding === "gzip" || coding === "x-gzip"
      ? zlib.createGunzip(flush)
      : coding === "deflate"
        ? zlib.createInflate(flush)
        : coding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return answer;
  pipeline(answer, decoder, () => {});
  return decoder;
}
