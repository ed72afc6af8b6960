/**
 * PATCH /templates/{template}: a template's settings, as an unlicensed (AGPL) coderd applies them
 * (`patchTemplateMeta` in `coderd/templates.go`). The body is the whole of the settings: a scalar left out is
 * its zero value (`allow_user_cancel_workspace_jobs: false`, `default_ttl_ms: 0`), only `name` (empty),
 * `display_name`, `description`, `icon` and `use_classic_parameter_flow` (absent) keep what is there. Without a
 * licence the enterprise settings are accepted and dropped: `require_active_version`, a new deprecation message,
 * the autostop requirement, failure and dormancy TTLs and the user autostart/autostop switches stay as they were
 * (the AGPL schedule and access-control stores); a deprecation can only be cleared. A body that changes nothing
 * is a 304 without a body.
 */
import { readBody, tagFailure, throwIfInvalid } from "../body.js";
import { ApiError, forbidden, json } from "../http.js";
import { nowIso } from "../ids.js";
import { displayNameInvalidReason, nameInvalidReason } from "../names.js";
import type { Route } from "../router.js";
import type { TemplateRecord } from "../state.js";
import { isOwner, templateParam } from "./common.js";

interface UpdateTemplateMeta {
  name?: string;
  display_name?: string | null;
  description?: string | null;
  icon?: string | null;
  default_ttl_ms?: number;
  activity_bump_ms?: number;
  allow_user_autostart?: boolean;
  allow_user_autostop?: boolean;
  allow_user_cancel_workspace_jobs?: boolean;
  failure_ttl_ms?: number;
  time_til_dormant_ms?: number;
  time_til_dormant_autodelete_ms?: number;
  require_active_version?: boolean;
  deprecation_message?: string | null;
  use_classic_parameter_flow?: boolean | null;
}

const MUST_BE_POSITIVE = "Must be a positive integer.";

/** Routes of this group. */
export const templateSettingsRoutes: Route[] = [
  {
    method: "PATCH",
    pattern: "/api/v2/templates/{template}",
    handler: async (ctx) => {
      const template = templateParam(ctx);
      if (!isOwner(ctx)) throw forbidden();
      const req = await readBody<UpdateTemplateMeta>(ctx.request, "UpdateTemplateMeta", {
        name: "string",
        display_name: "string",
        description: "string",
        icon: "string",
        default_ttl_ms: "int",
        activity_bump_ms: "int",
        allow_user_autostart: "bool",
        allow_user_autostop: "bool",
        allow_user_cancel_workspace_jobs: "bool",
        failure_ttl_ms: "int",
        time_til_dormant_ms: "int",
        time_til_dormant_autodelete_ms: "int",
        require_active_version: "bool",
        deprecation_message: "string",
        use_classic_parameter_flow: "bool",
      });
      const name = req.name ?? "";
      const failures = [];
      if (name && nameInvalidReason(name)) failures.push(tagFailure("name", "template_name", name));
      if (req.display_name && displayNameInvalidReason(req.display_name)) {
        failures.push(tagFailure("display_name", "template_display_name", req.display_name));
      }
      throwIfInvalid(failures);
      const validations = [];
      if ((req.default_ttl_ms ?? 0) < 0)
        validations.push({ field: "default_ttl_ms", detail: MUST_BE_POSITIVE });
      if ((req.activity_bump_ms ?? 0) < 0) {
        validations.push({ field: "activity_bump_ms", detail: MUST_BE_POSITIVE });
      }
      if (validations.length)
        throw new ApiError(400, "Invalid request to update template metadata!", undefined, validations);

      const next: TemplateRecord = {
        ...template,
        name: name || template.name,
        displayName: req.display_name ?? template.displayName,
        description: req.description ?? template.description,
        icon: req.icon ?? template.icon,
        defaultTtlMs: req.default_ttl_ms ?? 0,
        activityBumpMs: req.activity_bump_ms ?? 0,
        allowUserCancelWorkspaceJobs: req.allow_user_cancel_workspace_jobs ?? false,
        useClassicParameterFlow: req.use_classic_parameter_flow ?? template.useClassicParameterFlow,
        // AGPL: a deprecation can be cleared, not set.
        deprecationMessage: req.deprecation_message === "" ? "" : template.deprecationMessage,
      };
      if (unchanged(template, next, req)) return new Response(null, { status: 304 });
      const clash = ctx.core.state.templateByName(template.organizationId, next.name);
      if (clash && clash.id !== template.id) {
        throw new ApiError(409, `Template with name "${req.name}" already exists.`, undefined, [
          { field: "name", detail: "This value is already in use and should be unique." },
        ]);
      }
      Object.assign(template, next, { updatedAt: nowIso() });
      return json(200, ctx.core.presenter.template(template));
    },
  },
];

/** coderd's "nothing to do" test: every setting as asked equals what is stored (enterprise ones included). */
function unchanged(before: TemplateRecord, after: TemplateRecord, req: UpdateTemplateMeta): boolean {
  const asked = {
    ...after,
    // An empty name keeps the template's, yet counts as a change.
    name: req.name ?? "",
    allowUserAutostart: req.allow_user_autostart ?? false,
    allowUserAutostop: req.allow_user_autostop ?? false,
    failureTtlMs: req.failure_ttl_ms ?? 0,
    dormantTtlMs: req.time_til_dormant_ms ?? 0,
    deleteTtlMs: req.time_til_dormant_autodelete_ms ?? 0,
    requireActiveVersion: req.require_active_version ?? false,
    deprecationMessage: req.deprecation_message ?? before.deprecationMessage,
  };
  return (Object.keys(before) as (keyof TemplateRecord)[]).every((k) => before[k] === asked[k]);
}
