import {
  AgentNotReadyError,
  CoderAbortError,
  CoderApiError,
  CoderAuthError,
  CoderConnectionError,
  CoderError,
  CoderForbiddenError,
  CoderInvalidInputError,
  CoderNotFoundError,
  CoderTimeoutError,
  CoderUnexpectedResponseError,
  MissingBuildParametersError,
  MissingTemplateVariablesError,
  NotCoderServerError,
  OrganizationRequiredError,
  ParameterValidationError,
  ProvisionerJobError,
  TemplateUnavailableError,
  TemplateVersionNotFoundError,
} from "@spt-coder/sdk";
import type { ConfigSource } from "./config.js";
import { CliError } from "./errors.js";
import { ExitCode, type ExitCodeValue } from "./exit-codes.js";
import { type ParameterBlock, ParameterInputError, parameterBlock } from "./parameter-errors.js";
import type { Colors } from "./ui/colors.js";
import { PromptCanceledError } from "./ui/prompt.js";

/** An error as the CLI reports it: text on stderr, or `{ "error": … }` with `-o json`. */
export interface ErrorReport {
  exitCode: ExitCodeValue;
  /** A stable machine-readable class: `usage`, `invalid_parameters`, `auth`, `not_found`, … */
  code: string;
  message: string;
  detail?: string | undefined;
  /** `field: detail` pairs: Coder's validations, or one per bad parameter or missing variable. */
  validations: { field: string; detail: string }[];
  suggestion?: string | undefined;
  status?: number | undefined;
  /** What a failed flow already created on the server. */
  created?: string[] | undefined;
  /** Rejected parameter values, one block each (printed instead of `validations`). */
  parameters?: ParameterBlock[] | undefined;
}

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

function classify(error: unknown, tokenSource: ConfigSource | undefined): ErrorReport {
  const base = { validations: [] as ErrorReport["validations"] };
  if (error instanceof CliError) {
    return {
      ...base,
      exitCode: error.exitCode,
      code: codeName(error.exitCode),
      message: error.message,
      suggestion: error.suggestion,
    };
  }
  if (error instanceof PromptCanceledError || error instanceof CoderAbortError) {
    return { ...base, exitCode: ExitCode.interrupted, code: "interrupted", message: "Interrupted." };
  }
  const lifecycle = classifyLifecycle(error);
  if (lifecycle) return lifecycle;
  if (error instanceof ParameterValidationError || error instanceof ParameterInputError) {
    const flags = error instanceof ParameterInputError ? error.flags : undefined;
    return {
      exitCode: ExitCode.usage,
      code: "invalid_parameters",
      message: `${error.problems.length} parameter value${error.problems.length === 1 ? " was" : "s were"} rejected before any build started:`,
      validations: error.problems.map((p) => ({
        field: p.name,
        detail: p.allowed ? `${p.message} (allowed: ${p.allowed})` : p.message,
      })),
      parameters: error.problems.map((p) => parameterBlock(p, flags)),
      suggestion: "Fix the values as shown and run the command again.",
    };
  }
  if (error instanceof MissingTemplateVariablesError) {
    return {
      exitCode: ExitCode.usage,
      code: "missing_variables",
      message: "The template needs variables that have no value.",
      validations: error.variables.map((v) => ({
        field: v.name,
        detail: `${v.type}${v.sensitive ? ", sensitive" : ""}: ${v.description || "no description"}`,
      })),
      suggestion: "Pass each one with --var name=value.",
    };
  }
  if (error instanceof NotCoderServerError) {
    return {
      ...base,
      exitCode: ExitCode.usage,
      code: "not_coder",
      message: error.message,
      suggestion: "Check --url / CODER_URL: it must be the address of a Coder deployment.",
    };
  }
  if (error instanceof CoderInvalidInputError) {
    return { ...base, exitCode: ExitCode.usage, code: "invalid_input", message: error.message };
  }
  if (error instanceof TemplateUnavailableError) {
    return {
      ...base,
      exitCode: ExitCode.notFound,
      code: "template_unavailable",
      message: error.message.replace(error.remediation, "").trim(),
      suggestion: error.remediation,
    };
  }
  if (error instanceof ProvisionerJobError || error instanceof AgentNotReadyError) {
    return {
      ...base,
      exitCode: ExitCode.jobFailed,
      code: error instanceof ProvisionerJobError ? `${error.kind}_failed` : "agent_not_ready",
      message: error.message,
    };
  }
  if (error instanceof CoderAuthError || error instanceof CoderForbiddenError) {
    return {
      ...apiParts(error),
      exitCode: ExitCode.auth,
      code: "auth",
      suggestion:
        error instanceof CoderAuthError
          ? rejectedTokenHint(tokenSource)
          : "Your user lacks the permission for this; ask a Coder admin or use another organization (--org).",
    };
  }
  if (error instanceof CoderNotFoundError) {
    return { ...apiParts(error), exitCode: ExitCode.notFound, code: "not_found" };
  }
  if (error instanceof CoderApiError) {
    return { ...apiParts(error), exitCode: ExitCode.api, code: "api" };
  }
  if (error instanceof CoderConnectionError) {
    return {
      ...base,
      exitCode: ExitCode.api,
      code: "connection",
      message: error.message,
      suggestion: "Check the URL and your network, or start a local Coder with `spt-coder server`.",
    };
  }
  if (error instanceof CoderTimeoutError || error instanceof CoderUnexpectedResponseError) {
    return { ...base, exitCode: ExitCode.api, code: "api", message: error.message };
  }
  if (error instanceof CoderError) {
    return { ...base, exitCode: ExitCode.api, code: "api", message: error.message };
  }
  return {
    ...base,
    exitCode: ExitCode.api,
    code: "internal",
    message: error instanceof Error ? error.message : String(error),
    suggestion: "This looks like a bug in spt-coder; run again with --verbose for the stack trace.",
  };
}

/** What to fix when Coder rejected the token, named by where the token came from. */
function rejectedTokenHint(source: ConfigSource | undefined): string {
  switch (source) {
    case "environment":
      return "The token came from the environment variable CODER_SESSION_TOKEN: set it to a valid token, or unset it to use the one `spt-coder login <url>` stores.";
    case "flag":
      return "The token came from --token: pass a valid one, or leave it out after `spt-coder login <url>`.";
    case "spt-coder config":
      return "The token stored by `spt-coder login` was rejected (expired?): run `spt-coder login <url>` again.";
    case "coder config":
      return "The token stored by `coder login` was rejected (expired?): run `spt-coder login <url>`, or pass --token.";
    default:
      return "Check the session token: run `spt-coder login <url>`, or pass --token / CODER_SESSION_TOKEN.";
  }
}

function apiParts(error: CoderApiError): Omit<ErrorReport, "exitCode" | "code"> {
  return {
    message: error.apiMessage,
    detail: error.detail || undefined,
    validations: error.validations,
    status: error.status,
  };
}

function codeName(exitCode: ExitCodeValue): string {
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
      return "interrupted";
    default:
      return "error";
  }
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

/** Errors of the lifecycle flows: what a new version needs, which organization, which version. */
function classifyLifecycle(error: unknown): ErrorReport | undefined {
  if (error instanceof MissingBuildParametersError) {
    const n = error.needs.length;
    return {
      exitCode: ExitCode.usage,
      code: "missing_parameters",
      message: `The new template version needs ${n} parameter value${n === 1 ? "" : "s"} the last build does not have; nothing was built:`,
      validations: error.needs.map((need) => ({
        field: need.parameter.name,
        detail:
          need.reason === "invalid"
            ? `the previous value "${need.previousValue}" is no longer accepted: ${need.message}`
            : `required, no value yet${need.parameter.description_plaintext ? ` (${need.parameter.description_plaintext})` : ""}`,
      })),
      suggestion: `Give them with --param name=value (e.g. --param ${error.needs[0]?.parameter.name ?? "name"}=...), or run on a terminal to be asked.`,
    };
  }
  if (error instanceof OrganizationRequiredError) {
    const names = error.organizations.map((o) => o.name);
    return {
      exitCode: ExitCode.usage,
      code: "organization_required",
      // The coder CLI's wording, with the choices.
      message:
        names.length === 0
          ? error.message
          : `Must select an organization with --org=<org_name>. Choose from: ${names.join(", ")}`,
      validations: [],
      suggestion: names[0] ? `For example: --org ${names[0]} (or set CODER_ORGANIZATION).` : undefined,
    };
  }
  if (error instanceof TemplateVersionNotFoundError) {
    return {
      exitCode: ExitCode.notFound,
      code: "template_version_not_found",
      message: error.message,
      validations: [],
      suggestion: `List the versions with: spt-coder templates versions list ${error.template}`,
    };
  }
  return undefined;
}
