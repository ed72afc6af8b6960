// A server, or a proxy in front of it, that echoes the session token back (in an error message, a log line, a
// name): the CLI prints it nowhere, as text or as JSON, with --verbose or not; it shows `***` where the token was.
// The runs are in-process and check every output against the registered secrets (tests/e2e/helpers.ts).
import type { RunningFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, tempHome } from "../e2e/helpers.js";
import { runCli } from "../robustness/cli-in-process.js";
import type { HostileServer } from "../robustness/hostile-servers.js";
import { fakeWithWorkspace, proxyOf, stringRewrites } from "../robustness/proxied-fake.js";

let fake: RunningFakeCoder;
let proxy: HostileServer;
let home: string;

beforeAll(async () => {
  fake = await fakeWithWorkspace();
  const half = fake.token.split("-")[1]!;
  // The whole token in messages and log lines, its secret half in names.
  const echo = (key: string, text: string, parent: Record<string, unknown>) =>
    key === "message" || key === "detail" || key === "output"
      ? `${text} (session ${fake.token})`
      : key === "name" && "owner_name" in parent
        ? `${text}-${half}`
        : text;
  proxy = await proxyOf(fake, stringRewrites(echo));
  home = await tempHome();
});

afterAll(async () => {
  await proxy?.close();
  await fake?.close();
});

const cli = (args: string[]) =>
  runCli(args, {
    env: cliEnv(home, { CODER_URL: proxy.url, CODER_SESSION_TOKEN: fake.token, NO_COLOR: "1" }),
  });

describe("a server that echoes the session token", () => {
  it.each([[["list"]], [["list", "-o", "json"]], [["status", "dev", "--verbose"]], [["logs", "dev"]]])(
    "%j: the token is printed as ***, never as itself",
    async (args) => {
      const result = await cli(args); // runCli fails the test if the token or its secret half is printed
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout + result.stderr).toContain("***");
    },
  );

  it("in an error message, as text and as JSON", async () => {
    for (const output of ["text", "json"]) {
      fake.faults.failNext({
        path: "/api/v2/users/me/workspace/dev",
        status: 500,
        body: { message: "Internal error.", detail: "bad" },
      });
      const result = await cli(["status", "dev", "-o", output]);
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toContain("(session ***)");
    }
  });
});
