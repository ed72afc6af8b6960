import { CoderApiError, CoderError } from "@spt-coder/sdk";
import type { ConfigSource } from "./config.js";
import type { ParameterBlock } from "./parameter-errors.js";
import { classify, type ErrorReport } from "./report-rules.js";
import type { Colors } from "./ui/colors.js";

export type { ErrorReport };

/**
 * The one place that maps an error to an exit code and to Coder-style parts (message, validations,
 * suggestion). Classes are checked from the most specific to the most general.
 */
export function reportError(
  error: unknown,
  run: { tokenSource?: ConfigSource | undefined } = {},
): ErrorReport {
  const report = classify(error, run.tokenSource);
  // Any SDK error raised after a flow created something says what exists, whatever its class.
  return error instanceof CoderError && error.created.length ? { ...report, created: error.created } : report;
}

/**
 * Coder's layout (cli/root.go): the message, the validations as `field: detail` lines, then `Suggestion:`.
 * With `verbose`, the request and the stack trace follow.
 */
export function formatErrorText(
  report: ErrorReport,
  error: unknown,
  colors: Colors,
  verbose: boolean,
): string {
  const lines = [colors.red(colors.bold(`error: ${report.message}`))];
  if (report.detail) lines.push(report.detail);
  if (report.parameters?.length) {
    for (const block of report.parameters) lines.push(...parameterLines(block, colors));
  } else if (report.validations.length > 0) {
    const n = report.validations.length;
    if (report.code !== "invalid_parameters" && report.code !== "missing_variables") {
      lines.push(`${n} validation error${n === 1 ? "" : "s"} found`);
    }
    for (const v of report.validations) lines.push(`  ${colors.bold(v.field)}: ${v.detail}`);
  }
  // The SDK's flow errors end their message with this line; reports built from Coder's own message lack it.
  const created = report.created?.length ? `Already created: ${report.created.join(", ")}.` : "";
  if (created && !report.message.endsWith(created)) lines.push(created);
  if (report.suggestion) lines.push(`${colors.bold("Suggestion:")} ${report.suggestion}`);
  if (verbose) {
    if (error instanceof CoderApiError) {
      lines.push(
        colors.dim(`API request error to "${error.method}:${error.path}". Status code ${error.status}`),
      );
    }
    if (error instanceof Error && error.stack) lines.push(colors.dim(error.stack));
  }
  return `${lines.join("\n")}\n`;
}

/** One parameter's block: its name, then the problem, the accepted values and the flag, indented. */
function parameterLines(block: ParameterBlock, colors: Colors): string[] {
  return [
    `  ${colors.bold(block.name)}`,
    ...block.problem.map((l) => `    ${l}`),
    ...(block.accepted ? [`    accepted: ${block.accepted}`] : []),
    `    set with: ${block.flag}`,
  ];
}

/** `{ "error": … }` for `-o json`, without undefined fields. */
export function errorJson(report: ErrorReport): { error: Record<string, unknown> } {
  const { exitCode, code, message, detail, validations, suggestion, status, created, parameters } = report;
  return {
    error: {
      code,
      exit_code: exitCode,
      message,
      ...(detail ? { detail } : {}),
      ...(validations.length ? { validations } : {}),
      ...(suggestion ? { suggestion } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(created?.length ? { created } : {}),
      ...(parameters?.length ? { parameters } : {}),
    },
  };
}
