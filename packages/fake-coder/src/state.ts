/**
 * The in-memory model of the fake Coder: plain records in maps, seeded with one owner (`admin`) and a default
 * organization (`coder`). Routes turn records into API JSON (`present.ts`); jobs mutate them over time.
 */
import { newId, newSessionToken, nowIso } from "./ids.js";
import { nameInvalidReason } from "./names.js";
import type { ParsedTemplate, TemplateApp, TemplateParameter, TemplateVariable } from "./template-model.js";

/** Site roles the fake knows. `owner` may do everything, `member` only its own things. */
export type SiteRole = "owner" | "member";

/** A user. */
export interface UserRecord {
  id: string;
  username: string;
  email: string;
  name: string;
  createdAt: string;
  status: "active" | "suspended" | "dormant";
  roles: SiteRole[];
  organizationIds: string[];
  /** Group names, as `data.coder_workspace_owner.*.groups` lists them (Coder adds "Everyone"). */
  groups?: string[];
}

/** An organization. */
export interface OrganizationRecord {
  id: string;
  name: string;
  displayName: string;
  description: string;
  icon: string;
  createdAt: string;
  isDefault: boolean;
}

/** An uploaded file, stored as a tar (zips are converted on upload). */
export interface FileRecord {
  id: string;
  hash: string;
  createdBy: string;
  mimetype: string;
  data: Uint8Array<ArrayBuffer>;
  createdAt: string;
}

/** A template (fields named as in coderd's database, not the API). */
export interface TemplateRecord {
  id: string;
  organizationId: string;
  name: string;
  displayName: string;
  description: string;
  icon: string;
  activeVersionId: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
  deprecationMessage: string;
  defaultTtlMs: number;
  activityBumpMs: number;
  failureTtlMs: number;
  dormantTtlMs: number;
  deleteTtlMs: number;
  allowUserAutostart: boolean;
  allowUserAutostop: boolean;
  allowUserCancelWorkspaceJobs: boolean;
  requireActiveVersion: boolean;
  useClassicParameterFlow: boolean;
}

/** A `{name, value}` pair: Terraform variable values and rich parameter values. */
export interface VariableValue {
  name: string;
  value: string;
}

/** A template version and what its import learned. */
export interface TemplateVersionRecord {
  id: string;
  templateId: string | null;
  organizationId: string;
  name: string;
  message: string;
  readme: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  jobId: string;
  archived: boolean;
  fileId: string;
  userVariableValues: VariableValue[];
  /** What the import job read from the archive; set when the job parsed it. */
  parsed?: ParsedTemplate;
  parameters: TemplateParameter[];
  variables: (TemplateVariable & { value: string })[];
}

/** What a provisioner job does. */
export type JobType = "template_version_import" | "workspace_build" | "template_version_dry_run";
/** Log levels of jobs and agents. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

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

/** Seed data for one extra user. */
export interface SeedUser {
  username: string;
  email?: string;
  name?: string;
  /** Default `["member"]`. */
  roles?: SiteRole[];
  /** Organization names; default: the default organization. */
  organizations?: string[];
  /** A token in Coder's format; one is generated otherwise. */
  token?: string;
  status?: UserRecord["status"];
}

/** What to seed the fake with. Everything is optional. */
export interface SeedOptions {
  /** The seeded owner. Default username `admin`. */
  admin?: { username?: string; email?: string; name?: string; token?: string };
  /** Extra organizations (names); the default organization `coder` always exists. */
  organizations?: (string | { name: string; displayName?: string })[];
  /** Extra users. */
  users?: SeedUser[];
}

const TOKEN_RE = /^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$/;

/** The whole in-memory state. Maps are public so tests can look inside; mutate through the routes. */
export class FakeState {
  readonly users = new Map<string, UserRecord>();
  readonly organizations = new Map<string, OrganizationRecord>();
  /** token → user id */
  readonly tokens = new Map<string, string>();
  readonly files = new Map<string, FileRecord>();
  readonly templates = new Map<string, TemplateRecord>();
  readonly templateVersions = new Map<string, TemplateVersionRecord>();
  readonly jobs = new Map<string, JobRecord>();
  readonly workspaces = new Map<string, WorkspaceRecord>();
  readonly builds = new Map<string, WorkspaceBuildRecord>();
  readonly agents = new Map<string, AgentRecord>();
  /** The seeded owner's id. */
  readonly adminId: string;
  readonly defaultOrganizationId: string;
  readonly deploymentId = newId();

  constructor(seed: SeedOptions = {}) {
    this.defaultOrganizationId = this.addOrganization({ name: "coder", displayName: "Coder" }, true).id;
    for (const org of seed.organizations ?? []) {
      this.addOrganization(typeof org === "string" ? { name: org } : org);
    }
    const admin = this.addUser({
      username: seed.admin?.username ?? "admin",
      email: seed.admin?.email ?? "admin@coder.fake",
      name: seed.admin?.name ?? "Admin",
      roles: ["owner"],
      ...(seed.admin?.token ? { token: seed.admin.token } : {}),
      organizations: [...this.organizations.values()].map((o) => o.name),
    });
    this.adminId = admin.id;
    for (const user of seed.users ?? []) this.addUser(user);
  }

  /** Adds an organization. Names follow Coder's name rules. */
  addOrganization(input: { name: string; displayName?: string }, isDefault = false): OrganizationRecord {
    const reason = nameInvalidReason(input.name);
    if (reason) throw new Error(`fake-coder seed: organization name "${input.name}" ${reason}`);
    if (this.organizationByName(input.name))
      throw new Error(`fake-coder seed: organization "${input.name}" exists`);
    const org: OrganizationRecord = {
      id: newId(),
      name: input.name,
      displayName: input.displayName ?? input.name,
      description: "",
      icon: "",
      createdAt: nowIso(),
      isDefault,
    };
    this.organizations.set(org.id, org);
    return org;
  }

  /** Adds a user with a session token and returns it; `tokenOf(user)` gives the token back. */
  addUser(input: SeedUser): UserRecord {
    const reason = nameInvalidReason(input.username);
    if (reason) throw new Error(`fake-coder seed: username "${input.username}" ${reason}`);
    if (this.userByName(input.username)) throw new Error(`fake-coder seed: user "${input.username}" exists`);
    const orgIds = (input.organizations ?? ["coder"]).map((name) => {
      const org = this.organizationByName(name);
      if (!org) throw new Error(`fake-coder seed: unknown organization "${name}"`);
      return org.id;
    });
    const user: UserRecord = {
      id: newId(),
      username: input.username,
      email: input.email ?? `${input.username}@coder.fake`,
      name: input.name ?? "",
      createdAt: nowIso(),
      status: input.status ?? "active",
      roles: input.roles ?? ["member"],
      organizationIds: orgIds,
    };
    const token = input.token ?? newSessionToken();
    if (!TOKEN_RE.test(token))
      throw new Error("fake-coder seed: tokens must look like Coder's (10 + '-' + 22)");
    this.users.set(user.id, user);
    this.tokens.set(token, user.id);
    return user;
  }

  /** The first session token of a user (by username or id). */
  tokenOf(user: string): string {
    const record = this.userByName(user) ?? this.users.get(user);
    if (!record) throw new Error(`fake-coder: unknown user "${user}"`);
    for (const [token, id] of this.tokens) if (id === record.id) return token;
    throw new Error(`fake-coder: user "${user}" has no token`);
  }

  /** Mints another token for a user (what `POST /users/{user}/keys` does). */
  mintToken(userId: string): string {
    const token = newSessionToken();
    this.tokens.set(token, userId);
    return token;
  }

  /** Usernames match case-insensitively, as coderd's `LOWER(username)` lookup. */
  userByName(username: string): UserRecord | undefined {
    const lower = username.toLowerCase();
    for (const user of this.users.values()) if (user.username.toLowerCase() === lower) return user;
    return undefined;
  }

  organizationByName(name: string): OrganizationRecord | undefined {
    const lower = name.toLowerCase();
    for (const org of this.organizations.values()) if (org.name.toLowerCase() === lower) return org;
    return undefined;
  }

  defaultOrganization(): OrganizationRecord {
    return this.organizations.get(this.defaultOrganizationId)!;
  }

  /** Live (not deleted) template by organization and case-insensitive name. */
  templateByName(organizationId: string, name: string): TemplateRecord | undefined {
    const lower = name.toLowerCase();
    for (const t of this.templates.values()) {
      if (!t.deleted && t.organizationId === organizationId && t.name.toLowerCase() === lower) return t;
    }
    return undefined;
  }

  /** Builds of a workspace, oldest first. */
  buildsOf(workspace: WorkspaceRecord): WorkspaceBuildRecord[] {
    return workspace.buildIds.map((id) => this.builds.get(id)!);
  }

  latestBuild(workspace: WorkspaceRecord): WorkspaceBuildRecord {
    return this.builds.get(workspace.buildIds[workspace.buildIds.length - 1]!)!;
  }

  /** The job of a record that has one; throws when the model is inconsistent (a bug in the fake). */
  job(id: string): JobRecord {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`fake-coder: missing job ${id}`);
    return job;
  }

  isOwner(user: UserRecord): boolean {
    return user.roles.includes("owner");
  }
}
