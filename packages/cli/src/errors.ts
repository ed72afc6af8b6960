import { CoderError } from "@spt-coder/sdk";
import { ExitCode, type ExitCodeValue, type InterruptSignal, interruptExitCode } from "./exit-codes.js";

/**
 * A failure the CLI itself detects, with its exit code and an optional next step for the user. It is a
 * `CoderError` like every error of the SDK, so there is one hierarchy; what the CLI adds is the exit code and the
 * suggestion. (The SDK is side-effect free, so this import bundles only the error classes.)
 */
export class CliError extends CoderError {
  override name = "CliError";
  readonly exitCode: ExitCodeValue;
  readonly suggestion: string | undefined;
  constructor(message: string, opts: { exitCode: ExitCodeValue; suggestion?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.exitCode = opts.exitCode;
    this.suggestion = opts.suggestion;
  }
}

/** Bad flags or input: the user fixes the command line (exit 2). */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string, opts: { suggestion?: string; cause?: unknown } = {}) {
    super(message, { ...opts, exitCode: ExitCode.usage });
  }
}

/**
 * A numeric flag out of its range: `--timeout must be a positive number of seconds, e.g. --timeout 60.` yargs reads
 * a word as NaN, which is not worth echoing ("not NaN"); a number out of range is.
 */
export function badNumberFlag(flag: string, rule: string, example: string, value: number): UsageError {
  const got = Number.isNaN(value) ? "" : ` (got ${value})`;
  return new UsageError(`${flag} must be ${rule}, e.g. ${flag} ${example}${got}.`);
}

/** No usable session token (exit 3). */
export class AuthRequiredError extends CliError {
  override name = "AuthRequiredError";
  constructor(message: string, opts: { suggestion?: string } = {}) {
    super(message, { ...opts, exitCode: ExitCode.auth });
  }
}

/**
 * Ctrl-C, SIGTERM or SIGHUP ended the command (exit 130, 143, 129). `message` says what is still running on the
 * server, if anything.
 */
export class InterruptedError extends CliError {
  override name = "InterruptedError";
  constructor(
    message = "Interrupted.",
    opts: { suggestion?: string; signal?: InterruptSignal | undefined } = {},
  ) {
    const { signal, ...rest } = opts;
    super(message, { ...rest, exitCode: interruptExitCode(signal) });
  }
}

/** How a message about an interrupt begins: `Interrupted`, or `Interrupted by SIGTERM` for another signal. */
export function interruptedBy(signal: InterruptSignal | undefined): string {
  return signal && signal !== "SIGINT" ? `Interrupted by ${signal}` : "Interrupted";
}

/**
 * A failure whose report is already on stdout (a `-o json` summary that says what failed): only its exit code
 * is left to give, so that stdout stays one JSON document.
 */
export class AlreadyReportedError extends CliError {
  override name = "AlreadyReportedError";
}

/**
 * The exit status of a command run in a workspace (`exec`), passed on as spt-coder's own. Its output is already on
 * stdout, so nothing more is printed.
 */
export class ExitStatus extends AlreadyReportedError {
  override name = "ExitStatus";
  readonly status: number;
  constructor(status: number) {
    // A remote status is any byte, not one of spt-coder's own codes.
    super(`The command exited with status ${status}.`, { exitCode: status as ExitCodeValue });
    this.status = status;
  }
}
