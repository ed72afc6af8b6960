import type { StageId } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import type { Ctx } from "../src/command.js";
import { InterruptedError } from "../src/errors.js";
import type { InterruptSignal } from "../src/exit-codes.js";
import { runFlow } from "../src/flow-runner.js";
import { createColors } from "../src/ui/colors.js";

/** A context with only what runFlow touches; `press()` is Ctrl-C (or the signal given). */
function stubCtx() {
  let onFirst: ((signal: InterruptSignal) => void) | undefined;
  const controller = new AbortController();
  let received: InterruptSignal | undefined;
  let stderr = "";
  const ctx = {
    colors: createColors(false),
    verbose: false,
    stderr: (text: string) => (stderr += text),
    drained: () => Promise.resolve(),
    lines: () => ({ line: (text: string) => (stderr += `${text}\n`), status: () => {}, close: () => {} }),
    trapInterrupts: (first?: (signal: InterruptSignal) => void) => {
      onFirst = first;
      return {
        signal: controller.signal,
        get interrupted() {
          return received !== undefined;
        },
        get received() {
          return received;
        },
        dispose: () => {},
      };
    },
  } as unknown as Ctx;
  const press = (signal: InterruptSignal = "SIGINT") => {
    received = signal;
    onFirst?.(signal);
    controller.abort();
  };
  return { ctx, press, stderr: () => stderr };
}

/** What Ctrl-C (or `signal`) during the stage `id`, shown as `label`, says and suggests. */
async function interruptDuring(id: StageId, label: string, signal?: InterruptSignal) {
  const { ctx, press, stderr } = stubCtx();
  const error = await runFlow(ctx, { workspace: "ws" }, async (_signal, onEvent) => {
    onEvent({ type: "stage", stage: id, label, state: "start" });
    press(signal);
    throw new Error("aborted");
  }).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(InterruptedError);
  const { message, exitCode } = error as InterruptedError;
  return { message, exitCode, notice: stderr() };
}

describe("runFlow: what Ctrl-C means follows the stage's id, never its label", () => {
  it.each<[StageId, string, RegExp, RegExp]>([
    ["import", "Bringing the template in", /template import was canceled/, /Canceling the template import/],
    ["build", "Provisioning", /stopped following the build of ws/, /keeps running on the server/],
    ["start", "Starting workspace ws", /stopped following the build of ws/, /keeps running on the server/],
    ["agent", "Almost there", /waiting for the agent of ws/, /keeps running on the server/],
    // Labels that read like another stage's: the old regular expressions over labels got these wrong.
    ["check_server", "Building workspace (checking the server first)", /^Interrupted\.$/, /Stopping\.\.\./],
    ["find_template", "Finding template import-demo", /^Interrupted\.$/, /Stopping\.\.\./],
    ["create_workspace", "Creating workspace agent-box", /^Interrupted\.$/, /Stopping\.\.\./],
  ])("%s (%j)", async (id, label, message, notice) => {
    const result = await interruptDuring(id, label);
    expect(result.message).toMatch(message);
    expect(result.notice).toMatch(notice);
  });
});

describe("runFlow: SIGTERM and SIGHUP are handled as Ctrl-C, with 128 + the signal's number", () => {
  it.each<[InterruptSignal, number, string]>([
    ["SIGINT", 130, "Interrupted: the template import"],
    ["SIGTERM", 143, "Interrupted by SIGTERM: the template import"],
    ["SIGHUP", 129, "Interrupted by SIGHUP: the template import"],
  ])("%s exits %i", async (signal, exitCode, message) => {
    const result = await interruptDuring("import", "Importing template", signal);
    expect(result.exitCode).toBe(exitCode);
    expect(result.message).toContain(message);
    expect(result.notice).toContain("Canceling the template import on the server...");
  });
});
