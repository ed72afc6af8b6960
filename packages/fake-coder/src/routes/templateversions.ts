/**
 * Template versions (`coderd/templateversions.go`): create (which starts the import job), read, logs, cancel,
 * variables, rich parameters, resources, presets, external auth and dry runs.
 */
import { readBody, tagFailure, throwIfInvalid } from "../body.js";
import { previewCheck } from "../dynamic/preview-check.js";
import { ApiError, forbidden, json, notFound } from "../http.js";
import { newId, nowIso } from "../ids.js";
import { generateVersionName, versionNameInvalidReason } from "../names.js";
import { matchedProvisioners } from "../present/jobs.js";
import type { Route, RouteContext } from "../router.js";
import type { JobRecord, TemplateRecord, TemplateVersionRecord, VariableValue } from "../state.js";
import { isOwner, organizationParam, uuidParam, versionParam } from "./common.js";
import { jobLogs } from "./logs.js";

interface CreateTemplateVersionRequest {
  name?: string;
  message?: string;
  template_id?: string | null;
  storage_method?: string;
  file_id?: string | null;
  example_id?: string;
  provisioner?: string;
  tags?: Record<string, string> | null;
  user_variable_values?: VariableValue[] | null;
}

const NOT_FINISHED = "Template version job has not finished";
const UNIQUE = "This value is already in use and should be unique.";

/** `provisionersdk.MutateTags`: `scope` defaults to organization; a user scope is owned by the uploader. */
function mutateTags(userId: string, tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...tags };
  if (!out.scope) out.scope = "organization";
  if (out.scope === "user") out.owner = userId;
  else out.owner = "";
  return out;
}

function validate(req: CreateTemplateVersionRequest): void {
  const failures = [];
  if (req.name && versionNameInvalidReason(req.name))
    failures.push(tagFailure("name", "template_version_name", req.name));
  if ((req.message ?? "").length >= 1_048_577) failures.push(tagFailure("message", "lt", "…"));
  if (req.storage_method !== "file")
    failures.push(tagFailure("storage_method", "oneof", req.storage_method ?? ""));
  if (!req.file_id && !req.example_id) {
    failures.push(tagFailure("file_id", "required_without", "00000000-0000-0000-0000-000000000000"));
    failures.push(tagFailure("example_id", "required_without", ""));
  }
  if (req.provisioner !== "terraform" && req.provisioner !== "echo") {
    failures.push(tagFailure("provisioner", "oneof", req.provisioner ?? ""));
  }
  throwIfInvalid(failures);
  if (req.file_id && req.example_id)
    throw new ApiError(400, "You cannot specify both an example_id and a file_id.");
}

function cancelJob(ctx: RouteContext, job: JobRecord): Response {
  if (job.completedAt) throw new ApiError(400, "Job has already completed!");
  if (job.canceledAt) throw new ApiError(400, "Job has already been marked as canceled!");
  ctx.core.jobs.cancel(job);
  return json(200, { message: "Job has been marked as canceled..." });
}

function dryRunJob(ctx: RouteContext, version: TemplateVersionRecord): JobRecord {
  const job = ctx.core.state.jobs.get(uuidParam(ctx, "jobID"));
  if (job?.type !== "template_version_dry_run" || job.templateVersionId !== version.id) throw notFound();
  return job;
}

/** Routes of this group. */
export const templateVersionRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/v2/organizations/{organization}/templateversions",
    handler: async (ctx) => {
      const org = organizationParam(ctx);
      if (!isOwner(ctx)) throw forbidden();
      const req = await readBody<CreateTemplateVersionRequest>(ctx.request, "CreateTemplateVersionRequest", {
        name: "string",
        message: "string",
        template_id: "uuid",
        storage_method: "string",
        file_id: "uuid",
        example_id: "string",
        provisioner: "string",
        tags: "map",
        user_variable_values: "pairs",
      });
      validate(req);
      const { state } = ctx.core;
      let template: TemplateRecord | undefined;
      if (req.template_id) {
        template = state.templates.get(req.template_id.toLowerCase());
        if (!template || template.deleted || template.organizationId !== org.id) {
          throw new ApiError(404, `Template with ID "${req.template_id}" not found.`);
        }
      }
      if (req.example_id)
        throw new ApiError(
          404,
          `Example "${req.example_id}" not found.`,
          "fake-coder has no starter templates.",
        );
      const file = state.files.get(req.file_id!.toLowerCase());
      if (!file) throw new ApiError(404, "File not found.");
      const siblings = [...state.templateVersions.values()].filter(
        (v) => template && v.templateId === template.id,
      );
      if (req.name && siblings.some((v) => v.name === req.name)) {
        throw new ApiError(
          409,
          `A template version with name "${req.name}" already exists for this template.`,
          undefined,
          [{ field: "name", detail: UNIQUE }],
        );
      }
      if (!template?.useClassicParameterFlow) await previewCheck(file.data);
      let name = req.name || generateVersionName();
      while (!req.name && siblings.some((v) => v.name === name)) name = generateVersionName();
      const job = ctx.core.jobs.create({
        type: "template_version_import",
        fileId: file.id,
        organizationId: org.id,
        initiatorId: ctx.user.id,
        tags: mutateTags(ctx.user.id, req.tags ?? {}),
      });
      const now = nowIso();
      const version: TemplateVersionRecord = {
        id: newId(),
        templateId: template?.id ?? null,
        organizationId: org.id,
        name,
        message: req.message ?? "",
        readme: "",
        createdBy: ctx.user.id,
        createdAt: now,
        updatedAt: now,
        jobId: job.id,
        archived: false,
        fileId: file.id,
        userVariableValues: (req.user_variable_values ?? []).map((v) => ({
          name: v.name ?? "",
          value: v.value ?? "",
        })),
        parameters: [],
        variables: [],
      };
      job.templateVersionId = version.id;
      state.templateVersions.set(version.id, version);
      ctx.core.jobs.startImport(version);
      return json(201, ctx.core.presenter.templateVersion(version, "always"));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}",
    handler: (ctx) => json(200, ctx.core.presenter.templateVersion(versionParam(ctx))),
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/logs",
    handler: (ctx) => jobLogs(ctx, ctx.core.state.job(versionParam(ctx).jobId)),
  },
  {
    method: "PATCH",
    pattern: "/api/v2/templateversions/{templateversion}/cancel",
    handler: (ctx) => {
      const version = versionParam(ctx);
      if (!isOwner(ctx)) throw forbidden();
      return cancelJob(ctx, ctx.core.state.job(version.jobId));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/variables",
    handler: (ctx) => {
      const version = versionParam(ctx);
      // 403 here, where /rich-parameters says 425: coderd's own inconsistency.
      if (!ctx.core.state.job(version.jobId).completedAt) throw new ApiError(403, NOT_FINISHED);
      return json(200, ctx.core.presenter.variables(version));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/rich-parameters",
    handler: (ctx) => {
      const version = versionParam(ctx);
      if (!ctx.core.state.job(version.jobId).completedAt) throw new ApiError(425, NOT_FINISHED);
      return json(200, version.parameters);
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/external-auth",
    handler: (ctx) => {
      versionParam(ctx);
      return json(200, []);
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/resources",
    handler: (ctx) => {
      const job = ctx.core.state.job(versionParam(ctx).jobId);
      if (!job.completedAt) throw new ApiError(400, "Job hasn't completed!");
      return json(
        200,
        job.resources.map((r) => ctx.core.presenter.resource(r)),
      );
    },
  },
  {
    method: "POST",
    pattern: "/api/v2/templateversions/{templateversion}/dry-run",
    handler: async (ctx) => {
      const version = versionParam(ctx);
      const req = await readBody<{ workspace_name?: string; rich_parameter_values?: VariableValue[] | null }>(
        ctx.request,
        "CreateTemplateVersionDryRunRequest",
        { workspace_name: "string", rich_parameter_values: "pairs", user_variable_values: "pairs" },
      );
      const importJob = ctx.core.state.job(version.jobId);
      if (!importJob.completedAt) throw new ApiError(425, "Template version import job hasn't completed!");
      const job = ctx.core.jobs.create({
        type: "template_version_dry_run",
        fileId: version.fileId,
        organizationId: version.organizationId,
        initiatorId: ctx.user.id,
        tags: importJob.tags,
      });
      job.templateVersionId = version.id;
      job.dryRunWorkspaceName = req.workspace_name ?? "";
      job.dryRunValues = (req.rich_parameter_values ?? []).map((v) => ({
        name: v.name ?? "",
        value: v.value ?? "",
      }));
      ctx.core.jobs.startDryRun(job, version);
      return json(201, ctx.core.presenter.job(job));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/dry-run/{jobID}",
    handler: (ctx) => json(200, ctx.core.presenter.job(dryRunJob(ctx, versionParam(ctx)))),
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/dry-run/{jobID}/logs",
    handler: (ctx) => jobLogs(ctx, dryRunJob(ctx, versionParam(ctx))),
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/dry-run/{jobID}/resources",
    handler: (ctx) => {
      const job = dryRunJob(ctx, versionParam(ctx));
      if (!job.completedAt) throw new ApiError(400, "Job hasn't completed!");
      return json(
        200,
        job.resources.map((r) => ctx.core.presenter.resource(r)),
      );
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/dry-run/{jobID}/matched-provisioners",
    handler: (ctx) => {
      const job = dryRunJob(ctx, versionParam(ctx));
      return json(200, matchedProvisioners(ctx.core.jobs.provisioners, job.tags));
    },
  },
  {
    method: "PATCH",
    pattern: "/api/v2/templateversions/{templateversion}/dry-run/{jobID}/cancel",
    handler: (ctx) => cancelJob(ctx, dryRunJob(ctx, versionParam(ctx))),
  },
];
