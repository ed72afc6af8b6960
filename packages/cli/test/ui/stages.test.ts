import type { ProvisionerJobLog } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import { createColors, shouldUseColor, stripAnsi } from "../../src/ui/colors.js";
import { createLineSink } from "../../src/ui/lines.js";
import { formatDuration, StageRenderer } from "../../src/ui/stages.js";

function log(
  id: number,
  at: number,
  output: string,
  extra: Partial<ProvisionerJobLog> = {},
): ProvisionerJobLog {
  return {
    id,
    created_at: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + at).toISOString(),
    log_source: "provisioner",
    log_level: "info",
    stage: "",
    output,
    ...extra,
  } as ProvisionerJobLog;
}

function setup(opts: { tty?: boolean; verbose?: boolean; color?: boolean } = {}) {
  let text = "";
  let now = 0;
  const renderer = new StageRenderer({
    sink: createLineSink(
      (t) => {
        text += t;
      },
      { tty: opts.tty ?? false, intervalMs: 1_000_000 },
    ),
    colors: createColors(opts.color ?? false),
    verbose: opts.verbose ?? false,
    now: () => now,
    time: () => "12:00:00",
  });
  return {
    renderer,
    output: () => text,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("StageRenderer", () => {
  it("renders flow stages the way coder renders job stages", () => {
    const { renderer, output } = setup();
    renderer.handle({
      type: "stage",
      stage: "check_server",
      label: "Checking the Coder server",
      state: "start",
    });
    renderer.handle({
      type: "stage",
      stage: "check_server",
      label: "Checking the Coder server",
      state: "done",
      durationMs: 1234,
    });
    renderer.handle({ type: "stage", stage: "upload", label: "Uploading template", state: "start" });
    renderer.handle({
      type: "stage",
      stage: "upload",
      label: "Uploading template",
      state: "failed",
      durationMs: 80,
    });
    expect(output()).toBe(
      [
        "==> ⧗ Checking the Coder server",
        "=== ✔ Checking the Coder server [1.2s]",
        "==> ⧗ Uploading template",
        "=== ✘ Uploading template [80ms]",
        "",
      ].join("\n"),
    );
  });

  it("turns provisioner stage changes into stage lines, timed from the log timestamps", () => {
    const { renderer, output } = setup();
    renderer.handle({ type: "log", source: "build", log: log(1, 0, "Setting up", { stage: "Setting up" }) });
    renderer.handle({ type: "log", source: "build", log: log(2, 100, "Terraform 1.9.0") });
    renderer.handle({
      type: "log",
      source: "build",
      log: log(3, 1300, "Planning", { stage: "Planning infrastructure" }),
    });
    renderer.handle({
      type: "log",
      source: "build",
      log: log(4, 1400, "debug noise", { log_level: "debug" }),
    });
    renderer.handle({ type: "log", source: "build", log: log(5, 1500, "Plan: 2 to add") });
    renderer.close();
    expect(output()).toBe(
      [
        "==> ⧗ Setting up",
        "12:00:00 Terraform 1.9.0",
        "=== ✔ Setting up [1.3s]",
        "==> ⧗ Planning infrastructure",
        "12:00:00 Plan: 2 to add",
        "=== ✔ Planning infrastructure [0ms]",
        "",
      ].join("\n"),
    );
  });

  it("shows trace and debug lines only when verbose, and fails open stages on error", () => {
    const { renderer, output, advance } = setup({ verbose: true });
    renderer.handle({ type: "stage", stage: "build", label: "Building workspace", state: "start" });
    renderer.handle({ type: "log", source: "build", log: log(1, 0, "x", { stage: "Starting workspace" }) });
    renderer.handle({ type: "log", source: "build", log: log(2, 5, "details", { log_level: "trace" }) });
    advance(2000);
    renderer.fail();
    expect(output()).toContain("12:00:00 details");
    expect(output()).toMatch(/=== ✘ Starting workspace \[.*\]\n=== ✘ Building workspace \[2\.0s\]\n$/);
  });

  it("prints warnings and info lines", () => {
    const { renderer, output } = setup({ color: true });
    renderer.handle({ type: "warning", code: "x", message: "careful" });
    renderer.handle({ type: "info", message: "pushing it" });
    expect(output()).toContain("\u001b[33mWARN:\u001b[39m careful\n");
    expect(stripAnsi(output())).toBe("WARN: careful\npushing it\n");
  });

  it("draws a spinner only on a terminal, and clears it before each line", () => {
    const tty = setup({ tty: true });
    tty.renderer.handle({ type: "stage", stage: "agent", label: "Waiting", state: "start" });
    tty.renderer.handle({ type: "info", message: "hello" });
    tty.renderer.close();
    expect(tty.output()).toContain("\r\u001b[2K⠋ Waiting");
    expect(tty.output()).toContain("\r\u001b[2Khello\n");
    const pipe = setup({ tty: false });
    pipe.renderer.handle({ type: "stage", stage: "agent", label: "Waiting", state: "start" });
    pipe.renderer.close();
    expect(pipe.output()).not.toContain("\r");
  });
});

describe("formatDuration", () => {
  it("uses ms below a second, seconds with one decimal, then minutes", () => {
    expect(formatDuration(850)).toBe("850ms");
    expect(formatDuration(1234)).toBe("1.2s");
    expect(formatDuration(125_000)).toBe("2m5s");
  });
});

describe("shouldUseColor", () => {
  it("is off for NO_COLOR, --no-color, dumb terminals and pipes; FORCE_COLOR turns it on", () => {
    expect(shouldUseColor({ flag: true, env: {}, isTTY: true })).toBe(true);
    expect(shouldUseColor({ flag: true, env: {}, isTTY: false })).toBe(false);
    expect(shouldUseColor({ flag: false, env: {}, isTTY: true })).toBe(false);
    expect(shouldUseColor({ flag: true, env: { NO_COLOR: "1" }, isTTY: true })).toBe(false);
    expect(shouldUseColor({ flag: true, env: { TERM: "dumb" }, isTTY: true })).toBe(false);
    expect(shouldUseColor({ flag: true, env: { FORCE_COLOR: "1" }, isTTY: false })).toBe(true);
    expect(shouldUseColor({ flag: true, env: { FORCE_COLOR: "0" }, isTTY: false })).toBe(false);
  });
});

describe("the status line of a long wait", () => {
  it("says what is waited for and, after a second, for how long", () => {
    let written = "";
    let clock = 1_000;
    const sink = createLineSink((t) => (written += t), { tty: true, intervalMs: 60_000, now: () => clock });
    sink.status("Waiting for the agent");
    expect(written.endsWith("Waiting for the agent")).toBe(true);
    clock += 75_000;
    sink.line("a log line");
    expect(written.endsWith("Waiting for the agent (1m15s)")).toBe(true);
    sink.status("Building workspace");
    expect(written.endsWith("Building workspace")).toBe(true);
    clock += 3_000;
    sink.line("another");
    expect(written.endsWith("Building workspace (3s)")).toBe(true);
    sink.close();
  });

  it("keeps counting one wait whose text tells its progress", () => {
    let written = "";
    let clock = 1_000;
    const sink = createLineSink((t) => (written += t), { tty: true, intervalMs: 60_000, now: () => clock });
    sink.status("Queued: position 3 of 3", "queue");
    clock += 4_000;
    sink.status("Queued: position 2 of 3", "queue");
    expect(written.endsWith("Queued: position 2 of 3 (4s)")).toBe(true);
    sink.status("Building workspace");
    expect(written.endsWith("Building workspace")).toBe(true);
    sink.close();
  });
});

describe("a job waiting for a provisioner", () => {
  const queued = (queue_position: number, queue_size: number) =>
    ({ type: "queued", source: "build", queue_position, queue_size }) as const;
  const buildLog = (entry: ProvisionerJobLog) => ({ type: "log", source: "build", log: entry }) as const;

  it("is said once in captured output, with its place in the queue, and ends at its first log", () => {
    const { renderer, output } = setup();
    renderer.handle({ type: "stage", stage: "build", label: "Building workspace", state: "start" });
    renderer.handle(queued(3, 4));
    renderer.handle(queued(1, 2));
    renderer.handle(buildLog(log(1, 0, "", { stage: "Planning infrastructure" })));
    renderer.handle(buildLog(log(2, 500, "plan done")));
    expect(output()).toBe(
      [
        "==> ⧗ Building workspace",
        "... Queued for a provisioner: position 3 of 4",
        "==> ⧗ Planning infrastructure",
        "12:00:00 plan done",
        "",
      ].join("\n"),
    );
  });

  it("follows its place on the spinner line of a terminal, then the stage that takes over", () => {
    const { renderer, output } = setup({ tty: true });
    renderer.handle({ type: "stage", stage: "build", label: "Building workspace", state: "start" });
    renderer.handle(queued(2, 2));
    expect(output().endsWith("Queued for a provisioner: position 2 of 2")).toBe(true);
    renderer.handle(queued(1, 1));
    expect(output().endsWith("Queued for a provisioner: position 1 of 1")).toBe(true);
    renderer.handle(buildLog(log(1, 0, "", { stage: "Planning infrastructure" })));
    expect(output().endsWith("Planning infrastructure")).toBe(true);
    renderer.close();
  });
});
