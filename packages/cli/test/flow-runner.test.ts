import type { StageId } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import type { Ctx } from "../src/command.js";
import { InterruptedError } from "../src/errors.js";
import { runFlow } from "../src/flow-runner.js";
import { createColors } from "../src/ui/colors.js";

/** A context with only what runFlow touches; `press()` is Ctrl-C. */
function stubCtx() {
  let onFirst: (() => void) | undefined;
  const controller = new AbortController();
  let interrupted = false;
  let stderr = "";
  const ctx = {
    colors: createColors(false),
    verbose: false,
    stderr: (text: string) => (stderr += text),
    drained: () => Promise.resolve(),
    lines: () => ({ line: (text: string) => (stderr += `${text}\n`), status: () => {}, close: () => {} }),
    trapInterrupts: (first?: () => void) => {
      onFirst = first;
      return {
        signal: controller.signal,
        get interrupted() {
          return interrupted;
        },
        dispose: () => {},
      };
    },
  } as unknown as Ctx;
  const press = () => {
    interrupted = true;
    onFirst?.();
    controller.abort();
  };
  return { ctx, press, stderr: () => stderr };
}

/** What Ctrl-C during the stage `id`, shown as `label`, says and suggests. */
async function interruptDuring(id: StageId, label: string) {
  const { ctx, press, stderr } = stubCtx();
  const error = await runFlow(ctx, { workspace: "ws" }, async (_signal, onEvent) => {
    onEvent({ type: "stage", stage: id, label, state: "start" });
    press();
    throw new Error("aborted");
  }).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(InterruptedError);
  return { message: (error as InterruptedError).message, notice: stderr() };
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
