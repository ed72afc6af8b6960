/** Errors of the evaluator as Coder's `FriendlyDiagnostic`s. */
import type { FriendlyDiagnostic } from "../api-types.js";
import { ExpressionError, UnsupportedConstruct } from "../expressions/index.js";

/** An error diagnostic. */
export function errorDiagnostic(summary: string, detail: string, code = ""): FriendlyDiagnostic {
  return { severity: "error", summary, detail, extra: { code } };
}

/**
 * Any failure while evaluating `where` (e.g. `default of data.coder_parameter.region`) as a diagnostic. A construct
 * outside the supported subset says so by name, so a test never gets a silently wrong value.
 */
export function diagnosticOf(err: unknown, where: string): FriendlyDiagnostic {
  if (err instanceof UnsupportedConstruct) {
    return errorDiagnostic(
      "Unsupported expression",
      `${err.construct} (in the ${where}) is not supported by the fake Coder's parameter evaluator.`,
      "fake_unsupported",
    );
  }
  if (err instanceof ExpressionError) return errorDiagnostic(err.summary, `${err.message} (in the ${where})`);
  throw err;
}

/** coderd's `DiagnosticsErrorString`: one diagnostic as `summary; detail`, more with a count of the others. */
export function diagnosticsText(diags: FriendlyDiagnostic[]): string {
  if (diags.length === 0) return "no diagnostics";
  const first = diags.find((d) => d.severity === "error") ?? diags[0]!;
  const text = `${first.summary}; ${first.detail}`;
  return diags.length === 1 ? text : `${text}, and ${diags.length - 1} other diagnostic(s)`;
}
