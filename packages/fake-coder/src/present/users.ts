/** Users and organizations, as `db2sdk.User` and `db2sdk.Organization` write them. */
import type { MinimalUser, Organization, User } from "../api-types.js";
import { nowIso } from "../ids.js";
import type { OrganizationRecord, UserRecord } from "../state.js";

const ROLE_NAMES: Record<string, string> = {
  owner: "Owner",
  member: "Member",
  "template-admin": "Template Admin",
};

/**
 * `codersdk.User` for a user record; site roles only (`member` is implicit). `avatar_url` and the deprecated
 * `theme_preference` are `omitempty` and empty for every fake user, so absent (as Coder f524e00d answered).
 */
export function presentUser(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    created_at: user.createdAt,
    updated_at: user.createdAt,
    last_seen_at: nowIso(),
    status: user.status,
    login_type: "password",
    organization_ids: user.organizationIds,
    // Coder lists site roles here; `member` is implicit and not listed.
    roles: user.roles
      .filter((r) => r !== "member")
      .map((r) => ({ name: r, display_name: ROLE_NAMES[r] ?? r })),
  };
}

/** `codersdk.MinimalUser` (e.g. `TemplateVersion.created_by`); no avatar, so no `avatar_url` (omitempty). */
export function presentMinimalUser(user: UserRecord | undefined, id: string): MinimalUser {
  return { id, username: user?.username ?? "", name: user?.name ?? "" };
}

/** `codersdk.Organization`. */
export function presentOrganization(org: OrganizationRecord): Organization {
  return {
    id: org.id,
    name: org.name,
    display_name: org.displayName,
    description: org.description,
    icon: org.icon,
    created_at: org.createdAt,
    updated_at: org.createdAt,
    is_default: org.isDefault,
  };
}
