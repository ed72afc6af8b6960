import { describe, expect, it } from "vitest";
import { AsyncQueue } from "../../src/jobs/queue.js";

async function drain<T>(queue: AsyncQueue<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of queue) out.push(item);
  return out;
}

describe("AsyncQueue", () => {
  it("yields what was pushed, in order, then ends; or throws after the queued items", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    queue.end();
    queue.push(3); // after the end: ignored
    expect(await drain(queue)).toEqual([1, 2]);

    const failing = new AsyncQueue<number>();
    failing.push(1);
    failing.fail(new Error("boom"));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of failing) seen.push(item);
      })(),
    ).rejects.toThrow("boom");
    expect(seen).toEqual([1]);
  });

  it("drains in linear time: the elements it copies stay within twice the items, whatever their number", async () => {
    // Counting the elements the queue's arrays copy, not the time it takes: Array#shift copies the whole rest on
    // each call, so draining n items that way copies about n²/2 elements (400k log lines took minutes).
    let copied = 0;
    const { shift, slice } = Array.prototype;
    const n = 100_000;
    const queue = new AsyncQueue<number>();
    for (let i = 0; i < n; i++) queue.push(i);
    queue.end();
    let count = 0;
    let sum = 0;
    // Patched by hand, only around the drain: a spy's own bookkeeping would call them too.
    Array.prototype.shift = function (this: unknown[]) {
      copied += this.length;
      return shift.call(this);
    };
    Array.prototype.slice = function (this: unknown[], ...args: (number | undefined)[]) {
      const result = slice.apply(this, args as [number, number]);
      copied += result.length;
      return result;
    };
    try {
      for await (const item of queue) {
        count++;
        sum += item;
      }
    } finally {
      Array.prototype.shift = shift;
      Array.prototype.slice = slice;
    }
    expect(count).toBe(n);
    expect(sum).toBe((n * (n - 1)) / 2);
    expect(copied).toBeLessThanOrEqual(2 * n);
  });

  it("asks the producer to wait at the high-water mark, and lets it go at half of it", async () => {
    const queue = new AsyncQueue<number>(4);
    expect([1, 2, 3].map((i) => queue.push(i))).toEqual([true, true, true]);
    expect(queue.push(4)).toBe(false);
    let free = false;
    const room = queue.room().then(() => {
      free = true;
    });
    const reader = queue[Symbol.asyncIterator]();
    await reader.next();
    await reader.next();
    await Promise.resolve();
    expect(free).toBe(false); // 2 left: not below half of 4 yet
    await reader.next();
    await room;
    expect(free).toBe(true);
    expect(queue.size).toBe(1);
  });

  it("frees a waiting producer when the queue ends", async () => {
    const queue = new AsyncQueue<number>(1);
    queue.push(1);
    const room = queue.room();
    queue.end();
    await expect(room).resolves.toBeUndefined();
  });
});
