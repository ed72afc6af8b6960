// A deployment that redirects elsewhere: the CLI never follows a redirect to another origin, so neither the token,
// nor a request, nor a template archive goes there, and an answer from there is never taken for Coder's.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, tempHome } from "../e2e/helpers.js";
import { runCli } from "./cli-in-process.js";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server answering every request with `answer`; it counts the requests it got. */
async function server(
  answer: (url: string) => { status: number; headers: Record<string, string>; body: string },
) {
  const state = { hits: 0, url: "" };
  const http: Server = createServer((request, response) => {
    state.hits++;
    const { status, headers, body } = answer(request.url ?? "/");
    response.writeHead(status, headers).end(body);
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  state.url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  closers.push(() => {
    http.closeAllConnections();
    return new Promise((resolve) => http.close(resolve));
  });
  return state;
}

/** What a Coder lookalike elsewhere answers: a buildinfo that would pass. */
const lookalike = () =>
  server(() => ({
    status: 200,
    headers: { "content-type": "application/json", "x-coder-build-version": "v2.36.0" },
    body: JSON.stringify({ version: "v2.36.0", dashboard_url: "http://evil.example" }),
  }));

describe("a redirect to another origin", () => {
  it("at the server check: not a Coder server (exit 2), naming where it pointed; nothing sent there", async () => {
    const elsewhere = await lookalike();
    const deployment = await server((url) => ({
      status: 302,
      headers: { location: `${elsewhere.url}${url}` },
      body: "",
    }));
    const home = await tempHome();
    const env = cliEnv(home, {
      CODER_URL: deployment.url,
      CODER_SESSION_TOKEN: "a".repeat(10),
      NO_COLOR: "1",
    });
    const result = await runCli(["list"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `is not a Coder server: GET /api/v2/buildinfo answered with a 302 redirect to ${elsewhere.url}, another origin`,
    );
    expect(elsewhere.hits).toBe(0);
  });

  it("a 307 on POST /files: push fails saying so, and the archive never leaves for the other origin", async () => {
    const elsewhere = await lookalike();
    const fake = await startFakeCoder({ stepDelayMs: 2 });
    closers.push(() => fake.close());
    addSecret(fake.token);
    fake.faults.failNext({
      method: "POST",
      path: "/api/v2/files",
      status: 307,
      headers: { location: `${elsewhere.url}/api/v2/files` },
    });
    const home = await tempHome();
    const env = cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, NO_COLOR: "1" });
    const dir = templateFolder({ "main.tf": minimalTemplate() });
    const result = await runCli(["push", "tiny", "-d", dir, "--yes"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: POST \/api\/v2\/files was answered with a 307 redirect to http:\/\/127\.0\.0\.1:\d+, another origin/m,
    );
    expect(elsewhere.hits).toBe(0);
    expect(fake.state.templates.size).toBe(0);
  });
});
