import { inspect } from "node:util";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import {
  CoderApiError,
  CoderAuthError,
  CoderBadRequestError,
  CoderConflictError,
  CoderError,
  CoderForbiddenError,
  CoderNotFoundError,
  CoderRateLimitError,
  CoderServerError,
  CoderUnexpectedResponseError,
} from "../../src/errors/base.js";

const BASE = "https://coder.test";
const TOKEN = "Zz9Yy8Xx7W-secretsecretsecretsecret12";
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = () => createCoderClient({ url: BASE, token: TOKEN, maxRetries: 0, maxRateLimitRetries: 0 });

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  server.use(
    http.get(`${BASE}/api/v2/users/me`, () =>
      HttpResponse.json(body as Record<string, unknown>, { status, headers }),
    ),
  );
}

describe("error mapping", () => {
  it.each([
    [400, CoderBadRequestError],
    [401, CoderAuthError],
    [403, CoderForbiddenError],
    [404, CoderNotFoundError],
    [409, CoderConflictError],
    [429, CoderRateLimitError],
    [500, CoderServerError],
    [503, CoderServerError],
    [418, CoderApiError],
  ])("maps %i to %s", async (status, Kind) => {
    answer(status, { message: "Something happened.", detail: "the details" });
    const failure = await client()
      .users.me()
      .catch((e) => e);
    expect(failure).toBeInstanceOf(Kind);
    expect(failure).toBeInstanceOf(CoderError);
    expect(failure).toMatchObject({
      status,
      apiMessage: "Something happened.",
      detail: "the details",
      method: "GET",
      path: "/api/v2/users/me",
    });
  });

  it("keeps Coder's validations and shows them in the message", async () => {
    answer(400, {
      message: "Validation failed.",
      validations: [{ field: "name", detail: 'Validation failed for tag "username" with value: "a_b"' }],
    });
    const failure = await client()
      .users.me()
      .catch((e) => e);
    expect(failure.validations).toEqual([
      { field: "name", detail: 'Validation failed for tag "username" with value: "a_b"' },
    ]);
    expect(failure.message).toContain("name: Validation failed");
  });

  it("reads Retry-After on a 429", async () => {
    answer(429, { message: "You've been rate limited" }, { "retry-after": "60" });
    const failure = await client()
      .users.me()
      .catch((e) => e);
    expect(failure.retryAfterMs).toBe(60_000);
  });

  it("handles an error with an empty body", async () => {
    server.use(http.get(`${BASE}/api/v2/users/me`, () => new HttpResponse(null, { status: 502 })));
    const failure = await client()
      .users.me()
      .catch((e) => e);
    expect(failure).toBeInstanceOf(CoderServerError);
    expect(failure.apiMessage).toMatch(/HTTP 502/);
  });

  it("reports an HTML page as not Coder's JSON", async () => {
    server.use(
      http.get(`${BASE}/api/v2/users/me`, () =>
        HttpResponse.html("<html><body>Sign in to the proxy</body></html>"),
      ),
    );
    const failure = await client()
      .users.me()
      .catch((e) => e);
    expect(failure).toBeInstanceOf(CoderUnexpectedResponseError);
    expect(failure.bodyStart).toContain("Sign in to the proxy");
  });

  it("never puts the token in an error message or stack", async () => {
    const statuses = [400, 401, 403, 404, 409, 429, 500];
    for (const status of statuses) {
      answer(status, { message: `echo ${status}` });
      const failure = await client()
        .users.me()
        .catch((e) => e);
      expect(`${failure.message}\n${failure.stack}\n${JSON.stringify(failure)}`).not.toContain(TOKEN);
    }
  });

  it("sends the token only as the Coder-Session-Token header", async () => {
    let seen: Request | undefined;
    server.use(
      http.get(`${BASE}/api/v2/users/me`, ({ request }) => {
        seen = request;
        return HttpResponse.json({ id: "x" });
      }),
    );
    await client().users.me();
    expect(seen?.headers.get("coder-session-token")).toBe(TOKEN);
    expect(seen?.url).not.toContain(TOKEN);
    expect(seen?.headers.get("cookie")).toBeNull();
  });
});

describe("createCoderClient", () => {
  it("warns when the token would travel over plain http to a remote host", () => {
    const warnings: string[] = [];
    createCoderClient({
      url: "http://coder.example.com",
      token: TOKEN,
      onWarning: (w) => warnings.push(w.code),
    });
    createCoderClient({
      url: "http://127.0.0.1:3000",
      token: TOKEN,
      onWarning: (w) => warnings.push(w.code),
    });
    createCoderClient({
      url: "https://coder.example.com",
      token: TOKEN,
      onWarning: (w) => warnings.push(w.code),
    });
    expect(warnings).toEqual(["insecure-transport"]);
  });

  it("does not show the token when the client is logged or serialised", () => {
    const c = createCoderClient({ url: BASE, token: TOKEN });
    expect(JSON.stringify(c)).not.toContain(TOKEN);
    expect(inspect(c, { depth: 5, showHidden: true })).not.toContain(TOKEN);
  });
});
