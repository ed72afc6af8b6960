import type { MatchedProvisioners, ProvisionerJob } from "../api-types.js";
import { NIL_UUID, nowIso } from "../ids.js";
import { jobStatus } from "../jobs/status.js";
import type { ProvisionerPool } from "../provisioners.js";
import type { FakeState, JobRecord, TemplateVersionRecord } from "../state.js";

/** The daemons whose tags contain the job's (`GetProvisionerDaemonsByOrganization`); all are seen just now. */
export function matchedProvisioners(
  pool: ProvisionerPool,
  tags: Record<string, string>,
): MatchedProvisioners {
  const count = pool.matching(tags).length;
  return { count, available: count, most_recently_seen: count > 0 ? nowIso() : null };
}

/** Presents jobs with their queue position and worker. */
export class JobPresenter {
  constructor(
    private readonly state: FakeState,
    private readonly provisioners: ProvisionerPool,
  ) {}

  /**
   * A job as coderd converts it. Embedded in a version or a build (and read alone), a job has no worker name
   * and zero metadata (`convertProvisionerJob`); only the organization's job list (`listed`) joins the worker's
   * name and the version, template and workspace (`convertProvisionerJobWithQueuePosition`).
   */
  job(job: JobRecord, listed = false): ProvisionerJob {
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
      if (listed) out.worker_name = this.provisioners.daemons.find((d) => d.id === job.workerId)?.name ?? "";
    }
    const version = job.templateVersionId
      ? this.state.templateVersions.get(job.templateVersionId)
      : undefined;
    if (version) {
      out.input = { template_version_id: version.id };
      if (listed) out.metadata = this.jobMetadata(version);
    }
    const build = job.workspaceBuildId ? this.state.builds.get(job.workspaceBuildId) : undefined;
    if (build) {
      const workspace = this.state.workspaces.get(build.workspaceId)!;
      const buildVersion = this.state.templateVersions.get(build.templateVersionId)!;
      out.input = { workspace_build_id: build.id };
      if (listed) {
        out.metadata = {
          ...this.jobMetadata(buildVersion),
          workspace_id: workspace.id,
          workspace_name: workspace.name,
        };
      }
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
}
