// Concurrent `up`s of one stopped workspace converge on one start build: Coder refuses a second build while one is
// active (409 "A workspace build is already active."), and every `up` refused so waits for that build and uses it.
// The fake holds each `up`'s read of the workspace until all of them have read it (so all see it stopped and all
// send a start), and holds the start job until every start request has been answered: event barriers, no timers.
import { type ResponseInfo, type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, stopWorkspace, up, waitForBuild } from "@spt-coder/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, tempHome } from "../e2e/helpers.js";
import { privateCli, runCli } from "./cli.js";

const templateDir = templateFolder({ "main.tf": minimalTemplate() });
let fake: RunningFakeCoder | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A promise and the function that resolves it. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A fake with workspace `dev` stopped; `hook` sees its responses from then on (a promise it returns holds one). */
async function stoppedDev(hook: (info: ResponseInfo, fake: RunningFakeCoder) => unknown) {
  let armed = false;
  const running = await startFakeCoder({
    stepDelayMs: 5,
    onResponse: (info) => (armed ? hook(info, running) : undefined),
  });
  fake = running;
  const client = createCoderClient({ url: running.url, token: running.token });
  const first = await up({ client, template: "raced", templateDir, workspace: "dev" });
  await waitForBuild(client, (await stopWorkspace(client, first.workspace)).id);
  armed = true;
  return { fake: running, client };
}

const BUILDS = /^\/api\/v2\/workspaces\/[^/]+\/builds$/;

/**
 * {@link stoppedDev} with the barriers: `racers` reads of the workspace by name are answered together, and the
 * next start job stays pending until `racers` build requests were answered.
 */
async function racedDev(racers: number) {
  const gates = { reads: latch(), starts: latch() };
  let reads = 0;
  let starts = 0;
  const made = await stoppedDev((info) => {
    if (info.method === "GET" && info.path.endsWith("/workspace/dev")) {
      if (++reads === racers) gates.reads.open();
      return gates.reads.promise;
    }
    if (info.method === "POST" && BUILDS.test(info.path) && ++starts === racers) gates.starts.open();
  });
  made.fake.faults.holdJob({ type: "workspace_build", transition: "start", until: gates.starts.promise });
  return { fake: made.fake, starts: () => starts };
}

/** The start builds the fake holds for `dev`, oldest first. */
function startBuilds(f: RunningFakeCoder) {
  return [...f.state.builds.values()].filter((b) => b.transition === "start");
}

describe("concurrent up on a stopped workspace", () => {
  it("ten up() calls all succeed and share one start build", async () => {
    const { fake: running, starts } = await racedDev(10);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        up({ client: createCoderClient({ url: running.url, token: running.token }), workspace: "dev" }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected").map((r) => String(r.reason))).toEqual([]);
    // Every up sent its start; one was taken (the second start build overall, after the one of the create).
    expect(starts()).toBe(10);
    expect(startBuilds(running)).toHaveLength(2);
    const builds = results.map(
      (r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof up>>>).value.build,
    );
    expect(new Set(builds.map((b) => b.id)).size).toBe(1);
    expect(builds[0]).toMatchObject({ transition: "start", build_number: 3, status: "running" });
  });

  it("an up whose start meets another client's stop waits for the stop, then starts", async () => {
    // Before up's read of the stopped workspace reaches it, another client starts it and sends a stop, which
    // stays pending until up's start has been refused.
    const refused = latch();
    let other: Promise<void> | undefined;
    const { fake: running, client } = await stoppedDev((info, f) => {
      if (info.method === "GET" && info.path.endsWith("/workspace/dev")) {
        if (other) return; // the other client's own read
        other = (async () => {
          const ws = (await client.workspaces.getByName("me", "dev"))!;
          const started = await client.builds.create(ws.id, { transition: "start" });
          await waitForBuild(client, started.id);
          f.faults.holdJob({ type: "workspace_build", transition: "stop", until: refused.promise });
          await stopWorkspace(client, ws);
        })();
        return other;
      }
      if (info.method === "POST" && BUILDS.test(info.path) && info.status === 409) refused.open();
    });
    const result = await up({
      client: createCoderClient({ url: running.url, token: running.token }),
      workspace: "dev",
    });
    expect(result.build).toMatchObject({ transition: "start", build_number: 5, status: "running" });
    const transitions = [...running.state.builds.values()].map((b) => b.transition);
    expect(transitions).toEqual(["start", "stop", "start", "stop", "start"]);
  });

  describe("through the CLI", () => {
    beforeAll(async () => {
      await privateCli();
    }, 120_000);

    it("four spt-coder up processes all exit 0 with one start build", async () => {
      const { fake: running } = await racedDev(4);
      addSecret(running.token);
      const runs = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const home = await tempHome();
          const env = cliEnv(home, {
            CODER_URL: running.url,
            CODER_SESSION_TOKEN: running.token,
            NO_COLOR: "1",
          });
          return runCli(["up", "--name", "dev", "-t", "raced"], { env, killAfterMs: 90_000 });
        }),
      );
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      expect(startBuilds(running)).toHaveLength(2);
    }, 120_000);
  });
});
