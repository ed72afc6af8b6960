/**
 * What happens to workspaces and versions after create (`coderd/workspaces.go`, `coderd/templateversions.go`):
 * autostart schedule, TTL, deadline extension, automatic updates, and archiving template versions.
 */
import { readBody, tagFailure, throwIfInvalid } from "../body.js";
import { ApiError, forbidden, json } from "../http.js";
import type { Route, RouteContext } from "../router.js";
import type { TemplateVersionRecord } from "../state.js";
import { isOwner, versionParam, workspaceParam } from "./common.js";
import { checkSchedule, checkTtl } from "./workspaces.js";

const NO_CONTENT = () => new Response(null, { status: 204 });
/** coderd refuses a new deadline before now + 29 minutes, and words it as 30. */
const SOON_MS = 29 * 60_000;
/** Go's `time.RFC3339` layout, as its parse errors quote it. */
const RFC3339 = "2006-01-02T15:04:05Z07:00";

/**
 * The request's `deadline` as Go decodes a `time.Time`: missing is the zero time, which the `required` tag
 * refuses; a string that is not RFC 3339 fails the JSON decoding (the detail is Go's for a value that does not
 * start with a year).
 */
function readDeadline(value: unknown): number {
  if (value === undefined || value === null) {
    throwIfInvalid([tagFailure("deadline", "required", "0001-01-01 00:00:00 +0000 UTC")]);
  }
  const text = String(value);
  const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)
    ? Date.parse(text)
    : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw new ApiError(
      400,
      "Request body must be valid JSON.",
      `parsing time ${JSON.stringify(text)} as "${RFC3339}": cannot parse ${JSON.stringify(text)} as "2006"`,
    );
  }
  return parsed;
}

/** The latest build of every live workspace pins its version: coderd's ArchiveUnusedTemplateVersions skips those. */
function versionInUse(ctx: RouteContext, version: TemplateVersionRecord): boolean {
  const { state } = ctx.core;
  for (const w of state.workspaces.values()) {
    if (!w.deleted && state.latestBuild(w).templateVersionId === version.id) return true;
  }
  return false;
}

function setArchived(archive: boolean) {
  return (ctx: RouteContext): Response => {
    const version = versionParam(ctx);
    if (!isOwner(ctx)) throw forbidden();
    const verb = archive ? "archived" : "unarchived";
    if (version.archived === archive) throw new ApiError(400, `Template version already ${verb}`);
    if (!version.templateId) {
      throw new ApiError(400, "Cannot archive template versions not associate with a template.");
    }
    if (archive) {
      const template = ctx.core.state.templates.get(version.templateId)!;
      if (template.activeVersionId === version.id || versionInUse(ctx, version)) {
        // The archive query simply matches nothing, which coderd reports as an internal error.
        throw new ApiError(
          500,
          "Internal error fetching template version.",
          "Unable to archive specified version, the version is likely in use by a workspace or currently set to the active version",
        );
      }
    }
    version.archived = archive;
    // coderd writes a bare JSON string here, not a Response object.
    return json(200, `template version "${version.id}" ${verb}`);
  };
}

/** Routes of this group. */
export const lifecycleRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/v2/templateversions/{templateversion}/archive",
    handler: setArchived(true),
  },
  {
    method: "POST",
    pattern: "/api/v2/templateversions/{templateversion}/unarchive",
    handler: setArchived(false),
  },
  {
    method: "PUT",
    pattern: "/api/v2/workspaces/{workspace}/autostart",
    handler: async (ctx) => {
      const workspace = workspaceParam(ctx);
      const req = await readBody<{ schedule?: string | null }>(
        ctx.request,
        "UpdateWorkspaceAutostartRequest",
        {
          schedule: "string",
        },
      );
      const schedule = checkSchedule(req.schedule ?? undefined, "Invalid autostart schedule.");
      if (schedule) workspace.autostartSchedule = schedule;
      else delete workspace.autostartSchedule;
      return NO_CONTENT();
    },
  },
  {
    method: "PUT",
    pattern: "/api/v2/workspaces/{workspace}/ttl",
    handler: async (ctx) => {
      const workspace = workspaceParam(ctx);
      const req = await readBody<{ ttl_ms?: number | null }>(ctx.request, "UpdateWorkspaceTTLRequest", {
        ttl_ms: "int",
      });
      const ttl = checkTtl(req.ttl_ms, "Invalid workspace TTL.");
      if (ttl === undefined) {
        delete workspace.ttlMs;
        // Turning autostop off also drops the deadline of the running build.
        const latest = ctx.core.state.latestBuild(workspace);
        if (latest.transition === "start") latest.deadline = null;
      } else {
        workspace.ttlMs = ttl;
      }
      return NO_CONTENT();
    },
  },
  {
    method: "PUT",
    pattern: "/api/v2/workspaces/{workspace}/extend",
    handler: async (ctx) => {
      const workspace = workspaceParam(ctx);
      const req = await readBody<{ deadline?: unknown }>(ctx.request, "PutExtendWorkspaceRequest", {
        deadline: "string",
      });
      const wanted = readDeadline(req.deadline);
      const { state } = ctx.core;
      const build = state.latestBuild(workspace);
      const job = state.job(build.jobId);
      // coderd's order: the transition, then whether the job ended (a failed start passes), then the deadline.
      if (build.transition !== "start") {
        throw new ApiError(409, `Workspace must be started, current status: ${build.transition}`);
      }
      if (!job.completedAt) throw new ApiError(409, "Workspace is still building!");
      if (!build.deadline) throw new ApiError(409, "Workspace shutdown is manual.");
      if (wanted < Date.now() + SOON_MS) {
        throw new ApiError(
          400,
          "Cannot extend workspace: new deadline must be at least 30 minutes in the future",
        );
      }
      if (wanted < Date.parse(job.completedAt)) {
        throw new ApiError(400, "Cannot extend workspace: new deadline must be before workspace start time");
      }
      build.deadline = new Date(wanted).toISOString();
      return json(200, { message: `Deadline updated to ${build.deadline.replace(/\.\d{3}Z$/, "Z")}.` });
    },
  },
  {
    method: "PUT",
    pattern: "/api/v2/workspaces/{workspace}/autoupdates",
    handler: async (ctx) => {
      const workspace = workspaceParam(ctx);
      const req = await readBody<{ automatic_updates?: string }>(
        ctx.request,
        "UpdateWorkspaceAutomaticUpdatesRequest",
        { automatic_updates: "string" },
      );
      const value = req.automatic_updates ?? "";
      if (value !== "always" && value !== "never") {
        throw new ApiError(400, "Invalid request", undefined, [
          { field: "automatic_updates", detail: "must be always or never" },
        ]);
      }
      workspace.automaticUpdates = value;
      return NO_CONTENT();
    },
  },
];
