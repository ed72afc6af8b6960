/** Workspaces, builds, resources, agents and apps (`convertWorkspace`, `convertWorkspaceBuild`). */
import { agentStatus } from "../agents.js";
import type {
  Workspace,
  WorkspaceAgent,
  WorkspaceApp,
  WorkspaceBuild,
  WorkspaceResource,
  WorkspaceStatus,
} from "../api-types.js";
import { jobStatus } from "../jobs/status.js";
import type { ProvisionerPool } from "../provisioners.js";
import { nextStart } from "../schedule.js";
import type {
  AgentRecord,
  AppRecord,
  FakeState,
  ResourceRecord,
  WorkspaceBuildRecord,
  WorkspaceRecord,
} from "../state.js";
import { type JobPresenter, matchedProvisioners } from "./jobs.js";

/** Presents workspaces and everything under them. */
export class WorkspacePresenter {
  constructor(
    private readonly state: FakeState,
    private readonly provisioners: ProvisionerPool,
    private readonly jobs: JobPresenter,
  ) {}

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
    const job = this.jobs.job(this.state.job(build.jobId));
    const out: WorkspaceBuild = {
      id: build.id,
      created_at: build.createdAt,
      updated_at: build.updatedAt,
      workspace_id: workspace.id,
      workspace_name: workspace.name,
      workspace_owner_id: workspace.ownerId,
      workspace_owner_name: owner?.username ?? "",
      template_version_id: version.id,
      template_version_name: version.name,
      build_number: build.buildNumber,
      transition: build.transition,
      initiator_id: build.initiatorId,
      initiator_name: initiator?.username ?? "",
      job,
      reason: build.reason as WorkspaceBuild["reason"],
      resources: build.resources.map((r) => this.resource(r, workspace)),
      deadline: build.deadline,
      max_deadline: null,
      status: this.buildStatus(build),
      daily_cost: 0,
      // coderd looks up eligible daemons for pending jobs only; any other build says none.
      matched_provisioners:
        job.status === "pending"
          ? matchedProvisioners(this.provisioners, this.state.job(build.jobId).tags)
          : { count: 0, available: 0, most_recently_seen: null },
      template_version_preset_id: build.presetId ?? null,
    };
    // Pointers in Go (`omitempty`), set when the build completes (completeWorkspaceBuildJob); a failed or canceled
    // build never gets them.
    if (job.status === "succeeded") Object.assign(out, { has_ai_task: false, has_external_agent: false });
    return out;
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
      // A JSON null in the database when the template sets no env.
      environment_variables: Object.keys(agent.env).length ? agent.env : null,
      operating_system: agent.os,
      logs_length: agent.logs.reduce((n, l) => n + l.output.length, 0),
      logs_overflowed: false,
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
          icon: "/emojis/25b6-fe0f.png",
        },
      ],
      scripts: [],
      startup_script_behavior: "non-blocking",
    };
    // omitempty: a template without a directory has neither; the agent reports the expanded one once started.
    if (agent.directory) out.directory = agent.directory;
    if (agent.directory && agent.startedAt) out.expanded_directory = agent.directory;
    // A connected agent reports its relay latency (the real one: "Coder Embedded Relay").
    if (status === "connected") out.latency = { "Coder Embedded Relay": { preferred: true, latency_ms: 1 } };
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
      subdomain: app.subdomain,
      sharing_level: app.share,
      healthcheck: app.healthcheck ?? { url: "", interval: 0, threshold: 0 },
      health: !hasHealthcheck ? "disabled" : agent.lifecycle === "ready" ? "healthy" : "initializing",
      hidden: app.hidden,
      open_in: app.openIn,
      statuses: [],
    };
    if (app.icon) out.icon = app.icon; // omitempty
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
