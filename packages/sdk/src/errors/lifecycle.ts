import type { Organization, TemplateVersionParameter } from "../types.js";
import { CoderError, CoderInvalidInputError } from "./base.js";
import { type ParameterProblem, ParameterValidationError } from "./flows.js";

/**
 * No organization was named and the user belongs to several (or none). The coder CLI stops the same way, with
 * "Must select an organization with --org=<org_name>"; `organizations` lists the choices.
 */
export class OrganizationRequiredError extends CoderInvalidInputError {
  override name = "OrganizationRequiredError";
  readonly organizations: Organization[];
  constructor(organizations: Organization[]) {
    const names = organizations.map((o) => o.name);
    super(
      names.length === 0
        ? "You are not a member of any organization; ask an administrator to add you to one."
        : `You belong to ${names.length} organizations (${names.join(", ")}); name one with the \`org\` option.`,
    );
    this.organizations = organizations;
  }
}

/** A template version named by the caller does not exist in the template. */
export class TemplateVersionNotFoundError extends CoderError {
  override name = "TemplateVersionNotFoundError";
  readonly template: string;
  readonly version: string;
  constructor(template: string, version: string) {
    super(`Template "${template}" has no version named "${version}" (names are case-sensitive).`);
    this.template = template;
    this.version = version;
  }
}

/**
 * A new workspace was asked for on an archived template version. Coder refuses that (with a 500 and "Archived
 * template versions cannot be used to make a workspace."), though it still builds existing workspaces on one.
 */
export class TemplateVersionArchivedError extends CoderError {
  override name = "TemplateVersionArchivedError";
  readonly template: string;
  readonly version: string;
  constructor(template: string, version: string) {
    super(
      `Version "${version}" of template "${template}" is archived: Coder makes no new workspace from it.`,
    );
    this.template = template;
    this.version = version;
  }
}

/** Why an update needs a value for a parameter. */
export type UpdateNeedReason = "missing" | "invalid";

/** One parameter the new version needs a value for before an update can build. */
export interface UpdateParameterNeed {
  parameter: TemplateVersionParameter;
  reason: UpdateNeedReason;
  /** The last build's value, when it exists but is no longer accepted. */
  previousValue?: string | undefined;
  /** Why the previous value is refused (Coder's text), for `invalid`. */
  message: string;
}

/**
 * An update (or a start that moves to a new version) needs values that neither the last build nor the caller
 * gave: every one is listed at once, as a {@link ParameterValidationError} (exit 2 in the CLI).
 */
export class MissingBuildParametersError extends ParameterValidationError {
  override name = "MissingBuildParametersError";
  readonly needs: UpdateParameterNeed[];
  constructor(needs: UpdateParameterNeed[]) {
    super(needs.map(needProblem));
    this.needs = needs;
  }
}

function needProblem(need: UpdateParameterNeed): ParameterProblem {
  return { name: need.parameter.name, message: need.message };
}
