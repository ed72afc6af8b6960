/** Workspaces: create (with its first build), search, lookup by id and by owner/name, watch (`coderd/workspaces.go`). */
import { readBody, tagFailure, throwIfInvalid } from "../body.js";
import { ApiError, goJson, json, notFound, type Validation } from "../http.js";
import { newId, nowIso } from "../ids.js";
import { nameInvalidReason } from "../names.js";
import type { FollowStream, Route, RouteContext } from "../router.js";
import type {
  TemplateRecord,
  TemplateVersionRecord,
  UserRecord,
  VariableValue,
  WorkspaceRecord,
} from "../state.js";
import { commitBuild, planBuild } from "../workspace-builds/builder.js";
import {
  canReadOrg,
  canReadWorkspace,
  isOwner,
  page,
  pagination,
  userParam,
  workspaceByName,
  workspaceParam,
} from "./common.js";
import { workspaceFilter } from "./workspace-search.js";

interface CreateWorkspaceRequest {
  template_id?: string | null;
  template_version_id?: string | null;
  name?: string;
  autostart_schedule?: string;
  ttl_ms?: number | null;
  rich_parameter_values?: VariableValue[] | null;
  automatic_updates?: string;
  template_version_preset_id?: string | null;
}

const UNIQUE = "This value is already in use and should be unique.";
const NIL = "00000000-0000-0000-0000-000000000000";

/** `validWorkspaceTTLMillis`: whole minutes, at least one minute, less than 30 days. */
export function checkTtl(
  ttl: number | null | undefined,
  message = "Invalid Workspace Time to Shutdown.",
): number | undefined {
  if (!ttl) return undefined;
  const minutes = Math.trunc(ttl / 60_000) * 60_000;
  const problem =
    minutes < 60_000
      ? "time until shutdown must be at least one minute"
      : minutes > 30 * 24 * 3_600_000
        ? "time until shutdown must be less than 30 days"
        : undefined;
  if (problem) throw new ApiError(400, message, undefined, [{ field: "ttl_ms", detail: problem }]);
  return minutes;
}

/** `schedule.Weekly`: an optional `CRON_TZ=` prefix and five fields, with `*` day-of-month and month. */
export function checkSchedule(
  schedule: string | undefined,
  message = "Invalid Autostart Schedule.",
): string | undefined {
  if (!schedule) return undefined;
  const fields = schedule
    .replace(/^CRON_TZ=\S+\s+/, "")
    .trim()
    .split(/\s+/);
  let problem: string | undefined;
  if (fields.length !== 5)
    problem = `parse schedule: expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`;
  else if (fields[2] !== "*" || fields[3] !== "*") {
    problem = "validate weekly schedule: expected day-of-month and month values to be *";
  }
  if (problem) throw new ApiError(400, message, undefined, [{ field: "schedule", detail: problem }]);
  return schedule;
}

function resolveTemplate(
  ctx: RouteContext,
  req: CreateWorkspaceRequest,
): { template: TemplateRecord; version: TemplateVersionRecord } {
  const { state } = ctx.core;
  let template: TemplateRecord | undefined;
  let version: TemplateVersionRecord | undefined;
  if (req.template_version_id) {
    const id = req.template_version_id.toLowerCase();
    version = state.templateVersions.get(id);
    if (!version || !canReadOrg(ctx, version.organizationId)) {
      throw new ApiError(400, `Template version "${id}" doesn't exist.`, undefined, [
        { field: "template_version_id", detail: "template not found" },
      ]);
    }
    // coderd answers this caller's mistake with a 500, validations and all (coderd/workspaces.go). Only a new
    // workspace is refused: a build of an existing one on an archived version goes through.
    if (version.archived) {
      throw new ApiError(500, "Archived template versions cannot be used to make a workspace.", undefined, [
        { field: "template_version_id", detail: "template version archived" },
      ]);
    }
    if (!version.templateId)
      throw new ApiError(400, `Template version "${id}" is not associated with a template.`);
    template = state.templates.get(version.templateId);
  } else {
    const id = req.template_id!.toLowerCase();
    template = state.templates.get(id);
    if (!template || !canReadOrg(ctx, template.organizationId)) {
      throw new ApiError(400, `Template "${id}" doesn't exist.`, undefined, [
        { field: "template_id", detail: "template not found" },
      ]);
    }
  }
  if (!template) throw notFound();
  if (template.deleted) throw new ApiError(404, `Template "${template.name}" has been deleted!`);
  if (template.deprecationMessage) {
    throw new ApiError(
      400,
      `Template "${template.name}" has been deprecated, and cannot be used to create a new workspace.`,
    );
  }
  return { template, version: version ?? state.templateVersions.get(template.activeVersionId)! };
}

async function createWorkspace(ctx: RouteContext, owner: UserRecord): Promise<Response> {
  const req = await readBody<CreateWorkspaceRequest>(ctx.request, "CreateWorkspaceRequest", {
    template_id: "uuid",
    template_version_id: "uuid",
    name: "string",
    autostart_schedule: "string",
    ttl_ms: "int",
    rich_parameter_values: "pairs",
    automatic_updates: "string",
    template_version_preset_id: "uuid",
  });
  const failures: Validation[] = [];
  const hasTemplate = !!req.template_id;
  const hasVersion = !!req.template_version_id;
  // required_without / excluded_with: exactly one of the two.
  if (!hasTemplate && !hasVersion) {
    failures.push(
      tagFailure("template_id", "required_without", NIL),
      tagFailure("template_version_id", "required_without", NIL),
    );
  } else if (hasTemplate && hasVersion) {
    failures.push(
      tagFailure("template_id", "excluded_with", req.template_id),
      tagFailure("template_version_id", "excluded_with", req.template_version_id),
    );
  }
  const name = req.name ?? "";
  if (nameInvalidReason(name)) failures.push(tagFailure("name", "workspace_name", name));
  if (req.automatic_updates && req.automatic_updates !== "always" && req.automatic_updates !== "never") {
    failures.push(tagFailure("automatic_updates", "oneof", req.automatic_updates));
  }
  throwIfInvalid(failures);
  if (owner.id !== ctx.user.id && !isOwner(ctx)) throw new ApiError(403, "Unauthorized to create workspace.");
  const { template, version } = resolveTemplate(ctx, req);
  if (!owner.organizationIds.includes(template.organizationId)) {
    throw new ApiError(403, `Unauthorized access to use the template "${template.name}".`);
  }
  if (workspaceByName(ctx, owner, name)) {
    throw new ApiError(409, `Workspace "${name}" already exists.`, undefined, [
      { field: "name", detail: UNIQUE },
    ]);
  }
  const ttlMs = checkTtl(req.ttl_ms);
  const schedule = checkSchedule(req.autostart_schedule);
  const values = (req.rich_parameter_values ?? []).map((v) => ({ name: v.name ?? "", value: v.value ?? "" }));
  const plan = planBuild(ctx, {
    template,
    transition: "start",
    version,
    values,
    reason: "initiator",
    owner: owner.id,
    name,
    presetId: req.template_version_preset_id ?? undefined,
  });
  const now = nowIso();
  const workspace: WorkspaceRecord = {
    id: newId(),
    ownerId: owner.id,
    organizationId: template.organizationId,
    templateId: template.id,
    name,
    createdAt: now,
    updatedAt: now,
    lastUsedAt: now,
    automaticUpdates: req.automatic_updates === "always" ? "always" : "never",
    deleted: false,
    buildIds: [],
    ...(schedule ? { autostartSchedule: schedule } : {}),
    ...(ttlMs !== undefined ? { ttlMs } : {}),
  };
  ctx.core.state.workspaces.set(workspace.id, workspace);
  commitBuild(ctx, workspace, plan);
  return json(201, ctx.core.presenter.workspace(workspace));
}

/**
 * `watch-ws`: a `ping` once the stream is ready, the workspace right away, then the workspace again whenever it
 * changes (the fake compares snapshots each step instead of listening to a pubsub).
 */
function watchWorkspace(ctx: RouteContext, workspace: WorkspaceRecord): FollowStream {
  const { presenter, clock } = ctx.core;
  const snapshot = () => {
    const body = presenter.workspace(workspace);
    // `most_recently_seen` moves on every read; it is not a change of the workspace.
    const { matched_provisioners: _volatile, ...build } = body.latest_build;
    return { body, key: JSON.stringify({ ...body, latest_build: build }) };
  };
  return {
    kind: "follow",
    clientFrameClose: { code: 1002, reason: "Clients cannot send messages for one-way WebSockets" },
    attach(sink) {
      let open = true;
      sink.send(goJson({ type: "ping" }));
      let last = snapshot();
      sink.send(goJson({ type: "data", data: last.body }));
      void (async () => {
        while (open) {
          await clock.sleep(Math.max(clock.stepDelayMs, 10));
          const next = snapshot();
          if (open && next.key !== last.key) sink.send(goJson({ type: "data", data: next.body }));
          last = next;
        }
      })();
      return () => {
        open = false;
      };
    },
  };
}

/** Routes of this group. */
export const workspaceRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/v2/users/{user}/workspaces",
    handler: (ctx) => createWorkspace(ctx, userParam(ctx)),
  },
  {
    method: "GET",
    pattern: "/api/v2/workspaces",
    handler: (ctx) => {
      const filter = workspaceFilter(ctx, ctx.url.searchParams.get("q") ?? "");
      const paging = pagination(ctx);
      const { state, presenter } = ctx.core;
      const username = (w: WorkspaceRecord) => state.users.get(w.ownerId)?.username.toLowerCase() ?? "";
      const matches = [...state.workspaces.values()]
        .filter(filter)
        .sort(
          (a, b) =>
            username(a).localeCompare(username(b)) ||
            a.name.toLowerCase().localeCompare(b.name.toLowerCase()),
        );
      return json(200, {
        workspaces: page(matches, paging).map((w) => presenter.workspace(w)),
        count: matches.length,
      });
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/workspaces/{workspace}",
    handler: (ctx) => {
      const workspace = workspaceParam(ctx);
      if (workspace.deleted && ctx.url.searchParams.get("include_deleted") !== "true") {
        throw new ApiError(
          410,
          `Workspace "${workspace.id}" was deleted, you can view this workspace by specifying '?deleted=true' and trying again.`,
        );
      }
      return json(200, ctx.core.presenter.workspace(workspace));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/workspaces/{workspace}/watch-ws",
    handler: (ctx) => watchWorkspace(ctx, workspaceParam(ctx)),
  },
  {
    method: "GET",
    pattern: "/api/v2/users/{user}/workspace/{workspacename}",
    handler: (ctx) => {
      const owner = userParam(ctx);
      const includeDeleted = ctx.url.searchParams.get("include_deleted") === "true";
      const workspace = workspaceByName(ctx, owner, ctx.params.workspacename ?? "", includeDeleted);
      if (!workspace || !canReadWorkspace(ctx, workspace)) throw notFound();
      return json(200, ctx.core.presenter.workspace(workspace));
    },
  },
];
