import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addSecret, cliEnv, ensureBuilt, startCli, tempHome } from "./helpers.js";

const REPO = "https://github.com/acme/app";
let fake: RunningFakeCoder;
let home: string;

beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  fake = await startFakeCoder({ stepDelayMs: 5 });
  addSecret(fake.token);
  home = await tempHome();
});
afterEach(async () => {
  await fake.close();
});

const env = () => cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token });
const jobsOf = (type: string) => [...fake.state.jobs.values()].filter((j) => j.type === type);

describe("Ctrl-C", () => {
  it("during a template import cancels the job on the server and exits 130", async () => {
    // No provisioner ever picks the import up, so it stays pending until it is canceled.
    fake.faults.holdJob({ type: "template_version_import" });
    const cli = startCli(["up", "--repo", REPO], { env: env() });
    await cli.waitFor(/==> ⧗ Importing template/);
    cli.child.kill("SIGINT");
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("Canceling the template import on the server...");
    expect(result.stderr).toContain("error: Interrupted: the template import was canceled on the server.");
    const [job] = jobsOf("template_version_import");
    expect(job?.canceledAt).toBeDefined();
    expect(fake.state.templates.size).toBe(0);
    expect(fake.state.workspaces.size).toBe(0);
  });

  it("a second Ctrl-C exits at once", async () => {
    fake.faults.holdJob({ type: "template_version_import" });
    // The cancel request hangs, so only the second Ctrl-C can end the process.
    fake.faults.delay({ method: "PATCH", path: "/api/v2/templateversions/*/cancel", ms: 60_000 });
    const cli = startCli(["up", "--repo", REPO], { env: env() });
    await cli.waitFor(/==> ⧗ Importing template/);
    cli.child.kill("SIGINT");
    await cli.waitFor(/Canceling the template import/);
    const started = Date.now();
    cli.child.kill("SIGINT");
    const result = await cli.done;
    expect(result.code).toBe(130);
    // The held cancel would answer only after 60 s: ending well before that is ending at once, however loaded
    // the machine is (a tighter bound made this test fail under load).
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stderr).toContain("Interrupted again: exiting now.");
  }, 45_000);

  it("during a workspace build stops following, leaves the build running, and says how to follow it", async () => {
    fake.faults.holdJob({ type: "workspace_build" });
    const cli = startCli(["up", "--repo", REPO], { env: env() });
    await cli.waitFor(/==> ⧗ Building workspace/);
    cli.child.kill("SIGINT");
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      "error: Interrupted: stopped following the build of app; it keeps running on the server.",
    );
    expect(result.stderr).toContain("Suggestion: Follow it again with: spt-coder logs app");
    const [build] = jobsOf("workspace_build");
    expect(build?.canceledAt).toBeUndefined();
    expect(fake.state.workspaces.size).toBe(1);
  });
});
