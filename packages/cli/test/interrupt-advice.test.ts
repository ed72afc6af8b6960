import {
  CoderAbortError,
  PushInterruptedError,
  TemplateImportCanceledError,
  UpInterruptedError,
  type UpInterruptFacts,
  type Workspace,
} from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import { pushFacts } from "../src/flow-runner.js";
import { upInterruptAdvice } from "../src/interrupt-advice.js";

/** A workspace as the lookup after an interrupt returns it: only what the advice reads. */
function workspace(transition: string, status: string, jobStatus: string): Workspace {
  return {
    name: "dev",
    owner_name: "alice",
    latest_build: { transition, status, build_number: 2, job: { status: jobStatus } },
  } as unknown as Workspace;
}

function advice(facts: Partial<UpInterruptFacts>, signal?: "SIGTERM") {
  const error = new UpInterruptedError({
    step: "build",
    target: { owner: "me", name: "dev" },
    workspace: undefined,
    workspaceCreated: false,
    canceledImport: undefined,
    lookupError: undefined,
    ...facts,
  });
  const { message, suggestion, exitCode } = upInterruptAdvice(error, signal);
  return { message, suggestion, exitCode };
}

describe("what an interrupted up says, from the SDK's facts", () => {
  it.each<[string, Partial<UpInterruptFacts>, string, string | undefined]>([
    ["nothing made", { step: "prepare" }, "Interrupted: no workspace was created.", undefined],
    [
      "import canceled",
      { step: "push", canceledImport: { id: "v", name: "spt-1" } },
      "Interrupted: the template import was canceled on the server; no workspace was created.",
      undefined,
    ],
    [
      "create cut off, not made",
      { step: "create" },
      "Interrupted: the workspace dev does not exist on the server (checked after the interrupt).",
      undefined,
    ],
    [
      "created, build pending",
      { step: "create", workspace: workspace("start", "pending", "pending"), workspaceCreated: true },
      "Interrupted: the workspace alice/dev was created; its start build continues on the server.",
      "Follow it with: spt-coder logs alice/dev",
    ],
    [
      "build canceled by someone",
      { workspace: workspace("start", "canceled", "canceled") },
      "Interrupted: the workspace alice/dev exists; its start build was canceled.",
      "Start it with: spt-coder start alice/dev",
    ],
    [
      "build failed",
      { workspace: workspace("start", "failed", "failed") },
      "Interrupted: the workspace alice/dev exists; its start build failed.",
      "See why with: spt-coder logs alice/dev",
    ],
    [
      "agent starting",
      { step: "agent", workspace: workspace("start", "running", "succeeded"), workspaceCreated: true },
      "Interrupted: the workspace alice/dev was created and is running; its agent keeps starting.",
      "Check it with: spt-coder status alice/dev",
    ],
    [
      "lookup failed",
      { step: "create", lookupError: new Error("connection refused") },
      "Interrupted: whether the workspace dev exists could not be checked (connection refused).",
      "Check it with: spt-coder status dev",
    ],
  ])("%s", (_name, facts, message, suggestion) => {
    expect(advice(facts)).toEqual({ message, suggestion, exitCode: 130 });
  });

  it("names the signal and exits 128 + its number", () => {
    expect(advice({ step: "prepare" }, "SIGTERM")).toMatchObject({
      message: "Interrupted by SIGTERM: no workspace was created.",
      exitCode: 143,
    });
  });
});

describe("what an interrupted push left, from the SDK's facts", () => {
  const left = new PushInterruptedError(
    "The push was interrupted; template version spt-1 was created and its import could not be canceled: job already completed",
    { name: "spt-1", id: "v1" },
  );

  it("names the canceled version, or says which one was left, and nothing for a bare abort", () => {
    expect(pushFacts(new TemplateImportCanceledError({ id: "v1", name: "spt-1" }))).toBe(
      "the import of template version spt-1 was canceled on the server.",
    );
    expect(pushFacts(left)).toBe(left.message);
    expect(pushFacts(new CoderAbortError("aborted"))).toBeUndefined();
  });

  it("an up stopped at the push says the version it left, not only that no workspace was made", () => {
    const facts: UpInterruptFacts = {
      step: "push",
      target: { owner: "me", name: "dev" },
      workspace: undefined,
      workspaceCreated: false,
      canceledImport: undefined,
      lookupError: undefined,
    };
    const { message } = upInterruptAdvice(new UpInterruptedError(facts, { cause: left }), undefined);
    expect(message).toBe(`Interrupted: ${left.message}; no workspace was created.`);
  });
});
