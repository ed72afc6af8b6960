/** Provisioner jobs and their logs. */
import type { LogLevel } from "./common.js";
import type { VariableValue } from "./templates.js";
import type { ResourceRecord } from "./workspaces.js";

/** What a provisioner job does. */
export type JobType = "template_version_import" | "workspace_build" | "template_version_dry_run";

/** A provisioner job log line, already in the API shape. */
export interface JobLogRecord {
  id: number;
  created_at: string;
  log_source: "provisioner_daemon" | "provisioner";
  log_level: LogLevel;
  stage: string;
  output: string;
}

/** A provisioner job; its status is derived from the timestamps (`jobStatus`). */
export interface JobRecord {
  id: string;
  type: JobType;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  completedAt?: string;
  canceledAt?: string;
  error?: string;
  errorCode?: string;
  workerId?: string;
  fileId: string;
  organizationId: string;
  initiatorId: string;
  tags: Record<string, string>;
  templateVersionId?: string;
  workspaceBuildId?: string;
  /** Rich parameter values of a dry run. */
  dryRunValues?: VariableValue[];
  dryRunWorkspaceName?: string;
  logs: JobLogRecord[];
  /** Resources produced by a dry run. */
  resources: ResourceRecord[];
}
