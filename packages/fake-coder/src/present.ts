/**
 * Records → API JSON, field by field as coderd's converters (`db2sdk`, `convertWorkspace`, ...) write them:
 * omitempty fields left out, "always present, maybe null" fields sent as null.
 */
import type {
  ProvisionerJob,
  Template,
  TemplateVersion,
  TemplateVersionVariable,
  Workspace,
  WorkspaceAgent,
  WorkspaceBuild,
  WorkspaceResource,
  WorkspaceStatus,
} from "./api-types.js";
import { FAKE_WORKER_ID } from "./jobs/status.js";
import { JobPresenter } from "./present/jobs.js";
import { TemplatePresenter } from "./present/templates.js";
import { WorkspacePresenter } from "./present/workspaces.js";
import { DEFAULT_PROVISIONER_DAEMONS, ProvisionerPool } from "./provisioners.js";
import type {
  AgentRecord,
  FakeState,
  JobRecord,
  ResourceRecord,
  TemplateRecord,
  TemplateVersionRecord,
  WorkspaceBuildRecord,
  WorkspaceRecord,
} from "./state.js";

/** Presents records with access to the whole state (names, statuses, queue positions); one file per resource. */
export class Presenter {
  private readonly jobs: JobPresenter;
  private readonly templates: TemplatePresenter;
  private readonly workspaces: WorkspacePresenter;

  constructor(
    state: FakeState,
    provisioners = new ProvisionerPool(DEFAULT_PROVISIONER_DAEMONS, FAKE_WORKER_ID),
  ) {
    this.jobs = new JobPresenter(state, provisioners);
    this.templates = new TemplatePresenter(state, provisioners, this.jobs);
    this.workspaces = new WorkspacePresenter(state, provisioners, this.jobs);
  }

  job(job: JobRecord, listed?: boolean): ProvisionerJob {
    return this.jobs.job(job, listed);
  }

  templateVersion(version: TemplateVersionRecord, matched?: "always" | "pending" | "never"): TemplateVersion {
    return this.templates.templateVersion(version, matched);
  }

  variables(version: TemplateVersionRecord): TemplateVersionVariable[] {
    return this.templates.variables(version);
  }

  template(t: TemplateRecord): Template {
    return this.templates.template(t);
  }

  buildStatus(build: WorkspaceBuildRecord): WorkspaceStatus {
    return this.workspaces.buildStatus(build);
  }

  build(build: WorkspaceBuildRecord): WorkspaceBuild {
    return this.workspaces.build(build);
  }

  resource(r: ResourceRecord, workspace?: WorkspaceRecord): WorkspaceResource {
    return this.workspaces.resource(r, workspace);
  }

  agent(agent: AgentRecord, workspace?: WorkspaceRecord): WorkspaceAgent {
    return this.workspaces.agent(agent, workspace);
  }

  workspace(w: WorkspaceRecord): Workspace {
    return this.workspaces.workspace(w);
  }
}
