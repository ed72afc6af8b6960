// What the CLI says when the server misbehaves: a long Retry-After wait is announced without --verbose, and a
// malformed JSON answer is the server's fault, not "a bug in spt-coder".
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

const URL_ = "http://coder.test";
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-coder-build-version": "v2.36.1+abc1234", ...headers },
  });

const BUILD_INFO = {
  version: "v2.36.1+abc1234",
  external_url: "https://github.com/coder/coder/commit/abc1234",
  dashboard_url: URL_,
  workspace_proxy: false,
  agent_api_version: "2.0",
  provisioner_api_version: "1.0",
  upgrade_message: "",
  deployment_id: "d",
  telemetry: false,
};

describe("messages about the server", () => {
  it("says on stderr, without --verbose, how long it waits on a Retry-After and why", async () => {
    let rateLimited = false;
    const result = await run(["list", "--url", URL_, "--token", "t0ken-value", "-o", "json"], {
      fetch: async (input) => {
        const path = new URL((input as Request).url).pathname;
        if (path === "/api/v2/buildinfo") return json(200, BUILD_INFO);
        if (!rateLimited) {
          rateLimited = true;
          return json(429, { message: "You've been rate limited." }, { "retry-after": "3" });
        }
        return json(200, { workspaces: [], count: 0 });
      },
    });
    expect(result.stderr).toMatch(
      /^Waiting 3s before retrying GET \/api\/v2\/\S+: Coder is rate-limiting these requests \(it said when to come back\)\.$/m,
    );
    expect(result.code).toBe(0);
  });

  it("reports invalid JSON as the server's, with exit 1 and no stack", async () => {
    const result = await run(["list", "--url", URL_, "--token", "t0ken-value"], {
      fetch: async (input) => {
        const path = new URL((input as Request).url).pathname;
        if (path === "/api/v2/buildinfo") return json(200, BUILD_INFO);
        return new Response('{"workspaces": [', {
          headers: { "content-type": "application/json", "x-coder-build-version": "v2.36.1+abc1234" },
        });
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: The server sent invalid JSON in answer to GET \/api\/v2\//m);
    expect(result.stderr).not.toMatch(/bug in spt-coder|\n\s+at /);
  });

  it("shortens a --template-dir of thousands of characters in its error", async () => {
    const deep = `/${Array.from({ length: 40 }, (_, i) => `level${i}${"x".repeat(120)}`).join("/")}`;
    const { code, stderr } = await run([
      "up",
      "--repo",
      "r/x",
      "--template-dir",
      deep,
      "--url",
      "http://127.0.0.1:9",
    ]);
    expect(code).toBe(2);
    expect(stderr.length).toBeLessThan(500);
    expect(stderr).toContain(
      `--template-dir ${deep.slice(0, 40)}…${deep.slice(-100)} (${deep.length} characters) cannot be opened: the path is longer than this system allows.`,
    );
  });
});
