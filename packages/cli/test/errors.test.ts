import { CoderError } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import {
  AlreadyReportedError,
  AuthRequiredError,
  type CliError,
  InterruptedError,
  UsageError,
} from "../src/errors.js";
import { ExitCode } from "../src/exit-codes.js";
import { PromptCanceledError } from "../src/ui/prompt.js";

describe("the CLI's errors", () => {
  it("are CoderErrors, the one hierarchy, carrying the exit code the CLI adds", () => {
    const cases: [CliError, number][] = [
      [new UsageError("bad flag"), ExitCode.usage],
      [new AuthRequiredError("no token"), ExitCode.auth],
      [new InterruptedError(), ExitCode.interrupted],
      [new PromptCanceledError(), ExitCode.interrupted],
      [new AlreadyReportedError("in the JSON", { exitCode: ExitCode.jobFailed }), ExitCode.jobFailed],
    ];
    for (const [error, exitCode] of cases) {
      expect(error).toBeInstanceOf(CoderError);
      expect(error.exitCode).toBe(exitCode);
      expect(error.created).toEqual([]);
    }
  });
});
