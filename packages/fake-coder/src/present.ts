/**
 * Records → API JSON, field by field as coderd's converters (`db2sdk`, `convertWorkspace`, ...) write them:
 * omitempty fields left out, "always present, maybe null" fields sent as null.
 */

import { agentStatus } from "./agents.js";
import type {
  MatchedProvisioners,
  MinimalUser,
  Organization,
  ProvisionerJob,
  Template,
  TemplateVersion,
  TemplateVersionVariable,
  User,
  Workspace,
  WorkspaceAgent,
  WorkspaceApp,
  WorkspaceBuild,
  WorkspaceResource,
  WorkspaceStatus,
} from "./api-types.js";
import { NIL_UUID, nowIso } from "./ids.js";
import { FAKE_WORKER_ID, jobStatus } from "./jobs/status.js";
import { DEFAULT_PROVISIONER_DAEMONS, ProvisionerPool } from "./provisioners.js";
import { nextStart } from "./schedule.js";
import type {
  AgentRecord,
  AppRecord,
  FakeState,
  JobRecord,
  OrganizationRecord,
  ResourceRecord,
  TemplateRecord,
  TemplateVersionRecord,
  UserRecord,
  WorkspaceBuildRecord,
  WorkspaceRecord,
} from "./state.js";

const ROLE_NAMES: Record<string, string> = { owner: "Owner", member: "Member" };

/** `codersdk.User` for a user record; site roles only (`member` is implicit). */
export function presentUser(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    avatar_url: "",
    email: user.email,
    created_at: user.createdAt,
    updated_at: user.createdAt,
    last_seen_at: nowIso(),
    status: user.status,
    login_type: "password",
    theme_preference: "",
    organization_ids: user.organizationIds,
    // Coder lists site roles here; `member` is implicit and not listed.
    roles: user.roles
      .filter((r) => r !== "member")
      .map((r) => ({ name: r, display_name: ROLE_NAMES[r] ?? r })),
  };
}

/** `codersdk.MinimalUser` (e.g. `TemplateVersion.created_by`). */
export function presentMinimalUser(user: UserRecord | undefined, id: string): MinimalUser {
  return { id, username: user?.username ?? "", name: user?.name ?? "", avatar_url: "" };
}

/** `codersdk.Organization`. */
export function presentOrganization(org: OrganizationRecord): Organization {
  return {
    id: org.id,
    name: org.name,
    display_name: org.displayName,
    description: org.description,
    icon: org.icon,
    created_at: org.createdAt,
    updated_at: org.createdAt,
    is_default: org.isDefault,
  };
}

/** The fake's daemons carry the default tags, so every job matches all of them; all are seen just now. */
export function matchedProvisioners(pool: ProvisionerPool): MatchedProvisioners {
  const count = pool.daemons.length;
  return { count, available: count, most_recently_seen: count > 0 ? nowIso() : null };
}

/** Presents records with access to the whole state (names, statuses, queue positions). */
export class Presenter {
  constructor(
    private readonly state: FakeState,
    private readonly provisioners = new ProvisionerPool(DEFAULT_PROVISIONER_DAEMONS, FAKE_WORKER_ID),
  ) {}

  job(job: JobRecord): ProvisionerJob {
    const status = jobStatus(job);
    const pending = [...this.state.jobs.values()].filter((j) => jobStatus(j) === "pending");
    const out: ProvisionerJob = {
      id: job.id,
      created_at: job.createdAt,
      status,
      file_id: job.fileId,
      tags: job.tags,
      queue_position: status === "pending" ? pending.findIndex((j) => j.id === job.id) + 1 : 0,
      queue_size: status === "pending" ? pending.length : 0,
      organization_id: job.organizationId,
      initiator_id: job.initiatorId,
      input: {},
      type: job.type,
      metadata: {
        template_version_name: "",
        template_id: NIL_UUID,
        template_name: "",
        template_display_name: "",
        template_icon: "",
      },
      logs_overflowed: false,
    };
    if (job.startedAt) out.started_at = job.startedAt;
    if (job.completedAt) out.completed_at = job.completedAt;
    if (job.canceledAt) out.canceled_at = job.canceledAt;
    if (job.error) out.error = job.error;
    if (job.errorCode) out.error_code = job.errorCode as ProvisionerJob["error_code"];
    if (job.workerId) {
      out.worker_id = job.workerId;
      out.worker_name = this.provisioners.daemons.find((d) => d.id === job.workerId)?.name ?? "";
    }
    const version = job.templateVersionId
      ? this.state.templateVersions.get(job.templateVersionId)
      : undefined;
    if (version) {
      out.input = { template_version_id: version.id };
      out.metadata = this.jobMetadata(version);
    }
    const build = job.workspaceBuildId ? this.state.builds.get(job.workspaceBuildId) : undefined;
    if (build) {
      const workspace = this.state.workspaces.get(build.workspaceId)!;
      const buildVersion = this.state.templateVersions.get(build.templateVersionId)!;
      out.input = { workspace_build_id: build.id };
      out.metadata = {
        ...this.jobMetadata(buildVersion),
        workspace_id: workspace.id,
        workspace_name: workspace.name,
        workspace_build_transition: build.transition,
      };
    }
    return out;
  }

  private jobMetadata(version: TemplateVersionRecord): ProvisionerJob["metadata"] {
    const template = version.templateId ? this.state.templates.get(version.templateId) : undefined;
    return {
      template_version_name: version.name,
      template_id: template?.id ?? NIL_UUID,
      template_name: template?.name ?? "",
      template_display_name: template?.displayName ?? "",
      template_icon: template?.icon ?? "",
    };
  }

  templateVersion(version: TemplateVersionRecord): TemplateVersion {
    return {
      id: version.id,
      template_id: version.templateId ?? NIL_UUID,
      organization_id: version.organizationId,
      created_at: version.createdAt,
      updated_at: version.updatedAt,
      name: version.name,
      message: version.message,
      job: this.job(this.state.job(version.jobId)),
      readme: version.readme,
      created_by: presentMinimalUser(this.state.users.get(version.createdBy), version.createdBy),
      archived: version.archived,
      matched_provisioners: matchedProvisioners(this.provisioners),
      has_external_agent: false,
    };
  }

  /** `/variables`: sensitive non-empty values are masked as coderd's `maskSensitiveVariable` does. */
  variables(version: TemplateVersionRecord): TemplateVersionVariable[] {
    return version.variables.map((v) => ({
      name: v.name,
      description: v.description,
      type: v.type,
      value: v.sensitive && v.value !== "" ? "*redacted*" : v.value,
      default_value: v.sensitive && v.default_value !== "" ? "*redacted*" : v.default_value,
      required: v.required,
      sensitive: v.sensitive,
    }));
  }

  template(t: TemplateRecord): Template {
    const org = this.state.organizations.get(t.organizationId)!;
    const creator = this.state.users.get(t.createdBy);
    // TransitionStats has no JSON tags in Go, so the keys are the field names: P50 and P95.
    const stats = { P50: null, P95: null };
    return {
      id: t.id,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
      organization_id: org.id,
      organization_name: org.name,
      organization_display_name: org.displayName,
      organization_icon: org.icon,
      name: t.name,
      display_name: t.displayName,
      provisioner: "terraform",
      active_version_id: t.activeVersionId,
      active_user_count: this.activeUserCount(t),
      build_time_stats: { start: stats, stop: stats, delete: stats },
      description: t.description,
      deprecated: t.deprecationMessage !== "",
      deprecation_message: t.deprecationMessage,
      icon: t.icon,
      default_ttl_ms: t.defaultTtlMs,
      activity_bump_ms: t.activityBumpMs,
      autostop_requirement: { days_of_week: [], weeks: 1 },
      autostart_requirement: {
        days_of_week: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
      },
      created_by_id: t.createdBy,
      created_by_name: creator?.username ?? "",
      allow_user_autostart: t.allowUserAutostart,
      allow_user_autostop: t.allowUserAutostop,
      allow_user_cancel_workspace_jobs: t.allowUserCancelWorkspaceJobs,
      failure_ttl_ms: t.failureTtlMs,
      time_til_dormant_ms: t.dormantTtlMs,
      time_til_dormant_autodelete_ms: t.deleteTtlMs,
      require_active_version: t.requireActiveVersion,
      max_port_share_level: "owner",
      cors_behavior: "simple",
      use_classic_parameter_flow: t.useClassicParameterFlow,
      deleted: t.deleted,
      time_til_autostop_notify_ms: 0,
    };
  }

  private activeUserCount(t: TemplateRecord): number {
    const owners = new Set<string>();
    for (const w of this.state.workspaces.values())
      if (w.templateId === t.id && !w.deleted) owners.add(w.ownerId);
    return owners.size;
  }

  /** `codersdk.ConvertWorkspaceStatus`: job status × transition (coder-api.md, table in section j). */
  buildStatus(build: WorkspaceBuildRecord): WorkspaceStatus {
    const status = jobStatus(this.state.job(build.jobId));
    switch (status) {
      case "pending":
        return "pending";
      case "running":
        return { start: "starting", stop: "stopping", delete: "deleting" }[
          build.transition
        ] as WorkspaceStatus;
      case "succeeded":
        return { start: "running", stop: "stopped", delete: "deleted" }[build.transition] as WorkspaceStatus;
      case "canceling":
        return "canceling";
      case "canceled":
        return "canceled";
      default:
        return "failed";
    }
  }

  build(build: WorkspaceBuildRecord): WorkspaceBuild {
    const workspace = this.state.workspaces.get(build.workspaceId)!;
    const owner = this.state.users.get(workspace.ownerId);
    const version = this.state.templateVersions.get(build.templateVersionId)!;
    const initiator = this.state.users.get(build.initiatorId);
    return {
      id: build.id,
      created_at: build.createdAt,
      updated_at: build.updatedAt,
      workspace_id: workspace.id,
      workspace_name: workspace.name,
      workspace_owner_id: workspace.ownerId,
      workspace_owner_name: owner?.username ?? "",
      workspace_owner_avatar_url: "",
      template_version_id: version.id,
      template_version_name: version.name,
      build_number: build.buildNumber,
      transition: build.transition,
      initiator_id: build.initiatorId,
      initiator_name: initiator?.username ?? "",
      job: this.job(this.state.job(build.jobId)),
      reason: build.reason as WorkspaceBuild["reason"],
      resources: build.resources.map((r) => this.resource(r, workspace)),
      deadline: build.deadline,
      max_deadline: null,
      status: this.buildStatus(build),
      daily_cost: 0,
      matched_provisioners: matchedProvisioners(this.provisioners),
      template_version_preset_id: build.presetId ?? null,
      has_ai_task: false,
      has_external_agent: false,
    };
  }

  resource(r: ResourceRecord, workspace?: WorkspaceRecord): WorkspaceResource {
    const out: WorkspaceResource = {
      id: r.id,
      created_at: r.createdAt,
      job_id: r.jobId,
      workspace_transition: r.transition,
      type: r.type,
      name: r.name,
      hide: r.hide,
      icon: r.icon,
      daily_cost: r.dailyCost,
    };
    if (r.agentIds.length > 0)
      out.agents = r.agentIds.map((id) => this.agent(this.state.agents.get(id)!, workspace));
    return out;
  }

  agent(agent: AgentRecord, workspace?: WorkspaceRecord): WorkspaceAgent {
    const status = agentStatus(agent);
    const ws = workspace ?? this.workspaceOfAgent(agent);
    const owner = ws ? this.state.users.get(ws.ownerId) : undefined;
    const out: WorkspaceAgent = {
      id: agent.id,
      parent_id: null,
      created_at: agent.createdAt,
      updated_at: agent.updatedAt,
      status,
      lifecycle_state: agent.lifecycle,
      name: agent.name,
      resource_id: agent.resourceId,
      architecture: agent.architecture,
      environment_variables: agent.env,
      operating_system: agent.os,
      logs_length: agent.logs.reduce((n, l) => n + l.output.length, 0),
      logs_overflowed: false,
      directory: agent.directory,
      expanded_directory: agent.directory || "/home/coder",
      version: agent.firstConnectedAt ? "v2.36.1" : "",
      api_version: agent.firstConnectedAt ? "2.6" : "",
      apps: agent.apps.map((a) => this.app(a, agent, ws?.name ?? "", owner?.username ?? "")),
      connection_timeout_seconds: agent.connectionTimeoutSeconds,
      troubleshooting_url: agent.troubleshootingUrl,
      subsystems: [],
      health:
        status === "connected"
          ? { healthy: true }
          : {
              healthy: false,
              reason: status === "timeout" ? "agent is taking too long to connect" : "agent is not connected",
            },
      display_apps: agent.displayApps as WorkspaceAgent["display_apps"],
      log_sources: [
        {
          id: agent.logSourceId,
          workspace_agent_id: agent.id,
          created_at: agent.createdAt,
          display_name: "Startup Script",
          icon: "/emojis/25b6.png",
        },
      ],
      scripts: [],
    };
    if (agent.firstConnectedAt) out.first_connected_at = agent.firstConnectedAt;
    if (agent.lastConnectedAt) out.last_connected_at = agent.lastConnectedAt;
    if (agent.disconnectedAt) out.disconnected_at = agent.disconnectedAt;
    if (agent.startedAt) out.started_at = agent.startedAt;
    if (agent.readyAt) out.ready_at = agent.readyAt;
    return out;
  }

  private workspaceOfAgent(agent: AgentRecord): WorkspaceRecord | undefined {
    const build = this.state.builds.get(agent.buildId);
    return build ? this.state.workspaces.get(build.workspaceId) : undefined;
  }

  private app(app: AppRecord, agent: AgentRecord, workspaceName: string, ownerName: string): WorkspaceApp {
    const hasHealthcheck = !!app.healthcheck?.url;
    const out: WorkspaceApp = {
      id: app.id,
      external: app.external,
      slug: app.slug,
      display_name: app.displayName,
      icon: app.icon,
      subdomain: app.subdomain,
      sharing_level: app.share,
      healthcheck: app.healthcheck ?? { url: "", interval: 0, threshold: 0 },
      health: !hasHealthcheck ? "disabled" : agent.lifecycle === "ready" ? "healthy" : "initializing",
      hidden: app.hidden,
      open_in: app.openIn,
      statuses: [],
    };
    if (app.url !== undefined) out.url = app.url;
    if (app.command !== undefined) out.command = app.command;
    if (app.group !== undefined) out.group = app.group;
    // `AppSubdomain`: port-number slugs keep the agent name, other slugs leave it out.
    if (app.subdomain) {
      out.subdomain_name = /^\d+$/.test(app.slug)
        ? `${app.slug}--${agent.name}--${workspaceName}--${ownerName}`
        : `${app.slug}--${workspaceName}--${ownerName}`;
    }
    return out;
  }

  workspace(w: WorkspaceRecord): Workspace {
    const owner = this.state.users.get(w.ownerId);
    const org = this.state.organizations.get(w.organizationId)!;
    const template = this.state.templates.get(w.templateId)!;
    const latest = this.state.latestBuild(w);
    const build = this.build(latest);
    const agents = (build.resources ?? []).flatMap((r) => r.agents ?? []);
    const failing = agents.filter((a) => !a.health.healthy).map((a) => a.id);
    const out: Workspace = {
      id: w.id,
      created_at: w.createdAt,
      updated_at: w.updatedAt,
      owner_id: w.ownerId,
      owner_name: owner?.username ?? "",
      owner_avatar_url: "",
      organization_id: org.id,
      organization_name: org.name,
      template_id: template.id,
      template_name: template.name,
      template_display_name: template.displayName,
      template_icon: template.icon,
      template_allow_user_cancel_workspace_jobs: template.allowUserCancelWorkspaceJobs,
      template_active_version_id: template.activeVersionId,
      template_require_active_version: template.requireActiveVersion,
      template_use_classic_parameter_flow: template.useClassicParameterFlow,
      latest_build: build,
      latest_app_status: null,
      outdated: latest.templateVersionId !== template.activeVersionId,
      name: w.name,
      last_used_at: w.lastUsedAt,
      deleting_at: null,
      dormant_at: null,
      next_start_at: w.autostartSchedule ? nextStart(w.autostartSchedule) : null,
      health: { healthy: failing.length === 0, failing_agents: failing },
      automatic_updates: w.automaticUpdates,
      allow_renames: false,
      favorite: false,
      is_prebuild: false,
      task_id: null,
    };
    if (w.autostartSchedule) out.autostart_schedule = w.autostartSchedule;
    if (w.ttlMs !== undefined) out.ttl_ms = w.ttlMs;
    return out;
  }
}
