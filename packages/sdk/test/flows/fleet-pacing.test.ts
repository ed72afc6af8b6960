import { describe, expect, it } from "vitest";
import { upMany } from "../../src/flows/fleet.js";
import type { FleetEvent, FleetSpec } from "../../src/flows/fleet-types.js";
import { minimalTemplate, templateFolder, useLoopbackFake } from "./helpers.js";

const dir = templateFolder({ "main.tf": minimalTemplate() });
const fleet = (count: number): FleetSpec[] =>
  Array.from({ length: count }, (_, i) => ({ workspace: `fp-${i}`, template: "pace", templateDir: dir }));

/** What a fleet's items did, in the order the events came: `start`, `built` (build followed to its end), `done`. */
function recorder() {
  const order: string[] = [];
  let building = 0;
  let peak = 0;
  const onEvent = (e: FleetEvent) => {
    if (e.type === "item") order.push(`${e.state} ${e.item}`);
    if (e.type !== "flow" || e.event.type !== "stage" || e.event.stage !== "build") return;
    if (e.event.state === "start") peak = Math.max(peak, ++building);
    else {
      building--;
      order.push(`built ${e.item}`);
    }
  };
  return { order, onEvent, peak: () => peak };
}

describe("upMany() pacing", () => {
  const launch = useLoopbackFake();

  it("gets the next item ready while a build runs, and never runs more builds than asked", async () => {
    const { client } = await launch({ provisioners: 1 });
    const { order, onEvent, peak } = recorder();
    const summary = await upMany(fleet(2), { client, concurrency: 1, onEvent });
    expect(summary.counts.created).toBe(2);
    expect(peak()).toBe(1);
    // fp-1 looked up what it needs while fp-0 built, so the daemon gets its build as soon as fp-0's ends.
    expect(order.indexOf("start fp-1")).toBeLessThan(order.indexOf("built fp-0"));
    expect(order.indexOf("built fp-0")).toBeLessThan(order.indexOf("built fp-1"));
  });

  it("starts the next build while an item's agent is still starting", async () => {
    const { fake, client } = await launch({ provisioners: 1 });
    // fp-0's build comes first (one build at a time): its agent never connects, so its item waits on.
    fake.faults.agent({ outcome: "never_connects" });
    const controller = new AbortController();
    const { order, onEvent } = recorder();
    const summary = await upMany(fleet(2), {
      client,
      concurrency: 1,
      agentTimeoutMs: 600_000,
      signal: controller.signal,
      onEvent: (e) => {
        onEvent(e);
        // fp-1 came up beside the waiting fp-0; a build slot held through fp-0's agent wait would never let
        // fp-1 build at all (this test would then run into its timeout).
        if (e.type === "item" && e.state === "done" && e.item === "fp-1") controller.abort();
      },
    });
    expect(summary.items.map((i) => [i.name, i.outcome])).toEqual([
      ["fp-0", "interrupted"],
      ["fp-1", "created"],
    ]);
    expect(order.filter((o) => o.startsWith("done"))).toEqual(["done fp-1", "done fp-0"]);
  });

  it("resolves an item's values before it waits for a build slot, and cancels it if stopped there", async () => {
    const { fake, client, requests } = await launch({ provisioners: 1 });
    // fp-0's build never leaves the queue, so fp-0 holds the only build slot from here on.
    fake.faults.holdJob({ type: "workspace_build", transition: "start" });
    // The last step of resolving an item's values (after its presets and the owner's id).
    const evaluated = () => requests.filter((r) => r.endsWith("/dynamic-parameters/evaluate")).length;
    const controller = new AbortController();
    const fleetDone = upMany(fleet(2), { client, concurrency: 1, signal: controller.signal });
    // fp-1 resolves its values while fp-0 holds the slot; resolving them only once the slot is free would leave
    // the daemon idle meanwhile (and here never happen).
    await expect.poll(evaluated, { timeout: 100_000 }).toBe(2);
    controller.abort();
    const summary = await fleetDone;
    expect(summary.items.map((i) => [i.name, i.outcome])).toEqual([
      ["fp-0", "interrupted"],
      ["fp-1", "canceled"],
    ]);
    expect([...fake.state.workspaces.values()].map((w) => w.name)).toEqual(["fp-0"]);
  });
});
