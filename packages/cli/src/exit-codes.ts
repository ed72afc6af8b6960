/**
 * The CLI's exit codes. One table, printed by `--help` and the README, so scripts can branch on the class of
 * failure without parsing messages.
 */
export const ExitCode = {
  ok: 0,
  /** The Coder API or the network failed. */
  api: 1,
  /** Bad flags, a bad URL, a bad parameter value: fix the command line. */
  usage: 2,
  /** The session token is missing, wrong or not allowed. */
  auth: 3,
  /** A workspace, template or agent does not exist (and cannot be created from here), or the workspace is not running. */
  notFound: 4,
  /** A provisioner job (template import or workspace build) failed or was canceled on the server. */
  jobFailed: 5,
  /** SIGHUP (the terminal went away), handled as Ctrl-C: 128 + 1. */
  hangup: 129,
  /** Ctrl-C (SIGINT): 128 + 2. */
  interrupted: 130,
  /** SIGTERM, handled as Ctrl-C: 128 + 15. */
  terminated: 143,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The table as `--help` and the README show it. */
export const EXIT_CODE_TABLE: readonly (readonly [ExitCodeValue, string])[] = [
  [ExitCode.ok, "ok"],
  [ExitCode.api, "Coder API or network error"],
  [ExitCode.usage, "usage error or invalid input (flags, URL, parameter values)"],
  [ExitCode.auth, "authentication: token missing, invalid or not allowed"],
  [ExitCode.notFound, "not found / unavailable (template, agent, workspace not running)"],
  [ExitCode.jobFailed, "provisioner job failed (template import or workspace build)"],
  [ExitCode.hangup, "interrupted by SIGHUP (handled as Ctrl-C)"],
  [ExitCode.interrupted, "interrupted (Ctrl-C, SIGINT)"],
  [ExitCode.terminated, "interrupted by SIGTERM (handled as Ctrl-C)"],
];

/**
 * The signals that stop a command the way Ctrl-C does: SIGTERM (`kill`, a CI runner's timeout) and SIGHUP (the
 * terminal went away) too, as the coder CLI handles them.
 */
export type InterruptSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

/** The exit code of a command stopped by `signal`: 128 + its number, as a shell reports a process it ended. */
export function interruptExitCode(signal: InterruptSignal | undefined): ExitCodeValue {
  if (signal === "SIGTERM") return ExitCode.terminated;
  if (signal === "SIGHUP") return ExitCode.hangup;
  return ExitCode.interrupted;
}

/** The exit-code table as aligned text lines. */
export function exitCodeHelp(): string {
  return [
    "Exit codes:",
    ...EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padStart(3)}  ${text}`),
  ].join("\n");
}

/** The `code` of an error report for a CLI error's exit code: `usage`, `auth`, `not_found`, ... */
export function exitCodeName(exitCode: ExitCodeValue): string {
  switch (exitCode) {
    case ExitCode.usage:
      return "usage";
    case ExitCode.auth:
      return "auth";
    case ExitCode.notFound:
      return "not_found";
    case ExitCode.jobFailed:
      return "job_failed";
    case ExitCode.interrupted:
    case ExitCode.terminated:
    case ExitCode.hangup:
      return "interrupted";
    default:
      return "error";
  }
}
