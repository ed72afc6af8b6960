import { describe, expect, it } from "vitest";
import { goDuration } from "../src/ratelimit.js";
import { MODES, tarOf, useMode } from "./helpers.js";

describe.each(MODES)("rate limiting (%s)", (mode) => {
  const launch = useMode(mode);

  it("is off unless asked for", async () => {
    const h = await launch();
    for (let i = 0; i < 20; i++) expect((await h.api("/api/v2/users/me")).status).toBe(200);
  });

  it("limits per user and per path, answering 429 with Retry-After and Coder's message", async () => {
    const h = await launch({ rateLimit: { limit: 3 }, users: [{ username: "alice" }] });
    for (let i = 0; i < 3; i++) {
      const ok = await h.api("/api/v2/users/me");
      expect(ok.status).toBe(200);
      expect(ok.headers.get("x-ratelimit-remaining")).toBe(String(2 - i));
    }
    const limited = await h.api("/api/v2/users/me");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("x-ratelimit-limit")).toBe("3");
    expect(await limited.json()).toEqual({
      message: "You've been rate limited for sending more than 3 requests in 1m0s.",
    });
    // Another path, or another user, has its own bucket.
    expect((await h.api("/api/v2/users/me/organizations")).status).toBe(200);
    expect((await h.api("/api/v2/users/me", { token: h.state.tokenOf("alice") })).status).toBe(200);
  });

  it("has a separate files limit and lets owners bypass with the header; others get 428", async () => {
    const h = await launch({ rateLimit: { limit: 100, filesLimit: 1 }, users: [{ username: "alice" }] });
    const body = await tarOf({ "main.tf": "" });
    const upload = (token?: string, headers: Record<string, string> = {}) =>
      h.api("/api/v2/files", {
        method: "POST",
        headers: { "Content-Type": "application/x-tar", ...headers },
        body,
        ...(token ? { token } : {}),
      });
    expect((await upload()).status).toBe(201);
    expect((await upload()).status).toBe(429);
    expect((await upload(undefined, { "X-Coder-Bypass-Ratelimit": "true" })).status).toBe(200);
    const refused = await upload(h.state.tokenOf("alice"), { "X-Coder-Bypass-Ratelimit": "true" });
    expect(refused.status).toBe(428);
    expect(refused.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("keys anonymous requests by client address", async () => {
    const h = await launch({ rateLimit: { limit: 1, windowMs: 30_000 } });
    expect((await h.api("/api/v2/buildinfo", { token: null })).status).toBe(200);
    const limited = await h.api("/api/v2/buildinfo", { token: null });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    expect((await limited.json()).message).toBe(
      "You've been rate limited for sending more than 1 requests in 30s.",
    );
  });
});

describe("goDuration", () => {
  it.each([
    [60_000, "1m0s"],
    [30_000, "30s"],
    [90_000, "1m30s"],
    [3_600_000, "1h0m0s"],
    [500, "500ms"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});
