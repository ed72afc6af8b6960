/** Templates: list, get (also by name), create, promote a version, delete (`coderd/templates.go`). */
import { readBody, tagFailure, throwIfInvalid } from "../body.js";
import { ApiError, forbidden, json, notFound } from "../http.js";
import { newId, nowIso } from "../ids.js";
import { jobStatus } from "../jobs/status.js";
import { displayNameInvalidReason, nameInvalidReason } from "../names.js";
import type { Route, RouteContext } from "../router.js";
import type { TemplateRecord } from "../state.js";
import { canReadOrg, isOwner, organizationParam, page, pagination, templateParam } from "./common.js";

interface CreateTemplateRequest {
  name?: string;
  display_name?: string;
  description?: string;
  icon?: string;
  template_version_id?: string;
  default_ttl_ms?: number;
  activity_bump_ms?: number;
  failure_ttl_ms?: number;
  dormant_ttl_ms?: number;
  delete_ttl_ms?: number;
  allow_user_cancel_workspace_jobs?: boolean | null;
  allow_user_autostart?: boolean;
  allow_user_autostop?: boolean;
  require_active_version?: boolean;
  template_use_classic_parameter_flow?: boolean;
}

const UNIQUE = "This value is already in use and should be unique.";

/** Parses the template search query: `exact_name:x`, `name:x` (substring), `deprecated:true`, bare words. */
function templateFilter(q: string): (t: TemplateRecord) => boolean {
  const terms = q.toLowerCase().split(/\s+/).filter(Boolean);
  let deprecated = false;
  const checks: ((t: TemplateRecord) => boolean)[] = [];
  for (const term of terms) {
    const [key, value = ""] = term.includes(":") ? term.split(/:(.*)/s) : ["name", term];
    if (key === "deprecated") deprecated = value === "true";
    else if (key === "exact_name") checks.push((t) => t.name.toLowerCase() === value);
    else if (key === "name") checks.push((t) => t.name.toLowerCase().includes(value));
  }
  return (t) => !t.deleted && (deprecated || t.deprecationMessage === "") && checks.every((c) => c(t));
}

function listTemplates(ctx: RouteContext, orgId?: string): Response {
  const filter = templateFilter(ctx.url.searchParams.get("q") ?? "");
  const templates = [...ctx.core.state.templates.values()]
    .filter((t) => (orgId ? t.organizationId === orgId : canReadOrg(ctx, t.organizationId)) && filter(t))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return json(
    200,
    templates.map((t) => ctx.core.presenter.template(t)),
  );
}

/** Routes of this group. */
export const templateRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/v2/organizations/{organization}/templates",
    handler: (ctx) => listTemplates(ctx, organizationParam(ctx).id),
  },
  {
    method: "GET",
    pattern: "/api/v2/templates",
    handler: (ctx) => listTemplates(ctx),
  },
  {
    method: "GET",
    pattern: "/api/v2/organizations/{organization}/templates/{templatename}",
    handler: (ctx) => {
      const org = organizationParam(ctx);
      // LOWER(name) = LOWER($2): case-insensitive, deleted templates excluded; missing is the generic 404.
      const template = ctx.core.state.templateByName(org.id, ctx.params.templatename ?? "");
      if (!template) throw notFound();
      return json(200, ctx.core.presenter.template(template));
    },
  },
  {
    method: "POST",
    pattern: "/api/v2/organizations/{organization}/templates",
    handler: async (ctx) => {
      const org = organizationParam(ctx);
      if (!isOwner(ctx)) throw forbidden();
      const req = await readBody<CreateTemplateRequest>(ctx.request, "CreateTemplateRequest", {
        name: "string",
        display_name: "string",
        description: "string",
        icon: "string",
        template_version_id: "uuid",
        default_ttl_ms: "int",
        activity_bump_ms: "int",
        failure_ttl_ms: "int",
        dormant_ttl_ms: "int",
        delete_ttl_ms: "int",
        allow_user_cancel_workspace_jobs: "bool",
        allow_user_autostart: "bool",
        allow_user_autostop: "bool",
        require_active_version: "bool",
        template_use_classic_parameter_flow: "bool",
      });
      const name = req.name ?? "";
      const failures = [];
      if (nameInvalidReason(name)) failures.push(tagFailure("name", "template_name", name));
      if (req.display_name && displayNameInvalidReason(req.display_name)) {
        failures.push(tagFailure("display_name", "template_display_name", req.display_name));
      }
      if ((req.description ?? "").length >= 128)
        failures.push(tagFailure("description", "lt", req.description));
      if (!req.template_version_id)
        failures.push(tagFailure("template_version_id", "required", "00000000-0000-0000-0000-000000000000"));
      throwIfInvalid(failures);
      const { state } = ctx.core;
      if (state.templateByName(org.id, name)) {
        throw new ApiError(409, `Template with name "${name}" already exists.`, undefined, [
          { field: "name", detail: UNIQUE },
        ]);
      }
      const versionId = req.template_version_id!.toLowerCase();
      const version = state.templateVersions.get(versionId);
      if (!version || version.organizationId !== org.id) {
        throw new ApiError(404, `Template version "${versionId}" does not exist.`, undefined, [
          { field: "template_version_id", detail: "Template version does not exist" },
        ]);
      }
      if (version.archived) {
        throw new ApiError(400, `Template version ${versionId} is archived.`, undefined, [
          { field: "template_version_id", detail: "Template version is archived" },
        ]);
      }
      if (version.templateId)
        throw new ApiError(400, `Template version ${versionId} is already part of a template`);
      const now = nowIso();
      const template: TemplateRecord = {
        id: newId(),
        organizationId: org.id,
        name,
        displayName: req.display_name ?? "",
        description: req.description ?? "",
        icon: req.icon ?? "",
        activeVersionId: version.id,
        createdBy: ctx.user.id,
        createdAt: now,
        updatedAt: now,
        deleted: false,
        deprecationMessage: "",
        defaultTtlMs: req.default_ttl_ms ?? 0,
        activityBumpMs: req.activity_bump_ms ?? 3_600_000,
        failureTtlMs: req.failure_ttl_ms ?? 0,
        dormantTtlMs: req.dormant_ttl_ms ?? 0,
        deleteTtlMs: req.delete_ttl_ms ?? 0,
        allowUserAutostart: req.allow_user_autostart ?? true,
        allowUserAutostop: req.allow_user_autostop ?? true,
        // Omitted (or null) means true.
        allowUserCancelWorkspaceJobs: req.allow_user_cancel_workspace_jobs ?? true,
        requireActiveVersion: req.require_active_version ?? false,
        // The handler defaults this to false (dynamic parameters), whatever upstream's comment says.
        useClassicParameterFlow: req.template_use_classic_parameter_flow ?? false,
      };
      state.templates.set(template.id, template);
      version.templateId = template.id;
      version.updatedAt = now;
      return json(201, ctx.core.presenter.template(template));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templates/{template}",
    handler: (ctx) => json(200, ctx.core.presenter.template(templateParam(ctx))),
  },
  {
    method: "DELETE",
    pattern: "/api/v2/templates/{template}",
    handler: (ctx) => {
      const template = templateParam(ctx);
      if (!isOwner(ctx)) throw forbidden();
      const inUse = [...ctx.core.state.workspaces.values()].some(
        (w) => w.templateId === template.id && !w.deleted,
      );
      if (inUse) throw new ApiError(400, "All workspaces must be deleted before a template can be removed.");
      template.deleted = true;
      template.updatedAt = nowIso();
      return json(200, { message: "Template has been deleted!" });
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templates/{template}/versions",
    handler: (ctx) => {
      const template = templateParam(ctx);
      const includeArchived = ctx.url.searchParams.get("include_archived") === "true";
      let versions = [...ctx.core.state.templateVersions.values()]
        .filter((v) => v.templateId === template.id && (includeArchived || !v.archived))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      const afterId = ctx.url.searchParams.get("after_id");
      if (afterId) {
        const index = versions.findIndex((v) => v.id === afterId.toLowerCase());
        if (index < 0) {
          throw new ApiError(400, `Record at "after_id" (${afterId}) does not exists.`);
        }
        versions = versions.slice(index + 1);
      }
      return json(
        200,
        page(versions, pagination(ctx)).map((v) => ctx.core.presenter.templateVersion(v, "never")),
      );
    },
  },
  {
    method: "PATCH",
    pattern: "/api/v2/templates/{template}/versions",
    handler: async (ctx) => {
      const template = templateParam(ctx);
      if (!isOwner(ctx)) throw forbidden();
      const req = await readBody<{ id?: string }>(ctx.request, "UpdateActiveTemplateVersion", { id: "uuid" });
      throwIfInvalid(req.id ? [] : [tagFailure("id", "required", "00000000-0000-0000-0000-000000000000")]);
      const version = ctx.core.state.templateVersions.get(req.id!.toLowerCase());
      if (!version) throw new ApiError(404, "Template version not found.");
      if (version.templateId !== template.id) {
        throw new ApiError(400, "The provided template version doesn't belong to the specified template.");
      }
      // coderd checks the job before the archive flag.
      const status = jobStatus(ctx.core.state.job(version.jobId));
      if (status !== "succeeded") {
        throw new ApiError(
          403,
          "Only versions that have been built successfully can be promoted.",
          `Attempted to promote a version with a ${status} build`,
        );
      }
      if (version.archived) throw new ApiError(400, "The provided template version is archived.");
      template.activeVersionId = version.id;
      template.updatedAt = nowIso();
      return json(200, { message: "Updated the active template version!" });
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templates/{template}/versions/{templateversionname}",
    handler: (ctx) => versionByName(ctx, templateParam(ctx)),
  },
];

/** Version names match case-sensitively, unlike template and workspace names. */
function versionByName(ctx: RouteContext, template: TemplateRecord): Response {
  const name = ctx.params.templateversionname ?? "";
  const version = [...ctx.core.state.templateVersions.values()].find(
    (v) => v.templateId === template.id && v.name === name,
  );
  if (!version) throw new ApiError(404, `No template version found by name "${name}".`);
  return json(200, ctx.core.presenter.templateVersion(version));
}
