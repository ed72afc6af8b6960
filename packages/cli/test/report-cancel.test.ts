import { ArchiveEncodingError, CanceledError, CoderAbortError, CoderError } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import { reportError } from "../src/report.js";
import { PromptCanceledError } from "../src/ui/prompt.js";

describe("a canceled operation", () => {
  it("is one class in the SDK hierarchy: CoderAbortError is a CanceledError is a CoderError", () => {
    const abort = new CoderAbortError("GET /x was aborted");
    expect(abort).toBeInstanceOf(CanceledError);
    expect(abort).toBeInstanceOf(CoderError);
    expect(abort.name).toBe("CoderAbortError");
  });

  it.each([
    ["the SDK's CanceledError", new CanceledError("stopped")],
    ["a CoderAbortError", new CoderAbortError("aborted")],
    [
      "a raw abort reason that reached the CLI unwrapped",
      new DOMException("This operation was aborted", "AbortError"),
    ],
    ["a closed prompt", new PromptCanceledError()],
  ])("%s exits 130 as interrupted, not 1", (_what, error) => {
    const report = reportError(error);
    expect(report).toMatchObject({ exitCode: 130, code: "interrupted", message: "Interrupted." });
  });

  it("leaves a timeout (not a cancel) and the ustar writer's guard (a bug) at exit 1", () => {
    expect(reportError(new DOMException("timed out", "TimeoutError"))).toMatchObject({
      exitCode: 1,
      code: "internal",
    });
    expect(reportError(new ArchiveEncodingError("ustar field overflow: x"))).toMatchObject({
      exitCode: 1,
      code: "internal",
    });
  });
});
