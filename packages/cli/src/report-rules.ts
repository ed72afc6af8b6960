// The table that maps an error to the CLI's report (exit code, code, message, suggestion): one rule per class,
// the most specific first. report.ts formats what it gives.
import {
  AgentChoiceError,
  AgentNotReadyError,
  ArchiveEncodingError,
  CanceledError,
  CoderApiError,
  CoderAuthError,
  CoderConnectionError,
  CoderError,
  CoderForbiddenError,
  CoderInvalidInputError,
  CoderNotFoundError,
  ExecError,
  ExecTimeoutError,
  InvalidCoderUrlError,
  MissingBuildParametersError,
  MissingTemplateVariablesError,
  NotCoderServerError,
  OrganizationRequiredError,
  ParameterValidationError,
  ProvisionerJobError,
  TemplateArchiveError,
  TemplateUnavailableError,
  TemplateVersionArchivedError,
  TemplateVersionNotFoundError,
  WorkspaceNotRunningError,
} from "@spt-coder/sdk";
import { type ConfigSource, rejectedTokenHint } from "./config.js";
import { CliError } from "./errors.js";
import { ExitCode, type ExitCodeValue, exitCodeName } from "./exit-codes.js";
import {
  type ParameterBlock,
  ParameterInputError,
  parameterBlock,
  problemDetail,
} from "./parameter-errors.js";

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

/** How one class of error is reported: `matches` picks it, `report` builds its parts. Order matters: first wins. */
interface ReportRule {
  matches(error: unknown): boolean;
  report(error: unknown, tokenSource: ConfigSource | undefined): ErrorReport;
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** A rule for errors of any of `classes`. */
function when<E>(
  classes: readonly ErrorClass<E>[],
  report: (error: E, tokenSource: ConfigSource | undefined) => ErrorReport,
): ReportRule {
  return { matches: (e) => classes.some((c) => e instanceof c), report: (e, t) => report(e as E, t) };
}

const noValidations = { validations: [] as ErrorReport["validations"] };

/** A raw abort reason (a DOMException named AbortError) that reached the CLI unwrapped: a cancel all the same. */
function isCanceled(error: unknown): boolean {
  return error instanceof CanceledError || (error instanceof Error && error.name === "AbortError");
}

function internal(error: unknown): ErrorReport {
  return {
    ...noValidations,
    exitCode: ExitCode.api,
    code: "internal",
    message: error instanceof Error ? error.message : String(error),
    suggestion: "This looks like a bug in spt-coder; run again with --verbose for the stack trace.",
  };
}

/** The table, from the most specific class to the most general; anything else is {@link internal}. */
const RULES: readonly ReportRule[] = [
  // Every cancellation, mapped once: the SDK's CanceledError family (CoderAbortError) and raw abort reasons.
  {
    matches: isCanceled,
    report: () => ({
      ...noValidations,
      exitCode: ExitCode.interrupted,
      code: "interrupted",
      message: "Interrupted.",
    }),
  },
  // Before ParameterValidationError, which it extends.
  when([MissingBuildParametersError], (e) => {
    const n = e.needs.length;
    return {
      exitCode: ExitCode.usage,
      code: "missing_parameters",
      message: `The new template version needs ${n} parameter value${n === 1 ? "" : "s"} the last build does not have; nothing was built:`,
      validations: e.needs.map((need) => ({
        field: need.parameter.name,
        detail:
          need.reason === "invalid"
            ? `the previous value "${need.previousValue}" is no longer accepted: ${need.message}`
            : `required, no value yet${need.parameter.description_plaintext ? ` (${need.parameter.description_plaintext})` : ""}`,
      })),
      suggestion: `Give them with --param name=value (e.g. --param ${e.needs[0]?.parameter.name ?? "name"}=...), or run on a terminal to be asked.`,
    };
  }),
  // Before CliError: a ParameterInputError is a UsageError that says which flag each value came from.
  when<ParameterValidationError | ParameterInputError>(
    [ParameterValidationError, ParameterInputError],
    (e) => {
      const flags = e instanceof ParameterInputError ? e.flags : undefined;
      return {
        exitCode: ExitCode.usage,
        code: "invalid_parameters",
        message: `${e.problems.length} parameter value${e.problems.length === 1 ? " was" : "s were"} rejected before any build started:`,
        validations: e.problems.map((p) => ({ field: p.name, detail: problemDetail(p) })),
        parameters: e.problems.map((p) => parameterBlock(p, flags)),
        suggestion: "Fix the values as shown and run the command again.",
      };
    },
  ),
  when([CliError], (e) => ({
    ...noValidations,
    exitCode: e.exitCode,
    code: exitCodeName(e.exitCode),
    message: e.message,
    suggestion: e.suggestion,
  })),
  when([OrganizationRequiredError], (e) => {
    const names = e.organizations.map((o) => o.name);
    return {
      exitCode: ExitCode.usage,
      code: "organization_required",
      // The coder CLI's wording, with the choices.
      message:
        names.length === 0
          ? e.message
          : `Must select an organization with --org=<org_name>. Choose from: ${names.join(", ")}`,
      validations: [],
      suggestion: names[0] ? `For example: --org ${names[0]} (or set CODER_ORGANIZATION).` : undefined,
    };
  }),
  when([TemplateVersionNotFoundError], (e) => ({
    exitCode: ExitCode.notFound,
    code: "template_version_not_found",
    message: e.message,
    validations: [],
    suggestion: `List the versions with: spt-coder templates versions list ${e.template}`,
  })),
  when([TemplateVersionArchivedError], (e) => ({
    exitCode: ExitCode.notFound,
    code: "template_version_archived",
    message: e.message,
    validations: [],
    suggestion: `Unarchive it with: spt-coder templates versions unarchive ${e.template} ${e.version} (or leave out --template-version for the active one)`,
  })),
  when([MissingTemplateVariablesError], (e) => ({
    exitCode: ExitCode.usage,
    code: "missing_variables",
    message: "The template needs variables that have no value.",
    validations: e.variables.map((v) => ({
      field: v.name,
      detail: `${v.type}${v.sensitive ? ", sensitive" : ""}: ${v.description || "no description"}`,
    })),
    suggestion: "Pass each one with --var name=value.",
  })),
  // Before CoderInvalidInputError, which it extends.
  when([AgentChoiceError], (e) => ({
    ...noValidations,
    exitCode: e.reason === "ambiguous" ? ExitCode.usage : ExitCode.notFound,
    code: { ambiguous: "agent_required", unknown: "agent_not_found", none: "no_agent" }[e.reason],
    message: e.message,
    suggestion: e.agents[0] ? `Name one with --agent, e.g. --agent ${e.agents[0]}` : undefined,
  })),
  when([NotCoderServerError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.usage,
    code: "not_coder",
    message: e.message,
    suggestion:
      "Check --url / CODER_URL: it must be the address you open Coder at in a browser; or start a local Coder with `spt-coder server`.",
  })),
  when([InvalidCoderUrlError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.usage,
    code: "invalid_input",
    message: e.message,
    suggestion: e.credentials
      ? "Remove the user:password@ part and give the session token in CODER_SESSION_TOKEN (or `spt-coder login <url> --token-stdin`)."
      : undefined,
  })),
  when([TemplateArchiveError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.usage,
    code: "invalid_input",
    message: e.message,
    suggestion: e.variablesFile
      ? `Fix ${e.path ?? "the variables file"}, or move it out of the template folder and pass its values with --var name=value.`
      : undefined,
  })),
  when([CoderInvalidInputError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.usage,
    code: "invalid_input",
    message: e.message,
  })),
  when([TemplateUnavailableError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.notFound,
    code: "template_unavailable",
    message: e.message,
    suggestion:
      `Push it first (spt-coder push --template ${e.template} --template-dir <folder with main.tf>), ` +
      "pass --template-dir to let up push it, or pick an existing template with --template.",
  })),
  when<ProvisionerJobError | AgentNotReadyError>([ProvisionerJobError, AgentNotReadyError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.jobFailed,
    code: e instanceof ProvisionerJobError ? `${e.kind}_failed` : "agent_not_ready",
    message: e.message,
  })),
  when([WorkspaceNotRunningError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.notFound,
    code: "workspace_not_running",
    message: e.message,
    suggestion: `Start it with: spt-coder start ${e.workspace}`,
  })),
  when([ExecTimeoutError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.api,
    code: "exec_timeout",
    message: e.message,
    suggestion: "Give it longer with --timeout <seconds>.",
  })),
  when([ExecError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.api,
    code: `exec_${e.reason}`,
    message: e.message,
  })),
  when<CoderAuthError | CoderForbiddenError>([CoderAuthError, CoderForbiddenError], (e, tokenSource) => ({
    ...apiParts(e),
    exitCode: ExitCode.auth,
    code: "auth",
    suggestion:
      e instanceof CoderAuthError
        ? rejectedTokenHint(tokenSource)
        : "Your user lacks the permission for this; ask a Coder admin or use another organization (--org).",
  })),
  when([CoderNotFoundError], (e) => ({ ...apiParts(e), exitCode: ExitCode.notFound, code: "not_found" })),
  when([CoderApiError], (e) => ({ ...apiParts(e), exitCode: ExitCode.api, code: "api" })),
  when([CoderConnectionError], (e) => ({
    ...noValidations,
    exitCode: ExitCode.api,
    code: "connection",
    message: e.message,
    suggestion: "Check the URL and your network, or start a local Coder with `spt-coder server`.",
  })),
  // The ustar writer's guard: packing checks names first, so reaching it is a bug, reported as one.
  when([ArchiveEncodingError], internal),
  when([CoderError], (e) => ({ ...noValidations, exitCode: ExitCode.api, code: "api", message: e.message })),
];

export function classify(error: unknown, tokenSource: ConfigSource | undefined): ErrorReport {
  return RULES.find((rule) => rule.matches(error))?.report(error, tokenSource) ?? internal(error);
}

function apiParts(error: CoderApiError): Omit<ErrorReport, "exitCode" | "code"> {
  return {
    message: error.apiMessage,
    detail: error.detail || undefined,
    validations: error.validations,
    status: error.status,
  };
}
