import type { FriendlyDiagnostic, ProvisionerJob, TemplateVersionVariable } from "../types.js";
import { CoderError, CoderInvalidInputError } from "./base.js";

/** The URL answered, but not as Coder does (no build info, an HTML page, another API). */
export class NotCoderServerError extends CoderInvalidInputError {
  override name = "NotCoderServerError";
}

/** One rejected parameter value, with the rule a person needs to fix it. */
export interface ParameterProblem {
  name: string;
  message: string;
  /** The allowed values or the rule, e.g. `one of: a, b` or `an integer from 1 to 10`. */
  allowed?: string | undefined;
  /** The server's diagnostics for this parameter (dynamic templates), severity, summary and detail as sent. */
  diagnostics?: FriendlyDiagnostic[] | undefined;
}

/** Parameter values were rejected on the client, before any build: every problem at once. */
export class ParameterValidationError extends CoderInvalidInputError {
  override name = "ParameterValidationError";
  readonly problems: ParameterProblem[];
  constructor(problems: ParameterProblem[]) {
    super(
      [
        `${problems.length} parameter problem${problems.length === 1 ? "" : "s"}:`,
        ...problems.map((p) => `  - ${p.name}: ${p.message}${p.allowed ? ` (allowed: ${p.allowed})` : ""}`),
      ].join("\n"),
    );
    this.problems = problems;
  }
}

/** The template is not in the organization and there is no local folder to push it from. */
export class TemplateUnavailableError extends CoderError {
  override name = "TemplateUnavailableError";
  readonly template: string;
  readonly organization: string;
  constructor(template: string, organization: string) {
    super(
      `Template "${template}" was not found in organization "${organization}", and no template folder was given to push it from.`,
    );
    this.template = template;
    this.organization = organization;
  }
}

/** Base of flow failures that may have left things behind; `created` lists them so callers can say so. */
export class CoderFlowError extends CoderError {
  override name = "CoderFlowError";
  constructor(message: string, created: string[], options?: { cause?: unknown }) {
    super(message + alreadyCreated(created), options);
    this.created = created;
  }
}

/** The line a flow error ends with when things exist: `\nAlready created: a, b.` (empty when none). */
export function alreadyCreated(created: readonly string[]): string {
  return created.length ? `\nAlready created: ${created.join(", ")}.` : "";
}

/**
 * Notes on an error thrown after a flow's creation points what exists by then, in `created` and in the message,
 * keeping its class (a 401 stays a `CoderAuthError`). Errors that already say what exists are left as they are.
 */
export function withCreated(error: unknown, created: readonly string[]): unknown {
  if (!(error instanceof CoderError) || error.created.length || !created.length) return error;
  error.created = [...created];
  error.message += alreadyCreated(created);
  return error;
}

/** The template import stopped because required Terraform variables have no value. */
export class MissingTemplateVariablesError extends CoderFlowError {
  override name = "MissingTemplateVariablesError";
  readonly variables: TemplateVersionVariable[];
  readonly versionId: string;
  constructor(variables: TemplateVersionVariable[], versionId: string, created: string[]) {
    super(
      [
        `The template needs ${variables.length} variable${variables.length === 1 ? "" : "s"} with no value:`,
        ...variables.map(
          (v) =>
            `  - ${v.name} (${v.type}${v.sensitive ? ", sensitive" : ""}): ${v.description || "no description"}`,
        ),
      ].join("\n"),
      created,
    );
    this.variables = variables;
    this.versionId = versionId;
  }
}

/** A provisioner job (template import or workspace build) failed or was canceled. */
export class ProvisionerJobError extends CoderFlowError {
  override name = "ProvisionerJobError";
  readonly job: ProvisionerJob;
  readonly kind: "import" | "build";
  readonly lastLogs: string[];
  constructor(kind: "import" | "build", job: ProvisionerJob, lastLogs: string[], created: string[]) {
    const what = kind === "import" ? "The template import" : "The workspace build";
    const how = job.status === "canceled" ? "was canceled" : `failed: ${job.error || "no error message"}`;
    const code = job.error_code ? ` [${job.error_code}]` : "";
    const tail = lastLogs.length ? `\nLast log lines:\n${lastLogs.map((l) => `  ${l}`).join("\n")}` : "";
    super(`${what} ${how}${code}${tail}`, created);
    this.job = job;
    this.kind = kind;
    this.lastLogs = lastLogs;
  }
}

/** The workspace agent did not become ready before the deadline, or is shutting down. */
export class AgentNotReadyError extends CoderFlowError {
  override name = "AgentNotReadyError";
}
