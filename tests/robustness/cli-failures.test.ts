// A server that keeps failing after `up` created something, as the CLI reports it: exit 1, Coder's message,
// and what already exists, in text and in `-o json`. (The SDK side, for every step: fault-matrix.test.ts.)
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, expectNoSecretsInFiles, tempHome } from "../e2e/helpers.js";
import { runCli } from "./cli-in-process.js";

const template = templateFolder({ "main.tf": minimalTemplate() });
let fake: RunningFakeCoder | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The agent wait's reads: the watch stream first, the workspace poll when the stream is refused. */
const WORKSPACE_READS = /^\/api\/v2\/workspaces\/[^/]+(\/watch-ws)?$/;

/** `up` of workspace `w` from template `tiny` (pushed from a folder) while `path` answers 500 for good. */
async function upWhileFailing(method: string, path: string | RegExp, ...more: string[]) {
  fake = await startFakeCoder({ stepDelayMs: 2 });
  addSecret(fake.token);
  fake.faults.failNext({
    method,
    path,
    status: 500,
    times: Number.POSITIVE_INFINITY,
    body: { message: "Internal error fetching workspace.", detail: "pq: connection refused" },
  });
  const home = await tempHome();
  const env = cliEnv(home, {
    CODER_URL: fake.url,
    CODER_SESSION_TOKEN: fake.token,
    NO_COLOR: "1",
  });
  const result = await runCli(["up", "--name", "w", "-t", "tiny", "--template-dir", template, ...more], {
    env,
  });
  await expectNoSecretsInFiles(home);
  return result;
}

describe("a persistent 500 after up created things", () => {
  it("says what exists after the message, in one paragraph (text)", async () => {
    const result = await upWhileFailing("GET", WORKSPACE_READS);
    expect(result.code).toBe(1);
    const error = result.stderr.slice(result.stderr.indexOf("error: "));
    expect(error).toBe(
      "error: Internal error fetching workspace.\npq: connection refused\nAlready created: template tiny, workspace w.\n",
    );
  });

  it("lists it in the JSON error", async () => {
    const result = await upWhileFailing("GET", WORKSPACE_READS, "-o", "json");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      code: "api",
      exit_code: 1,
      status: 500,
      created: ["template tiny", "workspace w"],
    });
  });

  it("names the template version when the template itself could not be created", async () => {
    const result = await upWhileFailing("POST", "/api/v2/organizations/*/templates");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\nAlready created: template version \S+ \([0-9a-f-]{36}\)\.\n$/);
  });
});
