/**
 * `GET /organizations/{organization}/provisionerdaemons`: coderd's daemons list with each daemon's status and
 * current job. Only those who may read the organization's provisioner jobs see it (the fake models owners);
 * everyone else gets the generic 404, as coderd's handler answers.
 */
import type { ProvisionerDaemon } from "../api-types.js";
import { ApiError, json, notFound } from "../http.js";
import { jobStatus } from "../jobs/status.js";
import { BUILT_IN_KEY_ID, type DaemonRecord } from "../provisioners.js";
import type { Route, RouteContext } from "../router.js";
import { isOwner, organizationParam } from "./common.js";

/** The query parameters coderd's handler reads; any other is a 400 (`ErrorExcessParams`). */
const KNOWN_QUERY = new Set(["limit", "ids", "tags", "status", "offline", "max_age"]);

/** Routes of this group. */
export const provisionerRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/v2/organizations/{organization}/provisionerdaemons",
    handler: (ctx) => {
      const org = organizationParam(ctx);
      if (!isOwner(ctx)) throw notFound();
      const limit = readLimit(ctx.url.searchParams);
      const daemons = ctx.core.jobs.provisioners.daemons.slice(0, limit);
      return json(
        200,
        daemons.map((d) => presentDaemon(ctx, d, org.id)),
      );
    },
  },
];

function readLimit(query: URLSearchParams): number {
  const validations = [...query.keys()]
    .filter((k) => !KNOWN_QUERY.has(k))
    .map((k) => ({ field: k, detail: `Query param "${k}" is not a valid query param` }));
  const raw = query.get("limit");
  let limit = 50;
  if (raw !== null) {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > 2 ** 31 - 1)
      validations.push({ field: "limit", detail: `Query param "limit" must be a valid positive integer` });
    else limit = n;
  }
  if (validations.length > 0) throw new ApiError(400, "Invalid query parameters.", undefined, validations);
  return limit;
}

function presentDaemon(ctx: RouteContext, daemon: DaemonRecord, organizationId: string): ProvisionerDaemon {
  const job = (id: string | undefined) => {
    const record = id ? ctx.core.state.jobs.get(id) : undefined;
    if (!record) return null;
    const version = record.templateVersionId
      ? ctx.core.state.templateVersions.get(record.templateVersionId)
      : undefined;
    const build = record.workspaceBuildId ? ctx.core.state.builds.get(record.workspaceBuildId) : undefined;
    const templateId =
      version?.templateId ?? ctx.core.state.workspaces.get(build?.workspaceId ?? "")?.templateId;
    const template = templateId ? ctx.core.state.templates.get(templateId) : undefined;
    return {
      id: record.id,
      status: jobStatus(record),
      template_name: template?.name ?? "",
      template_icon: template?.icon ?? "",
      template_display_name: template?.displayName ?? "",
    };
  };
  return {
    id: daemon.id,
    organization_id: organizationId,
    key_id: BUILT_IN_KEY_ID,
    created_at: daemon.createdAt,
    // Built-in daemons live in coderd's process and are always seen.
    last_seen_at: new Date().toISOString(),
    name: daemon.name,
    version: ctx.core.buildVersion,
    api_version: "1.9",
    provisioners: ["echo", "terraform"],
    tags: daemon.tags,
    key_name: "built-in",
    status: daemon.currentJobId ? "busy" : "idle",
    current_job: job(daemon.currentJobId),
    previous_job: job(daemon.previousJobId),
  };
}
