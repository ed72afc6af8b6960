/**
 * Path-parameter middleware as coderd's `httpmw` packages do it (UUID parsing, `me`, `default`, name lookups)
 * plus the visibility rule the fake models: owners see everything, members their organizations and their own
 * workspaces; anything else is the generic 404.
 */
import { ApiError, notFound } from "../http.js";
import { isUuid, NIL_UUID, uuidParseError } from "../ids.js";
import type { RouteContext } from "../router.js";
import type {
  AgentRecord,
  OrganizationRecord,
  TemplateRecord,
  TemplateVersionRecord,
  UserRecord,
  WorkspaceBuildRecord,
  WorkspaceRecord,
} from "../state.js";

/** `httpmw.ParseUUIDParam`: a 400, not a 404, for something that is not a UUID. */
export function uuidParam(ctx: RouteContext, name: string): string {
  const raw = ctx.params[name] ?? "";
  if (!isUuid(raw)) throw new ApiError(400, `Invalid UUID "${raw}".`, uuidParseError(raw));
  return raw.toLowerCase();
}

/** `{user}`: `me`, a UUID or a username. */
export function userParam(ctx: RouteContext, name = "user"): UserRecord {
  const raw = ctx.params[name] ?? "";
  if (raw === "me") return ctx.user;
  const user = isUuid(raw) ? ctx.core.state.users.get(raw.toLowerCase()) : ctx.core.state.userByName(raw);
  if (!user) throw notFound();
  return user;
}

/** Whether the caller has the site owner role. */
export function isOwner(ctx: RouteContext): boolean {
  return ctx.core.state.isOwner(ctx.user);
}

/** Whether the caller may read things in this organization. */
export function canReadOrg(ctx: RouteContext, orgId: string): boolean {
  return isOwner(ctx) || ctx.user.organizationIds.includes(orgId);
}

/** `{organization}`: a UUID, a name, or `default` (the nil UUID is a legacy alias of `default`). */
export function organizationParam(ctx: RouteContext, name = "organization"): OrganizationRecord {
  const raw = ctx.params[name] ?? "";
  const { state } = ctx.core;
  let org: OrganizationRecord | undefined;
  if (raw === "default" || raw === NIL_UUID) org = state.defaultOrganization();
  else if (isUuid(raw)) org = state.organizations.get(raw.toLowerCase());
  else org = state.organizationByName(raw);
  if (!org || !canReadOrg(ctx, org.id)) throw notFound();
  return org;
}

/** `{template}`: a visible, live template by id. */
export function templateParam(ctx: RouteContext): TemplateRecord {
  const template = ctx.core.state.templates.get(uuidParam(ctx, "template"));
  if (!template || template.deleted || !canReadOrg(ctx, template.organizationId)) throw notFound();
  return template;
}

/** `{templateversion}`: a visible template version by id. */
export function versionParam(ctx: RouteContext): TemplateVersionRecord {
  const version = ctx.core.state.templateVersions.get(uuidParam(ctx, "templateversion"));
  if (!version || !canReadOrg(ctx, version.organizationId)) throw notFound();
  return version;
}

/** Workspaces are visible to their owner and to site owners. */
export function canReadWorkspace(ctx: RouteContext, workspace: WorkspaceRecord): boolean {
  return isOwner(ctx) || workspace.ownerId === ctx.user.id;
}

/** `{workspace}`: a visible workspace by id (deleted ones included). */
export function workspaceParam(ctx: RouteContext): WorkspaceRecord {
  const workspace = ctx.core.state.workspaces.get(uuidParam(ctx, "workspace"));
  if (!workspace || !canReadWorkspace(ctx, workspace)) throw notFound();
  return workspace;
}

/** `{workspacebuild}`: a build of a visible workspace. */
export function buildParam(ctx: RouteContext): WorkspaceBuildRecord {
  const build = ctx.core.state.builds.get(uuidParam(ctx, "workspacebuild"));
  if (!build) throw notFound();
  const workspace = ctx.core.state.workspaces.get(build.workspaceId)!;
  if (!canReadWorkspace(ctx, workspace)) throw notFound();
  return build;
}

/** `{workspaceagent}`: an agent of a visible workspace. */
export function agentParam(ctx: RouteContext): AgentRecord {
  const agent = ctx.core.state.agents.get(uuidParam(ctx, "workspaceagent"));
  if (!agent) throw notFound();
  const build = ctx.core.state.builds.get(agent.buildId)!;
  if (!canReadWorkspace(ctx, ctx.core.state.workspaces.get(build.workspaceId)!)) throw notFound();
  return agent;
}

/** Live workspace by owner and case-insensitive name. */
export function workspaceByName(
  ctx: RouteContext,
  owner: UserRecord,
  name: string,
  includeDeleted = false,
): WorkspaceRecord | undefined {
  const lower = name.toLowerCase();
  let found: WorkspaceRecord | undefined;
  for (const w of ctx.core.state.workspaces.values()) {
    if (w.ownerId !== owner.id || w.name.toLowerCase() !== lower) continue;
    if (!w.deleted) return w;
    if (includeDeleted) found = w;
  }
  return found;
}

/** `limit` / `offset` query parameters as `coderd/pagination.go` parses them. */
export function pagination(ctx: RouteContext): { limit: number; offset: number } {
  const problems: { field: string; detail: string }[] = [];
  const read = (field: string): number => {
    const raw = ctx.url.searchParams.get(field);
    if (raw === null || raw === "") return 0;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n > 2147483647) {
      problems.push({ field, detail: `Query param "${field}" must be a valid integer (${raw}).` });
      return 0;
    }
    return n;
  };
  const limit = read("limit");
  const offset = read("offset");
  if (problems.length > 0)
    throw new ApiError(400, "Query parameters have invalid values.", undefined, problems);
  return { limit, offset };
}

/** Applies limit (0 = no limit) and offset. */
export function page<T>(items: T[], { limit, offset }: { limit: number; offset: number }): T[] {
  const rest = items.slice(offset);
  return limit > 0 ? rest.slice(0, limit) : rest;
}
