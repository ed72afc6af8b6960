// Several `up`s at once for the same workspace from a template that does not exist yet: one creates the template
// and the workspace, the others use what it created, and all of them succeed. Through the SDK (three up() calls
// in one process) and through the CLI (three processes), each against a fresh fake.
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, up } from "@spt-coder/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, tempHome } from "../e2e/helpers.js";
import { privateCli, runCli } from "./cli.js";

const RACERS = 3;
const templateDir = templateFolder({ "main.tf": minimalTemplate() });
let fake: RunningFakeCoder | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** What the race left on the server. */
function leftovers(f: RunningFakeCoder) {
  const templates = [...f.state.templates.values()].filter((t) => !t.deleted);
  const workspaces = [...f.state.workspaces.values()].filter((w) => !w.deleted);
  const versions = [...f.state.templateVersions.values()];
  return {
    templates: templates.length,
    workspaces: workspaces.length,
    // Versions attached to the template: only the winner's. The losers' stay unattached and never active.
    attachedVersions: versions.filter((v) => v.templateId).length,
    versions: versions.length,
  };
}

describe("concurrent up on a missing template", () => {
  it(`${RACERS} up() calls converge on one template and one workspace, and all succeed`, async () => {
    fake = await startFakeCoder({ stepDelayMs: 5 });
    const running = fake;
    const results = await Promise.allSettled(
      Array.from({ length: RACERS }, () =>
        up({
          client: createCoderClient({ url: running.url, token: running.token }),
          template: "raced",
          templateDir,
          workspace: "dev",
        }),
      ),
    );
    const failures = results.filter((r) => r.status === "rejected").map((r) => String(r.reason));
    expect(failures).toEqual([]);
    const values = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof up>>>).value);
    expect(values.filter((v) => v.templateCreated)).toHaveLength(1);
    expect(values.filter((v) => v.created)).toHaveLength(1);
    expect(new Set(values.map((v) => v.workspace.id)).size).toBe(1);
    expect(values.every((v) => v.workspace.latest_build.status === "running")).toBe(true);
    const left = leftovers(fake);
    expect(left).toMatchObject({ templates: 1, workspaces: 1, attachedVersions: 1 });
    expect(left.versions).toBeLessThanOrEqual(RACERS);
  });

  describe("through the CLI", () => {
    beforeAll(async () => {
      await privateCli();
    }, 120_000);

    it(`${RACERS} spt-coder up processes all exit 0 with one template and one workspace`, async () => {
      fake = await startFakeCoder({ stepDelayMs: 5 });
      addSecret(fake.token);
      const runs = await Promise.all(
        Array.from({ length: RACERS }, async () => {
          const home = await tempHome();
          const env = cliEnv(home, { CODER_URL: fake!.url, CODER_SESSION_TOKEN: fake!.token, NO_COLOR: "1" });
          return runCli(["up", "--name", "dev", "-t", "raced", "--template-dir", templateDir, "--yes"], {
            env,
            killAfterMs: 90_000,
          });
        }),
      );
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      expect(leftovers(fake)).toMatchObject({ templates: 1, workspaces: 1, attachedVersions: 1 });
    }, 120_000);
  });
});
