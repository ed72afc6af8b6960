import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { CoderWarning, RetryInfo } from "../../src/client/hooks.js";
import { createNodeFetch } from "../../src/client/node-fetch.js";
import { createTransport, type TransportOptions } from "../../src/client/transport.js";
import {
  CoderAbortError,
  CoderConnectionError,
  CoderInvalidJsonError,
  CoderRedirectError,
  CoderResponseTooLargeError,
  CoderTimeoutError,
  CoderUnexpectedResponseError,
} from "../../src/errors/base.js";

const TOKEN = "AbCdEfGhIj-0123456789abcdefghijkl";
const BASE = "http://coder.test";

type Handler = (request: Request, index: number) => Response | Promise<Response>;

/** A transport whose `fetch` is a scripted handler; records every request it saw (nothing global is patched). */
function observed(handler: Handler, overrides: Partial<TransportOptions> = {}) {
  const seen: Request[] = [];
  const retries: RetryInfo[] = [];
  const warnings: CoderWarning[] = [];
  const transport = createTransport({
    baseUrl: BASE,
    token: TOKEN,
    timeoutMs: 2000,
    maxRetries: 2,
    maxRateLimitRetries: 2,
    maxRetryAfterMs: 5000,
    userAgent: "spt-coder-test",
    hooks: { onRetry: (r) => retries.push(r), onWarning: (w) => warnings.push(w) },
    fetch: async (input) => {
      const request = input as Request;
      seen.push(request.clone());
      return handler(request, seen.length - 1);
    },
    ...overrides,
  });
  return { fetch: transport.fetch, state: transport.state, seen, retries, warnings };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

describe.concurrent("transport", () => {
  it("sends the token in the Coder-Session-Token header only, never in the URL", async () => {
    const t = observed(() => json(200, {}));
    await t.fetch(new Request(`${BASE}/api/v2/users/me`));
    expect(t.seen[0]?.headers.get("coder-session-token")).toBe(TOKEN);
    expect(t.seen[0]?.url).not.toContain(TOKEN);
    expect(t.seen[0]?.headers.get("user-agent")).toBe("spt-coder-test");
  });

  it("honours Retry-After in seconds on a 429, then succeeds", async () => {
    const t = observed((_r, i) =>
      i === 0 ? json(429, { message: "slow down" }, { "retry-after": "1" }) : json(200, {}),
    );
    const started = Date.now();
    const res = await t.fetch(new Request(`${BASE}/api/v2/users/me`));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(t.retries).toEqual([expect.objectContaining({ attempt: 1, delayMs: 1000, reason: "status 429" })]);
  });

  it("holds every later request to a rate-limited path until its Retry-After, and retries 429s apart from failures", async () => {
    const sentAt: number[] = [];
    // The second call starts once the first one's 429 was seen (an event, not a fixed delay that a loaded
    // machine could outrun), so it must find the path already held.
    let rateLimited!: () => void;
    const limitSeen = new Promise<void>((resolve) => {
      rateLimited = resolve;
    });
    const t = observed(
      (_r, i) => {
        sentAt.push(Date.now());
        return i === 0 ? json(429, {}, { "retry-after": "1" }) : json(200, {});
      },
      { maxRetries: 0, hooks: { onRetry: () => rateLimited() } },
    );
    const [a, b] = await Promise.all([
      t.fetch(new Request(`${BASE}/api/v2/users/me/workspaces`, { method: "POST", body: "{}" })),
      limitSeen.then(() =>
        t.fetch(new Request(`${BASE}/api/v2/users/me/workspaces`, { method: "POST", body: "{}" })),
      ),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(sentAt).toHaveLength(3);
    expect(Math.min(sentAt[1]!, sentAt[2]!) - sentAt[0]!).toBeGreaterThanOrEqual(950);
  });

  it("honours Retry-After as an HTTP date and caps it", async () => {
    const date = new Date(Date.now() + 3_600_000).toUTCString();
    const t = observed((_r, i) => (i === 0 ? json(503, {}, { "retry-after": date }) : json(200, {})), {
      maxRetryAfterMs: 50,
    });
    await t.fetch(new Request(`${BASE}/api/v2/buildinfo`));
    expect(t.retries[0]?.delayMs).toBe(50);
  });

  it.each([502, 503, 504, 408])("retries a GET after %i with backoff", async (status) => {
    const t = observed((_r, i) => (i < 2 ? json(status, {}) : json(200, { ok: true })));
    const res = await t.fetch(new Request(`${BASE}/api/v2/buildinfo`));
    expect(res.status).toBe(200);
    expect(t.seen).toHaveLength(3);
    expect(t.retries[0]!.delayMs).toBeGreaterThanOrEqual(375);
    expect(t.retries[0]!.delayMs).toBeLessThanOrEqual(500);
    expect(t.retries[1]!.delayMs).toBeGreaterThanOrEqual(750);
  });

  it("gives up after maxRetries and returns the last answer", async () => {
    const t = observed(() => json(503, { message: "down" }), { maxRetries: 1 });
    const res = await t.fetch(new Request(`${BASE}/api/v2/buildinfo`));
    expect(res.status).toBe(503);
    expect(t.seen).toHaveLength(2);
  });

  it("never retries a POST that creates a workspace after a 503", async () => {
    const t = observed(() => json(503, { message: "down" }));
    const res = await t.fetch(
      new Request(`${BASE}/api/v2/users/me/workspaces`, { method: "POST", body: "{}" }),
    );
    expect(res.status).toBe(503);
    expect(t.seen).toHaveLength(1);
  });

  it("never retries a POST after a connection error", async () => {
    const t = observed(() => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    });
    await expect(
      t.fetch(new Request(`${BASE}/api/v2/workspaces/x/builds`, { method: "POST", body: "{}" })),
    ).rejects.toBeInstanceOf(CoderConnectionError);
    expect(t.seen).toHaveLength(1);
  });

  it("retries a POST marked safe, replaying the same body", async () => {
    const t = observed((_r, i) => (i === 0 ? json(503, {}) : json(201, { hash: "x" })));
    const request = Object.assign(
      new Request(`${BASE}/api/v2/files`, { method: "POST", body: new Uint8Array([1, 2, 3]) }),
      { sptRetry: true },
    );
    await t.fetch(request);
    expect(t.seen).toHaveLength(2);
    expect(new Uint8Array(await t.seen[1]!.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("retries a GET after a connection reset", async () => {
    const t = observed((_r, i) => {
      if (i === 0) throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
      return json(200, {});
    });
    expect((await t.fetch(new Request(`${BASE}/api/v2/buildinfo`))).status).toBe(200);
    expect(t.retries[0]?.reason).toBe("CoderConnectionError");
  });

  it("treats a body cut after the headers as a connection error and retries a GET", async () => {
    const cutBody = () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"id":'));
          controller.error(new TypeError("terminated", { cause: { code: "UND_ERR_SOCKET" } }));
        },
      });
    const t = observed((_r, i) =>
      i === 0
        ? new Response(cutBody(), { headers: { "content-type": "application/json" } })
        : json(200, { id: "x" }),
    );
    const res = await t.fetch(new Request(`${BASE}/api/v2/users/me`));
    expect(await res.json()).toEqual({ id: "x" });
    expect(t.retries[0]?.reason).toBe("CoderConnectionError");

    const post = observed(() => new Response(cutBody(), { headers: { "content-type": "application/json" } }));
    const failure = await post
      .fetch(new Request(`${BASE}/api/v2/users/me/workspaces`, { method: "POST", body: "{}" }))
      .catch((e) => e);
    expect(failure).toBeInstanceOf(CoderConnectionError);
    expect(failure.reason).toBe("reset");
    expect(post.seen).toHaveLength(1);
  });

  it("times out one attempt and reports CoderTimeoutError", async () => {
    const t = observed(
      (request) =>
        new Promise((_resolve, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason)),
        ),
      { timeoutMs: 30, maxRetries: 0 },
    );
    await expect(t.fetch(new Request(`${BASE}/api/v2/buildinfo`))).rejects.toBeInstanceOf(CoderTimeoutError);
  });

  it("turns a user abort into CoderAbortError and never retries it", async () => {
    const controller = new AbortController();
    const t = observed((request) => {
      setTimeout(() => controller.abort(), 10);
      return new Promise((_resolve, reject) =>
        request.signal.addEventListener("abort", () => reject(request.signal.reason)),
      );
    });
    await expect(
      t.fetch(new Request(`${BASE}/api/v2/buildinfo`, { signal: controller.signal })),
    ).rejects.toBeInstanceOf(CoderAbortError);
    expect(t.seen).toHaveLength(1);
  });

  it("aborts while sleeping before a retry", async () => {
    const controller = new AbortController();
    const t = observed(() => json(429, {}, { "retry-after": "30" }));
    setTimeout(() => controller.abort(), 20);
    await expect(
      t.fetch(new Request(`${BASE}/api/v2/buildinfo`, { signal: controller.signal })),
    ).rejects.toBeInstanceOf(CoderAbortError);
  });

  it("reports an HTML answer as not Coder, quoting the first bytes", async () => {
    const t = observed(
      () =>
        new Response("<!doctype html><title>Router login</title>", {
          headers: { "content-type": "text/html" },
        }),
    );
    const failure = await t.fetch(new Request(`${BASE}/api/v2/buildinfo`)).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderUnexpectedResponseError);
    expect(failure.message).toContain("Router login");
    expect(failure.message).toContain("is this a Coder server?");
  });

  it("reports a malformed JSON answer as the server's fault, not as a SyntaxError", async () => {
    const t = observed(
      () => new Response('{"version": "v2.3', { headers: { "content-type": "application/json" } }),
    );
    const failure = await t.fetch(new Request(`${BASE}/api/v2/buildinfo`)).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderInvalidJsonError);
    expect(failure.message).toMatch(
      /^The server sent invalid JSON in answer to GET \/api\/v2\/buildinfo \(200\)/,
    );
    expect(failure.message).toContain('{\\"version\\": \\"v2.3');
  });

  it("counts decoded bytes against maxResponseBytes and never fetches an oversized answer twice", async () => {
    const t = observed(() => json(200, { big: "x".repeat(2000) }), { maxResponseBytes: 1000 });
    const failure = await t.fetch(new Request(`${BASE}/api/v2/users/me`)).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderResponseTooLargeError);
    expect(failure.limitBytes).toBe(1000);
    expect(t.seen).toHaveLength(1);
    const small = observed(() => json(200, { big: "x".repeat(900) }), { maxResponseBytes: 1000 });
    expect((await small.fetch(new Request(`${BASE}/api/v2/users/me`))).status).toBe(200);
  });

  it("records the server version and warns once when it is untested", async () => {
    const t = observed(() => json(200, {}, { "x-coder-build-version": "v2.12.0+abc" }));
    await t.fetch(new Request(`${BASE}/api/v2/buildinfo`));
    await t.fetch(new Request(`${BASE}/api/v2/buildinfo`));
    expect(t.state.serverVersion).toBe("v2.12.0+abc");
    expect(t.warnings).toEqual([expect.objectContaining({ code: "version-untested" })]);
  });

  it("does not warn for a tested version, nor for a build of Coder's main from source", async () => {
    for (const version of ["v2.36.1+abc1234", "v0.0.0-devel+f524e00d"]) {
      const t = observed(() => json(200, {}, { "x-coder-build-version": version }));
      await t.fetch(new Request(`${BASE}/api/v2/buildinfo`));
      expect(t.warnings).toEqual([]);
    }
  });
});

// Both transports a client may use: the global fetch (undici) and Node's own HTTP client, which the CLI uses.
describe.each([
  ["global fetch", undefined],
  ["createNodeFetch", createNodeFetch()],
])("transport over real loopback sockets (%s)", (_name, send) => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  /** A transport to `baseUrl` over this run's fetch, without retries. */
  const over = (baseUrl: string, timeoutMs = 2000) =>
    createTransport({
      baseUrl,
      token: TOKEN,
      timeoutMs,
      maxRetries: 0,
      maxRateLimitRetries: 0,
      maxRetryAfterMs: 1000,
      userAgent: "t",
      hooks: {},
      fetch: send,
    });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("maps a refused connection to CoderConnectionError('refused')", async () => {
    const url = await listen(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    const { fetch } = over(url);
    const failure = await fetch(new Request(`${url}/api/v2/buildinfo`)).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderConnectionError);
    expect(failure.reason).toBe("refused");
    expect(failure.message).not.toContain(TOKEN);
  });

  it("runs out of time on an answer whose body stops coming, and closes that connection", async () => {
    let closed: () => void = () => {};
    const connectionClosed = new Promise<void>((r) => {
      closed = r;
    });
    const url = await listen((_req, res) => {
      res.socket?.on("close", closed);
      res.writeHead(200, { "content-type": "application/json" }).write('{"partial":'); // never ends
    });
    const { fetch } = over(url, 200);
    const failure = await fetch(new Request(`${url}/api/v2/buildinfo`)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CoderTimeoutError);
    await connectionClosed;
  });

  it("follows a redirect on the deployment's origin, and refuses one to another origin", async () => {
    const seenTokens: Array<string | undefined> = [];
    const other = await listen((req, res) => {
      seenTokens.push(req.headers["coder-session-token"] as string | undefined);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const coder = await listen((req, res) => {
      seenTokens.push(req.headers["coder-session-token"] as string | undefined);
      if (req.url?.startsWith("/api/v2/hop")) res.writeHead(302, { location: "/api/v2/users/me" }).end();
      else res.writeHead(307, { location: `${other}/steal` }).end();
    });
    const { fetch } = over(coder);
    const failure = await fetch(new Request(`${coder}/api/v2/hop`)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CoderRedirectError);
    expect((failure as CoderRedirectError).target).toBe(other);
    expect(seenTokens).toEqual([TOKEN, TOKEN]); // the deployment twice (the hop, then the 307), the other never
  });
});
