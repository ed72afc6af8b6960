/**
 * The in-memory model of the fake Coder: plain records in maps, seeded with one owner (`admin`) and a default
 * organization (`coder`). Routes turn records into API JSON (`present.ts`); jobs mutate them over time. The record
 * types live in `records/` (who, what is pushed, jobs, what is built) and are re-exported here.
 */
import { newId, newSessionToken, nowIso } from "./ids.js";
import { nameInvalidReason } from "./names.js";

export type { LogLevel } from "./records/common.js";
export type { OrganizationRecord, SiteRole, UserRecord } from "./records/identity.js";
export type { JobLogRecord, JobRecord, JobType } from "./records/jobs.js";
export type {
  FileRecord,
  TemplateRecord,
  TemplateVersionRecord,
  VariableValue,
} from "./records/templates.js";
export type {
  AgentLifecycle,
  AgentLogRecord,
  AgentRecord,
  AppRecord,
  ResourceRecord,
  Transition,
  WorkspaceBuildRecord,
  WorkspaceRecord,
} from "./records/workspaces.js";

import type { OrganizationRecord, SiteRole, UserRecord } from "./records/identity.js";
import type { JobRecord } from "./records/jobs.js";
import type { FileRecord, TemplateRecord, TemplateVersionRecord } from "./records/templates.js";
import type { AgentRecord, WorkspaceBuildRecord, WorkspaceRecord } from "./records/workspaces.js";

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
