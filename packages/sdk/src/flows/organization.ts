import type { CoderClient } from "../client/create-client.js";
import type { Organization } from "../types.js";

/**
 * Resolves the organization to work in: an explicit name or id, else the default one. Coder's `{organization}`
 * path segment accepts a UUID, a name or the literal `default` (the org with `is_default`), so one request does it.
 */
export function resolveOrganization(
  client: CoderClient,
  org: string | undefined,
  options: { signal?: AbortSignal } = {},
): Promise<Organization> {
  return client.organizations.get(org?.trim() || "default", options);
}
