import { beforeAll, describe, expect, it } from "vitest";
import { cliEnv, ensureBuilt, runCli, tempHome } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

describe("spt-coder up --demo", () => {
  it("runs the real up flow against the fake Coder on loopback, with no Coder and no Docker", async () => {
    const result = await runCli(["up", "--demo"], { env: cliEnv(await tempHome()) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/demo An in-memory fake Coder is listening on http:\/\/127\.0\.0\.1:\d+/);
    // URL check, template missing → pushed from the shipped folder, workspace built, logs streamed, agent ready.
    expect(result.stderr).toMatch(/=== ✔ Checking the Coder server/);
    expect(result.stderr).toMatch(/Template "spt-flow" is missing; pushing it from .*template/);
    expect(result.stderr).toMatch(/=== ✔ Importing template/);
    expect(result.stderr).toMatch(/Apply complete!/);
    expect(result.stderr).toMatch(/=== ✔ Waiting for the workspace agent/);
    expect(result.stdout).toMatch(/^Workspace turbo-flow-claude is running \(created\)\.$/m);
    expect(result.stdout).toMatch(
      /code-server +http:\/\/127\.0\.0\.1:\d+\/@admin\/turbo-flow-claude\.main\/apps\/code-server\//,
    );
  });
});
