// The fake's lifecycle clock held by a test: a step that comes due waits for step() or release(), never for time.
import { describe, expect, it } from "vitest";
import { Clock } from "../src/clock.js";

describe("Clock held", () => {
  it("lets a due step happen only when stepped, and each step only once it is due", async () => {
    const clock = new Clock(1);
    clock.hold();
    const done: string[] = [];
    void clock.sleep().then(() => done.push("first"));
    // step() waits for the sleep to come due (an event), then lets it happen.
    await clock.step();
    await Promise.resolve();
    expect(done).toEqual(["first"]);
    void clock.sleep().then(() => done.push("second"));
    await new Promise((resolve) => setTimeout(resolve, 20)); // long past due: still held
    expect(done).toEqual(["first"]);
    clock.release();
    await Promise.resolve();
    expect(done).toEqual(["first", "second"]);
    clock.dispose();
  });
});
