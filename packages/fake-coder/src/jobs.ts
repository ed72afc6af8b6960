/**
 * Provisioner jobs, run by an in-process "provisioner daemon" that follows `provisionerd/runner`: acquire (pending →
 * running), stage logs ("Setting up", ..., "Cleaning Up"), then complete or fail. One step of `stepDelayMs` passes
 * between stages. Status is derived from the timestamps exactly like coderd's generated `job_status` column.
 */
import type { AgentEngine } from "./agents.js";
import { ArchiveError, type ArchiveFile, readTar } from "./archive.js";
import { Bus } from "./bus.js";
import type { Clock } from "./clock.js";
import { readDynamicParts } from "./dynamic/import.js";
import type { Faults } from "./faults.js";
import {
  HclSyntaxError,
  isTopLevelTerraform,
  parseTemplateFiles,
  readTemplate,
  readVariables,
} from "./hcl.js";
import { newId, nowIso } from "./ids.js";
import { parameterDefinitionProblem, resolveBuildParameters } from "./parameters.js";
import { DEFAULT_PROVISIONER_DAEMONS, ProvisionerPool } from "./provisioners.js";
import type {
  FakeState,
  JobLogRecord,
  JobRecord,
  JobType,
  LogLevel,
  ResourceRecord,
  TemplateVersionRecord,
  Transition,
  WorkspaceBuildRecord,
} from "./state.js";
import type { ParsedTemplate } from "./template-model.js";

/** `drpcsdk.MaxMessageSize`: an acquired job's whole payload, archive included, must fit in 4 MiB. */
export const MAX_JOB_PAYLOAD = 4 << 20;
/** Fixed overhead of the acquired-job protobuf around the archive bytes (ids, metadata, tags). */
const PAYLOAD_OVERHEAD = 512;

/** The statuses the database can compute (never `unknown`). */
export type JobStatus = "pending" | "running" | "succeeded" | "canceling" | "canceled" | "failed";

/** coderd's generated `job_status` column. */
export function jobStatus(job: JobRecord): JobStatus {
  if (job.completedAt) {
    if (job.error) return "failed";
    if (job.canceledAt) return "canceled";
    return "succeeded";
  }
  if (job.error) return "failed";
  if (job.canceledAt) return "canceling";
  if (!job.startedAt) return "pending";
  return "running";
}

/** `ProvisionerJobStatus.Active()`. */
export function jobActive(job: JobRecord): boolean {
  const s = jobStatus(job);
  return s === "pending" || s === "running" || s === "canceling";
}

/** What log followers hear. End-of-logs is only published when a provisioner finishes (or fails) the job. */
export type JobLogEvent = { kind: "log"; log: JobLogRecord } | { kind: "end" };

interface Failure {
  error: string;
  code?: string;
}

interface Stage {
  name: string;
  /** Work done at the start of the stage; a returned failure fails the job. */
  run?: () => Promise<Failure | undefined> | Failure | undefined;
  /** Provisioner output lines logged after `run`. */
  lines?: () => string[];
}

/** Creates and runs jobs. */
export class JobEngine {
  readonly bus = new Bus<JobLogEvent>();
  private nextLogId = 1;
  private readonly planned = new Map<string, { failure?: Failure & { atStage?: string }; hold: boolean }>();

  constructor(
    private readonly state: FakeState,
    private readonly clock: Clock,
    private readonly faults: Faults,
    private readonly agents: AgentEngine,
    /** The daemons that run the jobs; a job waits (pending, in the queue) until one is free. */
    readonly provisioners = new ProvisionerPool(DEFAULT_PROVISIONER_DAEMONS, FAKE_WORKER_ID),
  ) {}

  /** A new pending job. Faults aimed at "the next job" of this kind are attached here. */
  create(init: {
    type: JobType;
    fileId: string;
    organizationId: string;
    initiatorId: string;
    tags: Record<string, string>;
    transition?: Transition;
  }): JobRecord {
    const now = nowIso();
    const job: JobRecord = {
      id: newId(),
      type: init.type,
      createdAt: now,
      updatedAt: now,
      fileId: init.fileId,
      organizationId: init.organizationId,
      initiatorId: init.initiatorId,
      tags: init.tags,
      logs: [],
      resources: [],
    };
    this.state.jobs.set(job.id, job);
    const failure = this.faults.takeJobFailure(job, init.transition);
    const hold = this.faults.takeJobHold(job, init.transition);
    this.planned.set(job.id, {
      hold,
      ...(failure
        ? {
            failure: {
              error: failure.error,
              ...(failure.errorCode ? { code: failure.errorCode } : {}),
              ...(failure.atStage ? { atStage: failure.atStage } : {}),
            },
          }
        : {}),
    });
    return job;
  }

  /**
   * Cancels as coderd's cancel endpoints do: a job no daemon has picked up is completed at once and, as in Coder,
   * no end-of-logs is published (followers stay open); a running job only gets `canceled_at` and the daemon
   * finishes it at its next step.
   */
  cancel(job: JobRecord): void {
    const now = nowIso();
    job.canceledAt = now;
    job.updatedAt = now;
    if (!job.workerId) job.completedAt = now;
  }

  /** Runs a template version import. */
  startImport(version: TemplateVersionRecord): void {
    const job = this.state.job(version.jobId);
    let files: ArchiveFile[] = [];
    let parsed: ParsedTemplate | undefined;
    const stages: Stage[] = [
      { name: "Setting up" },
      {
        name: "Parsing template parameters",
        run: async () => {
          const result = await this.readArchive(job);
          if ("error" in result) return result;
          files = result.files;
          try {
            const docs = await parseTemplateFiles(files);
            const variables = readVariables(docs);
            const values = new Map<string, string>();
            const missing: string[] = [];
            version.variables = variables.map((v) => {
              const value =
                version.userVariableValues.find((u) => u.name === v.name)?.value ?? v.default_value;
              if (v.required && value === "") missing.push(v.name);
              values.set(v.name, value);
              return { ...v, value };
            });
            // coderd stores the variables before it rejects the missing ones, so /variables answers afterwards.
            if (missing.length > 0) {
              return {
                error: `update job: required template variables need values: ${missing.join(", ")}`,
                code: "REQUIRED_TEMPLATE_VARIABLES",
              };
            }
            const readme = files.find((f) => f.path === "README.md");
            parsed = readTemplate(docs, values, readme ? Buffer.from(readme.data).toString("utf8") : "");
            version.readme = parsed.readme;
            const problem = readDynamicParts(parsed, docs, values, this.state.users.get(version.createdBy));
            if (problem) return { error: `template import provision for start: plan: ${problem}` };
            return undefined;
          } catch (err) {
            if (err instanceof HclSyntaxError)
              return { error: `run parse: parse error: load module: ${err.message}` };
            throw err;
          }
        },
      },
      {
        name: "Detecting persistent resources",
        run: () => {
          if (!files.some((f) => isTopLevelTerraform(f.path))) {
            return {
              error:
                "template import provision for start: plan: No configuration files: Plan requires configuration to be present.",
            };
          }
          for (const p of parsed?.parameters ?? []) {
            const problem = parameterDefinitionProblem(p);
            if (problem) {
              return {
                error: `template import provision for start: plan: data.coder_parameter "${p.name}": ${problem}`,
              };
            }
          }
          return undefined;
        },
        lines: () => [
          "Initializing the backend...",
          "Initializing provider plugins...",
          "Terraform has been successfully initialized!",
          ...(parsed?.parameters ?? []).map((p) => `data.coder_parameter.${p.name}: Refreshing...`),
          `Plan: ${countResources(parsed, "start")} to add, 0 to change, 0 to destroy.`,
        ],
      },
      {
        name: "Detecting ephemeral resources",
        lines: () => [`Plan: ${countResources(parsed, "stop")} to add, 0 to change, 0 to destroy.`],
      },
    ];
    void this.run(job, stages, undefined, () => {
      job.resources = (["start", "stop"] as const).flatMap((t) =>
        plannedResources(parsed, t).map((r) => resourceRecord(job.id, t, r.type, r.name)),
      );
      version.parsed = parsed;
      version.parameters = parsed?.parameters ?? [];
      version.updatedAt = nowIso();
    });
  }

  /** Runs a workspace build (start, stop or delete). */
  startBuild(build: WorkspaceBuildRecord): void {
    const job = this.state.job(build.jobId);
    const version = this.state.templateVersions.get(build.templateVersionId)!;
    const applyStage = {
      start: "Starting workspace",
      stop: "Stopping workspace",
      delete: "Destroying workspace",
    }[build.transition];
    const workspace = this.state.workspaces.get(build.workspaceId)!;
    const previousAgents = this.previousAgentIds(build);
    const resources = plannedResources(version.parsed, build.transition);
    const stages: Stage[] = [
      { name: "Setting up" },
      {
        name: "Planning infrastructure",
        lines: () => [
          "Terraform 1.9.8",
          "data.coder_workspace.me: Refreshing...",
          `Plan: ${build.transition === "start" ? resources.length : 0} to add, 0 to change, ${
            build.transition === "start" ? 0 : previousAgents.length > 0 ? 1 : 0
          } to destroy.`,
        ],
      },
      {
        name: applyStage,
        run: () => {
          if (build.transition !== "start") this.agents.beginShutdown(previousAgents);
          return undefined;
        },
        lines: () =>
          build.transition === "start"
            ? [
                ...resources.flatMap((r) => [
                  `${r.type}.${r.name}: Creating...`,
                  `${r.type}.${r.name}: Creation complete`,
                ]),
                `Apply complete! Resources: ${resources.length} added, 0 changed, 0 destroyed.`,
              ]
            : ["Apply complete! Resources: 0 added, 0 changed, 1 destroyed."],
      },
    ];
    void this.run(job, stages, build.transition, () => {
      build.resources = this.materialise(job.id, build, version.parsed);
      build.updatedAt = nowIso();
      if (build.transition !== "start") this.agents.finishShutdown(previousAgents);
      if (build.transition === "delete") workspace.deleted = true;
      // provisionerdserver sets the deadline when a start completes: now + the workspace's TTL (none: manual).
      if (build.transition === "start" && workspace.ttlMs !== undefined) {
        build.deadline = new Date(Date.now() + workspace.ttlMs).toISOString();
      }
      workspace.updatedAt = nowIso();
    });
  }

  /** Runs a template version dry run with the given rich parameter values. */
  startDryRun(job: JobRecord, version: TemplateVersionRecord): void {
    const importJob = this.state.job(version.jobId);
    const stages: Stage[] = [
      { name: "Setting up" },
      {
        name: "Detecting persistent resources",
        run: () => {
          // The same Terraform fails the same way again.
          if (jobStatus(importJob) !== "succeeded") {
            return {
              error: `run dry-run provision job: ${importJob.error ?? "template import did not succeed"}`,
            };
          }
          const { problems } = resolveBuildParameters(version.parameters, job.dryRunValues ?? [], []);
          const first = problems[0];
          return first ? { error: `run dry-run provision job: ${first.reason}` } : undefined;
        },
        lines: () => [`Plan: ${countResources(version.parsed, "start")} to add, 0 to change, 0 to destroy.`],
      },
    ];
    void this.run(job, stages, undefined, () => {
      job.resources = plannedResources(version.parsed, "start").map((r) =>
        resourceRecord(job.id, "start", r.type, r.name),
      );
    });
  }

  private previousAgentIds(build: WorkspaceBuildRecord): string[] {
    const workspace = this.state.workspaces.get(build.workspaceId)!;
    const builds = this.state.buildsOf(workspace).filter((b) => b.buildNumber < build.buildNumber);
    return builds.flatMap((b) => b.resources.flatMap((r) => r.agentIds));
  }

  private async readArchive(job: JobRecord): Promise<{ files: ArchiveFile[] } | Failure> {
    const file = this.state.files.get(job.fileId);
    if (!file) return { error: "run parse: get file: not found" };
    try {
      return { files: await readTar(file.data) };
    } catch (err) {
      if (err instanceof ArchiveError)
        return { error: `run parse: extract template source archive: ${err.message}` };
      throw err;
    }
  }

  /** The daemon's loop: acquire, stages, clean up, complete. */
  private async run(
    job: JobRecord,
    stages: Stage[],
    transition: Transition | undefined,
    complete: () => void,
  ) {
    const plan = this.planned.get(job.id) ?? { hold: false };
    await this.clock.sleep();
    if (this.clock.isDisposed || job.completedAt) return;
    if (plan.hold || this.faults.takeJobHold(job, transition)) return;
    const daemon = await this.provisioners.acquire(job);
    if (!daemon || this.clock.isDisposed || job.completedAt) return;
    job.startedAt = nowIso();
    job.updatedAt = job.startedAt;
    job.workerId = daemon.id;
    const payload = this.payloadSize(job);
    if (payload > MAX_JOB_PAYLOAD) {
      this.finish(job, { error: `payload was too big: ${payload} > ${MAX_JOB_PAYLOAD}` }, false);
      return;
    }
    for (const stage of stages) {
      if (!(await this.step(job))) return;
      this.log(job, "provisioner_daemon", "info", stage.name, "");
      const injected = this.injectedFailure(job, stage.name, transition);
      const failure = injected ?? (await stage.run?.());
      if (failure) {
        this.log(job, "provisioner", "error", stage.name, failure.error);
        this.finish(job, failure, true);
        return;
      }
      for (const line of stage.lines?.() ?? []) this.log(job, "provisioner", "info", stage.name, line);
    }
    if (!(await this.step(job))) return;
    complete();
    this.finish(job, undefined, true);
  }

  /** Waits one step; a running job canceled meanwhile is finished as canceled. False means "stop". */
  private async step(job: JobRecord): Promise<boolean> {
    await this.clock.sleep();
    if (this.clock.isDisposed || job.completedAt) return false;
    if (job.canceledAt) {
      this.finish(job, undefined, true);
      return false;
    }
    return true;
  }

  private injectedFailure(job: JobRecord, stage: string, transition?: Transition): Failure | undefined {
    const plan = this.planned.get(job.id);
    if (plan?.failure && (!plan.failure.atStage || plan.failure.atStage === stage)) {
      const { atStage: _atStage, ...failure } = plan.failure;
      delete plan.failure;
      return failure;
    }
    if (!this.faults.hasJobRuleFor(job.id)) return undefined;
    const rule = this.faults.takeJobFailure(job, transition, stage);
    return rule ? { error: rule.error, ...(rule.errorCode ? { code: rule.errorCode } : {}) } : undefined;
  }

  /** Completes or fails a job and publishes end-of-logs, as `CompleteJob`/`FailJob` do. */
  private finish(job: JobRecord, failure: Failure | undefined, cleanUp: boolean): void {
    if (cleanUp) this.log(job, "provisioner_daemon", "info", "Cleaning Up", "");
    const now = nowIso();
    job.completedAt = now;
    job.updatedAt = now;
    if (failure) {
      job.error = failure.error;
      if (failure.code) job.errorCode = failure.code;
    }
    this.provisioners.release(job);
    this.bus.publish(job.id, { kind: "end" });
  }

  private payloadSize(job: JobRecord): number {
    return (this.state.files.get(job.fileId)?.data.byteLength ?? 0) + PAYLOAD_OVERHEAD;
  }

  private log(
    job: JobRecord,
    source: JobLogRecord["log_source"],
    level: LogLevel,
    stage: string,
    output: string,
  ) {
    const log: JobLogRecord = {
      id: this.nextLogId++,
      created_at: nowIso(),
      log_source: source,
      log_level: level,
      stage,
      output,
    };
    job.logs.push(log);
    job.updatedAt = log.created_at;
    this.bus.publish(job.id, { kind: "log", log });
  }

  /** Turns the template's resources for this transition into records, agents included for start builds. */
  private materialise(
    jobId: string,
    build: WorkspaceBuildRecord,
    parsed: ParsedTemplate | undefined,
  ): ResourceRecord[] {
    return plannedResources(parsed, build.transition).map((r) => {
      const record = resourceRecord(jobId, build.transition, r.type, r.name);
      if (build.transition === "start") {
        const agents = (parsed?.agents ?? []).filter((a) => r.agentNames.includes(a.name));
        this.agents.createAgents(build.id, record, agents);
      }
      return record;
    });
  }
}

/** The provisioner's identity on jobs it picked up. */
export const FAKE_WORKER_ID = "f4e1c0de-0000-4000-8000-00000000fa6e";

function plannedResources(parsed: ParsedTemplate | undefined, transition: Transition) {
  if (!parsed || transition === "delete") return [];
  return parsed.resources.filter((r) => !r.never && (transition === "start" || !r.startOnly));
}

function countResources(parsed: ParsedTemplate | undefined, transition: Transition): number {
  return plannedResources(parsed, transition).length;
}

function resourceRecord(jobId: string, transition: Transition, type: string, name: string): ResourceRecord {
  return {
    id: newId(),
    createdAt: nowIso(),
    jobId,
    transition,
    type,
    name,
    hide: false,
    icon: "",
    dailyCost: 0,
    agentIds: [],
  };
}
