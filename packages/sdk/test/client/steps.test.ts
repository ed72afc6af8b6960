import { describe, expect, it } from "vitest";
import { readCapped } from "../../src/client/body.js";
import {
  type AttemptContext,
  assertJson,
  attemptWithDeadline,
  type RetryBudget,
  retryAfterAnswer,
  retryAfterFailure,
  waitAtGate,
} from "../../src/client/steps.js";
import {
  CoderAbortError,
  CoderConnectionError,
  CoderResponseTooLargeError,
  CoderTimeoutError,
  CoderUnexpectedResponseError,
} from "../../src/errors/base.js";

const budget = (over: Partial<RetryBudget> = {}): RetryBudget => ({
  failures: 0,
  rateLimited: 0,
  maxRetries: 2,
  maxRateLimitRetries: 2,
  ...over,
});

const context = (over: Partial<AttemptContext> = {}): AttemptContext => ({
  timeoutMs: 1000,
  userSignal: new AbortController().signal,
  maxResponseBytes: 1024,
  origin: "http://coder.test",
  method: "GET",
  path: "/api/v2/x",
  ...over,
});

describe("waitAtGate", () => {
  it("waits again while the gate is still closed, and not at all for another path", async () => {
    let clock = 0;
    const waits: number[] = [];
    const gates = new Map([["/a", 100]]);
    // The first wait falls short (a timer firing early), so the gate must be checked again.
    const wait = async (ms: number) => {
      waits.push(ms);
      clock += ms === 100 ? 60 : ms;
    };
    await waitAtGate(gates, "/a", wait, () => clock);
    expect(waits).toEqual([100, 40]);
    await waitAtGate(gates, "/b", wait, () => clock);
    expect(waits).toEqual([100, 40]);
  });
});

describe("attemptWithDeadline", () => {
  it("returns the answer with its body read", async () => {
    const res = await attemptWithDeadline(async () => new Response("{}"), context());
    expect(await res.text()).toBe("{}");
  });

  it("turns a send that outlives the deadline into CoderTimeoutError", async () => {
    const hang = (signal: AbortSignal) =>
      new Promise<Response>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    await expect(attemptWithDeadline(hang, context({ timeoutMs: 20 }))).rejects.toBeInstanceOf(
      CoderTimeoutError,
    );
  });

  it("turns the caller's abort into CoderAbortError, not a timeout", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    const send = (signal: AbortSignal) => Promise.reject(signal.reason);
    await expect(
      attemptWithDeadline(send, context({ userSignal: controller.signal })),
    ).rejects.toBeInstanceOf(CoderAbortError);
  });

  it("keeps CoderResponseTooLargeError and maps a network failure to CoderConnectionError", async () => {
    const big = async () => new Response("x".repeat(2048));
    await expect(attemptWithDeadline(big, context())).rejects.toBeInstanceOf(CoderResponseTooLargeError);
    const refused = () => Promise.reject(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }));
    await expect(attemptWithDeadline(refused, context())).rejects.toBeInstanceOf(CoderConnectionError);
  });
});

describe("body read with cap", () => {
  it("refuses an answer over the cap and passes one at it", async () => {
    const origin = { method: "GET", path: "/p" };
    await expect(readCapped(new Response("abcd"), 3, origin)).rejects.toBeInstanceOf(
      CoderResponseTooLargeError,
    );
    expect(await (await readCapped(new Response("abc"), 3, origin)).text()).toBe("abc");
  });
});

describe("retryAfterFailure", () => {
  const timeout = new CoderTimeoutError("slow");
  it("retries a retryable failure within the budget, spending a failure", () => {
    expect(retryAfterFailure(timeout, true, budget())).toMatchObject({ retry: true, spend: "failures" });
    expect(retryAfterFailure(timeout, true, budget({ failures: 2 }))).toEqual({ retry: false });
    expect(retryAfterFailure(timeout, false, budget())).toEqual({ retry: false });
  });
  it("never retries an abort or an oversized answer", () => {
    expect(retryAfterFailure(new CoderAbortError("x"), true, budget())).toEqual({ retry: false });
    const tooLarge = new CoderResponseTooLargeError({ method: "GET", path: "/p", limitBytes: 1 });
    expect(retryAfterFailure(tooLarge, true, budget())).toEqual({ retry: false });
  });
});

describe("retryAfterAnswer", () => {
  it("retries a 429 for any method within its own budget, after Retry-After", () => {
    expect(retryAfterAnswer(429, 1000, false, budget({ failures: 2 }))).toEqual({
      retry: true,
      delayMs: 1000,
      reason: "status 429",
      rateLimit: true,
      spend: "rateLimited",
    });
    expect(retryAfterAnswer(429, 1000, true, budget({ rateLimited: 2 }))).toEqual({ retry: false });
  });
  it("retries a 503 only when retryable and within the failure budget", () => {
    expect(retryAfterAnswer(503, undefined, true, budget())).toMatchObject({
      retry: true,
      spend: "failures",
    });
    expect(retryAfterAnswer(503, undefined, false, budget())).toEqual({ retry: false });
    expect(retryAfterAnswer(503, undefined, true, budget({ failures: 2 }))).toEqual({ retry: false });
    expect(retryAfterAnswer(500, undefined, true, budget())).toEqual({ retry: false });
    expect(retryAfterAnswer(200, undefined, true, budget())).toEqual({ retry: false });
  });
  it("counts a 503 that names its Retry-After against the failure budget (a server saying so for ever ends)", () => {
    expect(retryAfterAnswer(503, 0, true, budget())).toEqual({
      retry: true,
      delayMs: 0,
      reason: "status 503",
      rateLimit: false,
      spend: "failures",
    });
    expect(retryAfterAnswer(503, 0, true, budget({ failures: 2 }))).toEqual({ retry: false });
  });
});

describe("assertJson", () => {
  it("passes JSON, 204 and empty bodies; refuses HTML", async () => {
    const json = new Response("{}", { headers: { "content-type": "application/json" } });
    await expect(assertJson(json, "GET", "/p")).resolves.toBeUndefined();
    await expect(assertJson(new Response(null, { status: 204 }), "GET", "/p")).resolves.toBeUndefined();
    await expect(assertJson(new Response("", { status: 502 }), "GET", "/p")).resolves.toBeUndefined();
    const html = new Response("<html>login</html>", { headers: { "content-type": "text/html" } });
    await expect(assertJson(html, "GET", "/p")).rejects.toBeInstanceOf(CoderUnexpectedResponseError);
  });
});
