/**
 * The organization's provisioner jobs (`coderd/provisionerjobs.go`, `provisionerJobs`): only for those who may read
 * provisioner jobs (404 for anyone else), newest first, 50 unless `limit` says otherwise, filtered by `ids`,
 * `status`, `tags` and (newer servers) `initiator`; any other query parameter is a 400, as Coder's query parser
 * refuses excess parameters.
 */
import { ApiError, json, notFound } from "../http.js";
import { jobStatus } from "../jobs/status.js";
import type { Route, RouteContext } from "../router.js";
import { isOwner, organizationParam } from "./common.js";

const KNOWN = new Set(["limit", "ids", "status", "tags", "initiator"]);
const DEFAULT_LIMIT = 50;

interface Query {
  limit: number;
  ids: string[] | undefined;
  statuses: string[] | undefined;
  tags: Record<string, string>;
  initiator: string | undefined;
}

function parseQuery(ctx: RouteContext): Query {
  const params = ctx.url.searchParams;
  const problems: { field: string; detail: string }[] = [];
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name))
      problems.push({ field: name, detail: `Query param "${name}" is not a valid query param` });
  }
  let limit = DEFAULT_LIMIT;
  const rawLimit = params.get("limit");
  if (rawLimit !== null && rawLimit !== "") {
    limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 2147483647) {
      problems.push({
        field: "limit",
        detail: `Query param "limit" must be a valid positive integer (${rawLimit})`,
      });
    }
  }
  const list = (name: string) => {
    const raw = params.get(name);
    return raw ? raw.split(",").map((v) => v.trim().toLowerCase()) : undefined;
  };
  if (problems.length > 0) throw new ApiError(400, "Invalid query parameters.", undefined, problems);
  let tags: Record<string, string> = {};
  const rawTags = params.get("tags");
  if (rawTags) {
    try {
      tags = JSON.parse(rawTags) as Record<string, string>;
    } catch (error) {
      throw new ApiError(400, "Invalid tags query parameter", (error as Error).message);
    }
  }
  return { limit, ids: list("ids"), statuses: list("status"), tags, initiator: list("initiator")?.[0] };
}

/** Routes of this group. */
export const provisionerJobRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/v2/organizations/{organization}/provisionerjobs",
    handler: (ctx) => {
      const org = organizationParam(ctx);
      if (!isOwner(ctx)) throw notFound();
      const query = parseQuery(ctx);
      // Newest first. Jobs made in one millisecond share created_at (coderd's are microseconds apart): the list is
      // reversed before the stable sort, so such ties keep the newest first instead of a random id order.
      const jobs = [...ctx.core.state.jobs.values()]
        .reverse()
        .filter((job) => job.organizationId === org.id)
        .filter((job) => !query.ids || query.ids.includes(job.id))
        .filter((job) => !query.initiator || job.initiatorId === query.initiator)
        .filter((job) => !query.statuses || query.statuses.includes(jobStatus(job)))
        .filter((job) => Object.entries(query.tags).every(([k, v]) => job.tags[k] === v))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, query.limit);
      return json(
        200,
        jobs.map((job) => ctx.core.presenter.job(job, true)),
      );
    },
  },
];
