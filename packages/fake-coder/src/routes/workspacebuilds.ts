/** Workspace builds (`coderd/workspacebuilds.go`): create start/stop/delete, list, read, logs, cancel, parameters. */
import { readBody, tagFailure, throwIfInvalid } from "../body.js";
import { ApiError, json, notFound, type Validation } from "../http.js";
import { jobStatus } from "../jobs/status.js";
import type { Route } from "../router.js";
import type { Transition, VariableValue } from "../state.js";
import { commitBuild, planBuild } from "../workspace-builds/builder.js";
import {
  buildParam,
  canReadWorkspace,
  isOwner,
  page,
  pagination,
  userParam,
  workspaceByName,
  workspaceParam,
} from "./common.js";
import { jobLogs } from "./logs.js";

interface CreateWorkspaceBuildRequest {
  transition?: string;
  template_version_id?: string | null;
  rich_parameter_values?: VariableValue[] | null;
  orphan?: boolean;
  state?: string;
  log_level?: string;
  reason?: string;
  on_success?: object | null;
  template_version_preset_id?: string | null;
}

const REASONS = [
  "dashboard",
  "cli",
  "ssh_connection",
  "vscode_connection",
  "jetbrains_connection",
  "task_manual_pause",
  "task_resume",
];

/** Routes of this group. */
export const workspaceBuildRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/v2/workspaces/{workspace}/builds",
    handler: async (ctx) => {
      const workspace = workspaceParam(ctx);
      const req = await readBody<CreateWorkspaceBuildRequest>(ctx.request, "CreateWorkspaceBuildRequest", {
        transition: "string",
        template_version_id: "uuid",
        rich_parameter_values: "pairs",
        dry_run: "bool",
        state: "string",
        orphan: "bool",
        log_level: "string",
        reason: "string",
        template_version_preset_id: "uuid",
        on_success: "object",
      });
      const failures: Validation[] = [];
      const transition = req.transition ?? "";
      if (!["start", "stop", "delete"].includes(transition))
        failures.push(tagFailure("transition", "oneof", transition));
      if (req.reason && !REASONS.includes(req.reason))
        failures.push(tagFailure("reason", "oneof", req.reason));
      if (req.log_level && req.log_level !== "debug")
        failures.push(tagFailure("log_level", "oneof", req.log_level));
      throwIfInvalid(failures);
      if (req.orphan && transition !== "delete")
        throw new ApiError(400, "Orphan is only permitted when deleting a workspace.");
      if (req.state && !isOwner(ctx))
        throw new ApiError(403, "Only template managers may provide custom state");
      if (req.log_level) {
        throw new ApiError(400, "Terraform debug mode is disabled in the deployment configuration.");
      }
      if (req.on_success) throw new ApiError(400, "fake-coder does not model on_success (restart) builds.");
      const { state } = ctx.core;
      const template = state.templates.get(workspace.templateId)!;
      const previous = state.latestBuild(workspace);
      let versionId = previous.templateVersionId;
      if (req.template_version_id) {
        versionId = req.template_version_id.toLowerCase();
        if (!state.templateVersions.has(versionId)) {
          throw new ApiError(400, "Template version not found.", undefined, [
            { field: "template_version_id", detail: "template version not found" },
          ]);
        }
      }
      const values = (req.rich_parameter_values ?? []).map((v) => ({
        name: v.name ?? "",
        value: v.value ?? "",
      }));
      const plan = planBuild(ctx, {
        workspace,
        template,
        transition: transition as Transition,
        version: state.templateVersions.get(versionId)!,
        values,
        reason: req.reason ?? "initiator",
        presetId: req.template_version_preset_id ?? undefined,
      });
      return json(201, ctx.core.presenter.build(commitBuild(ctx, workspace, plan)));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/workspaces/{workspace}/builds",
    handler: (ctx) => {
      const workspace = workspaceParam(ctx);
      let builds = ctx.core.state.buildsOf(workspace).reverse();
      const since = ctx.url.searchParams.get("since");
      if (since) builds = builds.filter((b) => b.createdAt > new Date(since).toISOString());
      const afterId = ctx.url.searchParams.get("after_id");
      if (afterId) {
        const index = builds.findIndex((b) => b.id === afterId.toLowerCase());
        if (index < 0) throw new ApiError(400, `Record at "after_id" (${afterId}) does not exist.`);
        builds = builds.slice(index + 1);
      }
      return json(
        200,
        page(builds, pagination(ctx)).map((b) => ctx.core.presenter.build(b)),
      );
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/workspacebuilds/{workspacebuild}",
    handler: (ctx) => json(200, ctx.core.presenter.build(buildParam(ctx))),
  },
  {
    method: "GET",
    pattern: "/api/v2/workspacebuilds/{workspacebuild}/logs",
    handler: (ctx) => jobLogs(ctx, ctx.core.state.job(buildParam(ctx).jobId)),
  },
  {
    method: "GET",
    pattern: "/api/v2/workspacebuilds/{workspacebuild}/parameters",
    handler: (ctx) => json(200, buildParam(ctx).parameters),
  },
  {
    method: "PATCH",
    pattern: "/api/v2/workspacebuilds/{workspacebuild}/cancel",
    handler: (ctx) => {
      const build = buildParam(ctx);
      const { state } = ctx.core;
      const workspace = state.workspaces.get(build.workspaceId)!;
      const template = state.templates.get(workspace.templateId)!;
      if (!template.allowUserCancelWorkspaceJobs && !isOwner(ctx)) {
        throw new ApiError(403, "User is not allowed to cancel workspace builds. Owner role is required.");
      }
      const expect = ctx.url.searchParams.get("expect_status");
      if (expect !== null && expect !== "running" && expect !== "pending") {
        throw new ApiError(
          400,
          `Invalid expect_status "${expect}". Only "running" or "pending" are allowed.`,
        );
      }
      const job = state.job(build.jobId);
      if (job.completedAt) throw new ApiError(400, "Job has already completed!");
      if (job.canceledAt) throw new ApiError(400, "Job has already been marked as canceled!");
      if (expect && jobStatus(job) !== expect) throw new ApiError(412, "Job is not in the expected state.");
      ctx.core.jobs.cancel(job);
      return json(200, { message: "Job has been marked as canceled..." });
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/users/{user}/workspace/{workspacename}/builds/{buildnumber}",
    handler: (ctx) => {
      const owner = userParam(ctx);
      const raw = ctx.params.buildnumber ?? "";
      if (!/^\d+$/.test(raw) || Number(raw) > 2147483647) {
        throw new ApiError(
          400,
          "Failed to parse build number as integer.",
          `strconv.ParseInt: parsing "${raw}": invalid syntax`,
        );
      }
      const workspace = workspaceByName(ctx, owner, ctx.params.workspacename ?? "", true);
      if (!workspace || !canReadWorkspace(ctx, workspace)) throw notFound();
      const build = ctx.core.state.buildsOf(workspace).find((b) => b.buildNumber === Number(raw));
      if (!build) throw notFound();
      return json(200, ctx.core.presenter.build(build));
    },
  },
];
