// The one error handler of a run: the exit code from the error's class (report-rules.ts), the report as text on
// stderr or as one JSON document on stdout with -o json.
import type { GlobalArgs } from "./command.js";
import type { ConfigSource } from "./config.js";
import { AlreadyReportedError, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { createColors, shouldUseColor } from "./ui/colors.js";
import { renderJson } from "./ui/table.js";

/** The one error handler: exit code from the error's class; text on stderr, or `{ "error": … }` with -o json. */
export async function reportFailure(
  error: unknown,
  argv: readonly string[],
  io: Io,
  args: (GlobalArgs & { output?: string }) | undefined,
  tokenSource: ConfigSource | undefined,
): Promise<number> {
  if (error instanceof AlreadyReportedError) return error.exitCode;
  const { reportError, formatErrorText, errorJson } = await import("./report.js");
  const report = reportError(error, { tokenSource });
  const json = args ? args.output === "json" : wantsJson(argv);
  const verbose = args?.verbose ?? argv.includes("--verbose");
  if (json) {
    io.stdout.write(renderJson(errorJson(report)));
    return report.exitCode;
  }
  const colorFlag = args ? args.color : !argv.includes("--no-color");
  const colors = createColors(shouldUseColor({ flag: colorFlag, env: io.env, isTTY: io.isTTY.stderr }));
  io.stderr.write(formatErrorText(report, error, colors, verbose));
  if (error instanceof UsageError && !args && !error.suggestion) {
    io.stderr.write(colors.dim("Run 'spt-coder --help' (or 'spt-coder <command> --help') for usage.\n"));
  }
  return report.exitCode;
}

/** `-o json` before yargs has parsed (a usage error), so even that failure is one JSON document. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some(
    (a, i) =>
      a === "-ojson" ||
      a === "--output=json" ||
      a === "-o=json" ||
      ((a === "-o" || a === "--output") && argv[i + 1] === "json"),
  );
}
