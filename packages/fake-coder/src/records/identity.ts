/** Who: users and organizations. */

/**
 * Site roles the fake knows. `owner` may do everything, `member` only its own things; `template-admin` is a
 * member who may also update templates, which exempts it from `require_active_version`.
 */
export type SiteRole = "owner" | "member" | "template-admin";

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
