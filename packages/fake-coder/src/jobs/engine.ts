/**
 * Provisioner jobs, run by an in-process "provisioner daemon" that follows `provisionerd/runner`: acquire (pending →
 * running), stage logs ("Setting up", ..., "Cleaning Up"), then complete or fail. One step of `stepDelayMs` passes
 * between stages. What each kind of job does is in `template-import.ts` and `workspace-build.ts`.
 */
import type { AgentEngine } from "../agents.js";
import { Bus } from "../bus.js";
import type { Clock } from "../clock.js";
import type { Faults, HoldJobRule } from "../faults.js";
import { newId, nowIso } from "../ids.js";
import { DEFAULT_PROVISIONER_DAEMONS, ProvisionerPool } from "../provisioners.js";
import type {
  FakeState,
  JobLogRecord,
  JobRecord,
  JobType,
  LogLevel,
  TemplateVersionRecord,
  Transition,
  WorkspaceBuildRecord,
} from "../state.js";
import type { Failure, JobPlan } from "./stages.js";
import { FAKE_WORKER_ID } from "./status.js";
import { templateDryRun, templateImport } from "./template-import.js";
import { workspaceBuild } from "./workspace-build.js";

/** `drpcsdk.MaxMessageSize`: an acquired job's whole payload, archive included, must fit in 4 MiB. */
export const MAX_JOB_PAYLOAD = 4 << 20;
/** Fixed overhead of the acquired-job protobuf around the archive bytes (ids, metadata, tags). */
const PAYLOAD_OVERHEAD = 512;

/** How often a pause looks for a cancel. */
const PAUSE_SLICE_MS = 50;

/**
 * How a build canceled while Terraform applies ends on coderd: Terraform is interrupted, the local-exec killed,
 * and the job fails (not canceled) with `canceled_at` set (seen on Coder f524e00d).
 */
const INTERRUPTED_APPLY: Failure = {
  error: "terraform apply: exit status 1",
  logs: ["Error: local-exec provisioner error", "Error: execution halted"],
};

/** What log followers hear. End-of-logs is only published when a provisioner finishes (or fails) the job. */
export type JobLogEvent = { kind: "log"; log: JobLogRecord } | { kind: "end" };

/** Creates and runs jobs. */
export class JobEngine {
  readonly bus = new Bus<JobLogEvent>();
  private nextLogId = 1;
  private readonly planned = new Map<
    string,
    { failure?: Failure & { atStage?: string }; hold?: HoldJobRule }
  >();

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
      ...(hold ? { hold } : {}),
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
    void this.run(this.state.job(version.jobId), templateImport(this.state, version), undefined);
  }

  /** Runs a workspace build (start, stop or delete). */
  startBuild(build: WorkspaceBuildRecord): void {
    const plan = workspaceBuild(this.state, this.agents, build);
    void this.run(this.state.job(build.jobId), plan, build.transition);
  }

  /** Runs a template version dry run with the given rich parameter values. */
  startDryRun(job: JobRecord, version: TemplateVersionRecord): void {
    void this.run(job, templateDryRun(this.state, job, version), undefined);
  }

  /** The daemon's loop: acquire, stages, clean up, complete. */
  private async run(job: JobRecord, { stages, complete }: JobPlan, transition: Transition | undefined) {
    const plan = this.planned.get(job.id) ?? {};
    await this.clock.sleep();
    if (this.clock.isDisposed || job.completedAt) return;
    const hold = plan.hold ?? this.faults.takeJobHold(job, transition);
    if (hold) {
      if (!hold.until) return;
      await Promise.resolve(hold.until).then(
        () => {},
        () => {},
      );
      if (this.clock.isDisposed || job.completedAt) return;
    }
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
        for (const line of failure.logs ?? [failure.error])
          this.log(job, "provisioner", "error", stage.name, line);
        this.finish(job, failure, true);
        return;
      }
      for (const line of stage.lines?.() ?? []) {
        if (typeof line === "string") this.log(job, "provisioner", "info", stage.name, line);
        else if (!(await this.pause(job, stage.name, line.pauseMs))) return;
      }
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

  /**
   * A step that takes `ms` (a resource being created), cut short by a cancel: then the job fails as Terraform
   * interrupted mid-apply does. False means "stop".
   */
  private async pause(job: JobRecord, stage: string, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!job.canceledAt && Date.now() < end) {
      await this.clock.sleep(Math.min(PAUSE_SLICE_MS, end - Date.now()));
      if (this.clock.isDisposed || job.completedAt) return false;
    }
    if (!job.canceledAt) return true;
    for (const line of INTERRUPTED_APPLY.logs ?? []) this.log(job, "provisioner", "error", stage, line);
    this.finish(job, INTERRUPTED_APPLY, true);
    return false;
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
}
