/** A user record as the template sees it in `data.coder_workspace_owner` (coderd's `getWorkspaceOwnerData`). */
import type { UserRecord } from "../state.js";
import type { OwnerData } from "./scope.js";

/** The owner's data; every member is in the organization's "Everyone" group unless a test says otherwise. */
export function ownerData(user: UserRecord): OwnerData {
  return {
    id: user.id,
    name: user.username,
    full_name: user.name,
    email: user.email,
    groups: user.groups ?? ["Everyone"],
  };
}
