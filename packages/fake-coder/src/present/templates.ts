import type { Template, TemplateVersion, TemplateVersionVariable } from "../api-types.js";
import { NIL_UUID } from "../ids.js";
import { jobStatus } from "../jobs/status.js";
import type { ProvisionerPool } from "../provisioners.js";
import type { FakeState, TemplateRecord, TemplateVersionRecord } from "../state.js";
import { type JobPresenter, matchedProvisioners } from "./jobs.js";
import { presentMinimalUser } from "./users.js";

/** Presents templates and their versions. */
export class TemplatePresenter {
  constructor(
    private readonly state: FakeState,
    private readonly provisioners: ProvisionerPool,
    private readonly jobs: JobPresenter,
  ) {}

  /**
   * A version as `convertTemplateVersion` gives it. `matched` says when `matched_provisioners` is there: coderd
   * always computes it for the create answer, only while the job is pending for a version read alone, and never
   * in a list.
   */
  templateVersion(
    version: TemplateVersionRecord,
    matched: "always" | "pending" | "never" = "pending",
  ): TemplateVersion {
    const job = this.state.job(version.jobId);
    const withMatched = matched === "always" || (matched === "pending" && jobStatus(job) === "pending");
    return {
      id: version.id,
      template_id: version.templateId ?? NIL_UUID,
      organization_id: version.organizationId,
      created_at: version.createdAt,
      updated_at: version.updatedAt,
      name: version.name,
      message: version.message,
      job: this.jobs.job(this.state.job(version.jobId)),
      readme: version.readme,
      created_by: presentMinimalUser(this.state.users.get(version.createdBy), version.createdBy),
      archived: version.archived,
      ...(withMatched ? { matched_provisioners: matchedProvisioners(this.provisioners, job.tags) } : {}),
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
      use_terraform_workspace_cache: false,
    };
  }

  private activeUserCount(t: TemplateRecord): number {
    const owners = new Set<string>();
    for (const w of this.state.workspaces.values())
      if (w.templateId === t.id && !w.deleted) owners.add(w.ownerId);
    return owners.size;
  }

  /** `codersdk.ConvertWorkspaceStatus`: job status × transition (coder-api.md, table in section j). */
}
