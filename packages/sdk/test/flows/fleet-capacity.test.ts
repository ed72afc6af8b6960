import { describe, expect, it } from "vitest";
import { CoderAbortError } from "../../src/errors/base.js";
import { limitedFetch, Slots } from "../../src/flows/fleet-capacity.js";

describe("fleet capacity", () => {
  it("lets at most N requests be in flight, bodies included, and serves the rest in order", async () => {
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const inner = (async (input: RequestInfo | URL) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      order.push(Number(new URL(String(input)).searchParams.get("i")));
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight--;
      return new Response(JSON.stringify({ ok: true }), { headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    const limited = limitedFetch(2, inner);
    const calls = Array.from({ length: 5 }, (_, i) => limited(`http://127.0.0.1/x?i=${i}`));
    // Release the requests one by one as they arrive; never more than two arrive at once.
    for (let released = 0; released < 5; released++) {
      await expect.poll(() => releases.length).toBeGreaterThan(0);
      expect(inFlight).toBeLessThanOrEqual(2);
      releases.shift()?.();
    }
    const bodies = await Promise.all(calls.map(async (c) => (await c).json()));
    expect(bodies).toEqual(Array(5).fill({ ok: true }));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("hands a freed slot to the next waiter", async () => {
    const slots = new Slots(1);
    await slots.acquire();
    let second = false;
    const waiting = slots.acquire().then(() => {
      second = true;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    slots.release();
    await waiting;
    expect(second).toBe(true);
  });

  it("lets a waiter give up on abort without taking the next freed slot", async () => {
    const slots = new Slots(1);
    await slots.acquire();
    const controller = new AbortController();
    const gaveUp = slots.acquire(controller.signal);
    let third = false;
    const waiting = slots.acquire().then(() => {
      third = true;
    });
    controller.abort();
    await expect(gaveUp).rejects.toBeInstanceOf(CoderAbortError);
    slots.release();
    await waiting;
    expect(third).toBe(true);
    await expect(slots.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(CoderAbortError);
  });
});
