// A reader that stalls (a terminal scrolled back, `spt-coder logs dev | less` left open, a pipe whose reader
// sleeps) must hold the CLI, not fill its memory: the CLI stops writing at stdout's high-water mark, the log
// follower stops reading its socket past its read-ahead, and nothing is lost once the reader comes back. Every
// step waits on an event (the follower's pause, a drain), never on the clock.
import { Writable } from "node:stream";
import { createCoderClient, type FlowEvent, followJobLogs, waitForBuild } from "@spt-coder/sdk";
import { describe, expect, it, vi } from "vitest";
import { drainedOf, exitWhenWritten } from "../../packages/cli/src/io.js";
import { main } from "../../packages/cli/src/main.js";
import { floodDialer, inProcessFetch } from "./hostile-servers.js";

const created_at = "2026-01-01T00:00:00Z";
const logFrame = (id: number) =>
  JSON.stringify({
    id,
    created_at,
    log_source: "provisioner",
    log_level: "info",
    stage: "Planning infrastructure",
    output: `line ${id}`,
  });

/** The follower's read-ahead (jobs/follow.ts), plus the frames one turn of the flood delivers. */
const READ_AHEAD = 10_000 + 100;

/** The answers of a deployment with one finished build whose log comes over the socket. */
function deployment(path: string): unknown {
  if (path === "/api/v2/buildinfo") return { version: "v2.36.0", dashboard_url: "http://coder.test" };
  if (path === "/api/v2/users/me/workspace/dev")
    return { id: "w1", name: "dev", owner_name: "me", latest_build: { id: "b1" } };
  if (path.endsWith("/logs")) return [];
  return {
    id: "b1",
    transition: "start",
    build_number: 1,
    job: { id: "j1", status: "succeeded", created_at, completed_at: created_at },
  };
}

/** A stdout whose reader stalls until `release()`; it counts what it holds at most, and the writes. */
function stalledStdout(highWaterMark = 16 * 1024) {
  let text = "";
  let held: (() => void)[] = [];
  let stalled = true;
  let peak = 0;
  let writes = 0;
  const stream = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      text += chunk;
      if (stalled) held.push(callback);
      else callback();
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string, ...rest: never[]) => {
    const ok = write(chunk, ...rest);
    writes++;
    peak = Math.max(peak, stream.writableLength);
    return ok;
  }) as typeof stream.write;
  return {
    stream,
    get text() {
      return text;
    },
    get peak() {
      return peak;
    },
    /** Writes made so far, taken or held. */
    get writes() {
      return writes;
    },
    release() {
      stalled = false;
      for (const callback of held.splice(0)) callback();
      held = [];
    },
  };
}

/** A client of {@link deployment} whose log socket floods `lines` lines. */
function flooded(lines: number) {
  const flood = floodDialer(lines, logFrame);
  const client = createCoderClient({
    url: "http://coder.test",
    token: "t".repeat(20),
    fetch: inProcessFetch(deployment),
    webSocket: flood.dialer,
  });
  return { flood, client };
}

describe("the log follower behind a slow reader", () => {
  it("pauses its socket past its read-ahead, and delivers every line once the reader catches up", async () => {
    const { flood, client } = flooded(50_000);
    const stream = followJobLogs(client, { job: { kind: "workspace-build", id: "b1" } });
    const reader = stream[Symbol.asyncIterator]();
    expect((await reader.next()).value?.id).toBe(1); // then the reader stalls
    expect(await flood.pausedOrDone).toBe("paused");
    expect(flood.delivered).toBeLessThanOrEqual(READ_AHEAD);
    let last = 1;
    for (let next = await reader.next(); !next.done; next = await reader.next()) last = next.value.id;
    expect(last).toBe(50_000);
    expect(stream.via).toBe("websocket");
  });
});

describe("a flow whose event handler is behind (the CLI's stderr to a stalled reader)", () => {
  it("waits for the handler's promise on each log line, so the follower pauses instead of queueing", async () => {
    const { flood, client } = flooded(50_000);
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let logs = 0;
    const onEvent = (event: FlowEvent) => {
      if (event.type !== "log") return;
      logs++;
      return stalled;
    };
    const build = waitForBuild(client, "b1", { onEvent });
    expect(await flood.pausedOrDone).toBe("paused");
    expect(logs).toBe(1);
    expect(flood.delivered).toBeLessThanOrEqual(READ_AHEAD + 1);
    release();
    expect((await build).id).toBe("b1");
    expect(logs).toBe(50_000);
  });
});

describe("spt-coder logs to a stdout whose reader stalls", () => {
  it("stops writing at the high-water mark, holds the socket, and prints every line once the reader reads", async () => {
    const flood = floodDialer(30_000, logFrame);
    const stdout = stalledStdout();
    let stderr = "";
    const run = main(["logs", "dev"], {
      stdout: stdout.stream,
      stderr: { write: (t: string) => (stderr += t) },
      stdin: () => {
        throw new Error("no stdin");
      },
      drained: drainedOf([stdout.stream]),
      env: { CODER_URL: "http://coder.test", CODER_SESSION_TOKEN: "t".repeat(20), NO_COLOR: "1" },
      cwd: "/",
      home: "/nonexistent-home",
      isTTY: { stdin: false, stdout: false, stderr: false },
      onInterrupt: () => () => {},
      exit: (code: number): never => {
        throw new Error(`exit ${code}`);
      },
      fetch: inProcessFetch(deployment),
      webSocket: flood.dialer,
    });
    expect(await flood.pausedOrDone).toBe("paused");
    // What the CLI holds for the stalled reader: its high-water mark and at most one line past it.
    expect(stdout.peak).toBeLessThanOrEqual(16 * 1024 + 64);
    // And the follower: its read-ahead past the lines already printed.
    expect(flood.delivered).toBeLessThanOrEqual(READ_AHEAD + stdout.writes);
    stdout.release();
    expect(await run, stderr).toBe(0);
    const lines = stdout.text.split("\n").filter((l) => l.includes(" line "));
    expect(lines).toHaveLength(29_999); // the first opens the stage, and is shown as its header (as Coder does)
    expect(lines.at(-1)).toMatch(/ line 30000$/);
  });
});

describe("the exit of the spt-coder process", () => {
  it("comes only once stdout has written everything, however long its reader takes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const stdout = stalledStdout();
      stdout.stream.write("x".repeat(2_291_893)); // `list -o json` of the issue
      const exit = vi.fn();
      const exiting = exitWhenWritten(0, [stdout.stream], exit, 200);
      await vi.advanceTimersByTimeAsync(60_000); // a reader that sleeps for a minute
      expect(exit).not.toHaveBeenCalled();
      stdout.release();
      await exiting;
      await vi.advanceTimersByTimeAsync(200);
      expect(exit).toHaveBeenCalledWith(0);
      expect(stdout.text).toHaveLength(2_291_893);
    } finally {
      vi.useRealTimers();
    }
  });
});
