/** What is built: workspaces, their builds, resources, agents and apps. */
import type { TemplateApp } from "../template-model.js";
import type { LogLevel } from "./common.js";
import type { VariableValue } from "./templates.js";

/** A workspace app of an agent. */
/** An app of a running agent: the template's `coder_app` plus its id. */
export interface AppRecord extends TemplateApp {
  id: string;
}

/** An agent's `lifecycle_state`. */
export type AgentLifecycle =
  | "created"
  | "starting"
  | "start_timeout"
  | "start_error"
  | "ready"
  | "shutting_down"
  | "shutdown_timeout"
  | "shutdown_error"
  | "off";

/** An agent startup log line, already in the API shape. */
export interface AgentLogRecord {
  id: number;
  created_at: string;
  output: string;
  level: LogLevel;
  source_id: string;
}

/** A workspace agent created by a start build. */
export interface AgentRecord {
  id: string;
  name: string;
  resourceId: string;
  buildId: string;
  createdAt: string;
  updatedAt: string;
  firstConnectedAt?: string;
  lastConnectedAt?: string;
  disconnectedAt?: string;
  startedAt?: string;
  readyAt?: string;
  lifecycle: AgentLifecycle;
  os: string;
  architecture: string;
  directory: string;
  connectionTimeoutSeconds: number;
  troubleshootingUrl: string;
  env: Record<string, string>;
  displayApps: string[];
  apps: AppRecord[];
  logSourceId: string;
  logs: AgentLogRecord[];
  /** Set by a fault: the agent never connects. */
  neverConnects: boolean;
}

/** A resource of an import, dry run or build. */
export interface ResourceRecord {
  id: string;
  createdAt: string;
  jobId: string;
  transition: "start" | "stop" | "delete";
  type: string;
  name: string;
  hide: boolean;
  icon: string;
  dailyCost: number;
  agentIds: string[];
}

/** A build transition. */
export type Transition = "start" | "stop" | "delete";

/** A workspace build; its status is derived from its job and transition. */
export interface WorkspaceBuildRecord {
  id: string;
  workspaceId: string;
  templateVersionId: string;
  buildNumber: number;
  transition: Transition;
  initiatorId: string;
  reason: string;
  jobId: string;
  createdAt: string;
  updatedAt: string;
  deadline: string | null;
  parameters: VariableValue[];
  resources: ResourceRecord[];
  /** The preset the build was made with (named in the request, or matched by identical values). */
  presetId?: string | null;
}

/** A workspace. */
export interface WorkspaceRecord {
  id: string;
  ownerId: string;
  organizationId: string;
  templateId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string;
  autostartSchedule?: string;
  ttlMs?: number;
  automaticUpdates: "always" | "never";
  deleted: boolean;
  /** Build ids, oldest first. */
  buildIds: string[];
}
