import type { CoderClient } from "../coder-client.js";
import { OrganizationRequiredError } from "../errors/lifecycle.js";
import type { Organization } from "../types.js";

/**
 * Resolves the organization to work in, as the coder CLI does: an explicit name or id (Coder's `{organization}`
 * segment takes a UUID, a name or `default`), else the only organization the user is a member of. With several
 * (or none) it throws {@link OrganizationRequiredError} listing them: guessing would put templates and workspaces
 * in the wrong place.
 */
export async function resolveOrganization(
  client: CoderClient,
  org: string | undefined,
  options: { signal?: AbortSignal } = {},
): Promise<Organization> {
  const named = org?.trim();
  if (named) return client.organizations.get(named, options);
  const mine = await client.organizations.listMine(options);
  if (mine.length === 1 && mine[0]) return mine[0];
  throw new OrganizationRequiredError(mine);
}
