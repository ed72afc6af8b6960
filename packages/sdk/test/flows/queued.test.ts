import { type StartFakeCoderOptions, startFakeCoder } from "@spt-coder/fake-coder";
import { describe, expect, it, type onTestFinished } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import { CoderAbortError } from "../../src/errors/base.js";
import { type FlowEvent, queuedEvents } from "../../src/flows/events.js";
import { pushTemplate } from "../../src/flows/push.js";
import { up } from "../../src/flows/up.js";
import type { ProvisionerJob } from "../../src/types.js";
import { minimalTemplate, templateFolder } from "./helpers.js";

const folder = templateFolder({ "main.tf": minimalTemplate() });

/** Collects events and aborts the flow once `count` of them are `queued` (or after 10 s, so nothing hangs). */
function collect(count: number) {
  const events: FlowEvent[] = [];
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 10_000).unref();
  const onEvent = (event: FlowEvent) => {
    events.push(event);
    if (events.filter((e) => e.type === "queued").length === count) stop.abort();
  };
  return { events, onEvent, signal: stop.signal };
}

/** A fake of its own per test, closed when that test ends: the two tests below wait side by side. */
async function launch(options: StartFakeCoderOptions, finished: typeof onTestFinished) {
  const fake = await startFakeCoder({ stepDelayMs: 2, ...options });
  finished(() => fake.close());
  return { fake, client: createCoderClient({ url: fake.url, token: fake.token }) };
}

describe.concurrent("the provisioner queue", () => {
  it("reports a template import waiting with no daemon free, then cancels it on abort", async ({
    onTestFinished,
  }) => {
    const { fake, client } = await launch({ provisioners: 0 }, onTestFinished);
    const seen = collect(1);
    const failure = await pushTemplate(client, { dir: folder, name: "alpha", ...seen }).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderAbortError);
    expect(seen.events.filter((e) => e.type === "queued")).toEqual([
      { type: "queued", source: "import", queue_position: 1, queue_size: 1 },
    ]);
    const job = [...fake.state.jobs.values()].at(-1);
    expect(job?.canceledAt).toBeDefined();
  });

  it("reports a build's place in the queue once per change, before any of its logs", async ({
    onTestFinished,
  }) => {
    const { fake, client } = await launch({ provisioners: 1 }, onTestFinished);
    await pushTemplate(client, { dir: folder, name: "alpha" });
    const template = await client.templates.getByName("coder", "alpha");
    // Both builds are held (no daemon ever takes them): `ahead` first, ours behind it until `ahead` is canceled.
    fake.faults.holdJob({ type: "workspace_build", times: 2 });
    const ahead = await client.workspaces.create("me", { name: "ahead", template_id: template!.id });
    const seen = collect(2);
    const ours = up({ client, workspace: "ours", template: "alpha", ...seen });
    await until(() => seen.events.some((e) => e.type === "queued"));
    await client.builds.cancel(ahead.latest_build.id);
    const failure = await ours.catch((e) => e);
    expect(failure).toBeInstanceOf(CoderAbortError);
    const queued = seen.events.filter((e) => e.type === "queued");
    expect(queued).toEqual([
      { type: "queued", source: "build", queue_position: 2, queue_size: 2 },
      { type: "queued", source: "build", queue_position: 1, queue_size: 1 },
    ]);
    expect(seen.events.some((e) => e.type === "log" && e.source === "build")).toBe(false);
  });
});

describe("queuedEvents()", () => {
  const job = (status: string, queue_position: number, queue_size: number) =>
    ({ status, queue_position, queue_size }) as ProvisionerJob;

  it("reports a pending job's place once per change and nothing once a daemon has it", () => {
    const events: FlowEvent[] = [];
    const onJob = queuedEvents("import", (e) => events.push(e))!;
    for (const seen of [
      job("pending", 2, 3),
      job("pending", 2, 3),
      job("pending", 1, 3),
      job("pending", 1, 2),
    ])
      onJob(seen);
    onJob(job("running", 0, 0));
    onJob(job("pending", 0, 0)); // Coder's answer when it cannot tell the place
    expect(events.map((e) => (e.type === "queued" ? `${e.queue_position}/${e.queue_size}` : e.type))).toEqual(
      ["2/3", "1/3", "1/2"],
    );
    expect(queuedEvents("build", undefined)).toBeUndefined();
  });
});

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 100_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a queued event");
    await new Promise((r) => setTimeout(r, 10));
  }
}
