import { PushInterruptedError, type UpInterruptedError } from "@spt-coder/sdk";
import { InterruptedError, interruptedBy } from "./errors.js";
import type { InterruptSignal } from "./exit-codes.js";

/**
 * What an interrupted `up` tells the user, from the SDK's facts: what exists on the server now (the workspace is
 * looked up again after the interrupt, since a create cut off by it may have been made all the same) and the
 * command that picks up from there.
 */
export function upInterruptAdvice(
  error: UpInterruptedError,
  signal: InterruptSignal | undefined,
): InterruptedError {
  const head = interruptedBy(signal);
  const ws = error.workspace;
  const ref = ws ? `${ws.owner_name}/${ws.name}` : refOf(error.target);
  const left = error.cause instanceof PushInterruptedError ? `${error.cause.message}; ` : "";
  const imported = error.canceledImport ? "the template import was canceled on the server; " : left;
  const say = (text: string, suggestion?: string) =>
    new InterruptedError(`${head}: ${imported}${text}`, { signal, ...(suggestion ? { suggestion } : {}) });

  if (error.lookupError) {
    return say(
      `whether the workspace ${ref} exists could not be checked (${error.lookupError.message}).`,
      `Check it with: spt-coder status ${ref}`,
    );
  }
  if (!ws) {
    return say(
      error.step === "prepare" || error.step === "push"
        ? `no workspace was created.`
        : `the workspace ${ref} does not exist on the server (checked after the interrupt).`,
    );
  }
  const build = ws.latest_build;
  const what = `the workspace ${ref} ${error.workspaceCreated ? "was created" : "exists"}`;
  switch (build.job.status) {
    case "pending":
    case "running":
      return say(
        `${what}; its ${build.transition} build continues on the server.`,
        `Follow it with: spt-coder logs ${ref}`,
      );
    case "canceling":
    case "canceled":
      return say(
        `${what}; its ${build.transition} build was canceled.`,
        `Start it with: spt-coder start ${ref}`,
      );
    case "failed":
      return say(`${what}; its ${build.transition} build failed.`, `See why with: spt-coder logs ${ref}`);
    default:
      if (build.transition !== "start") return say(`${what}; it is ${build.status}.`);
      if (error.step === "agent") {
        return say(
          `${what} and is running; its agent keeps starting.`,
          `Check it with: spt-coder status ${ref}`,
        );
      }
      return say(`${what} and is running.`);
  }
}

function refOf(target: { owner: string; name: string }): string {
  return target.owner === "me" ? target.name : `${target.owner}/${target.name}`;
}
