import type { CoderClient } from "../coder-client.js";
import { assertValidName } from "../names.js";
import type { AutomaticUpdates, Workspace } from "../types.js";
import { resolveBuild } from "./build-parameters.js";
import { createOnce } from "./create-once.js";
import type { BuildOptions } from "./workspace.js";

/** Options of {@link createWorkspace}. */
export interface CreateWorkspaceOptions extends BuildOptions {
  /** Owner: `me` (default), a user name or id. */
  owner?: string | undefined;
  name: string;
  templateId: string;
  /** The template's active version, whose parameters are resolved. */
  templateVersionId: string;
  /**
   * Build `templateVersionId` itself (sent as `template_version_id`) rather than the template's active version:
   * the "test before promote" flow, with a version that is not active yet.
   */
  exactVersion?: boolean | undefined;
  /** The template's `use_classic_parameter_flow`; looked up when undefined. */
  classicParameterFlow?: boolean | undefined;
  /** `always`: every later start uses the template's active version. Coder's default is `never`. */
  automaticUpdates?: AutomaticUpdates | undefined;
  /** Autostart, `CRON_TZ=<zone> <min> <hour> * * <days>`. */
  autostartSchedule?: string | undefined;
  /** Time to shutdown after each start, whole minutes in milliseconds. */
  ttlMs?: number | undefined;
}

/**
 * Creates a workspace with resolved rich parameters. A create is never retried blindly: when the answer is
 * lost (a dropped connection or a 5xx), the workspace is looked up by name first, and only created again when it
 * does not exist — so calling this twice never makes two workspaces. A 409 (it exists) returns the existing one.
 */
export function createWorkspace(
  client: CoderClient,
  options: CreateWorkspaceOptions,
): Promise<{ workspace: Workspace; created: boolean }> {
  return createWorkspaceWhenReady(client, options, undefined);
}

/**
 * {@link createWorkspace} that awaits `ready` once the values are resolved, right before the create is sent: a
 * fleet item waits for its build slot there. Not exported from the package.
 */
export async function createWorkspaceWhenReady(
  client: CoderClient,
  options: CreateWorkspaceOptions,
  ready: (() => Promise<void>) | undefined,
): Promise<{ workspace: Workspace; created: boolean }> {
  assertValidName("workspace", options.name);
  const { signal } = options;
  const owner = options.owner ?? "me";
  const resolved = await resolveBuild(client, {
    templateVersionId: options.templateVersionId,
    classic: options.classicParameterFlow,
    inputs: options.parameters ?? {},
    preset: options.preset,
    owner,
    signal,
    onEvent: options.onEvent,
  });
  const body = {
    name: options.name,
    ...(options.exactVersion
      ? { template_version_id: options.templateVersionId }
      : { template_id: options.templateId }),
    rich_parameter_values: resolved.values,
    ...(resolved.preset ? { template_version_preset_id: resolved.preset.ID } : {}),
    ...(options.automaticUpdates ? { automatic_updates: options.automaticUpdates } : {}),
    ...(options.autostartSchedule ? { autostart_schedule: options.autostartSchedule } : {}),
    ...(options.ttlMs !== undefined ? { ttl_ms: options.ttlMs } : {}),
  };
  await ready?.();
  // Workspace names are unique per owner, so whatever carries the name is the one this call made (or, after a
  // 409, one that already existed).
  const { value, created } = await createOnce({
    create: () => client.workspaces.create(owner, body, { signal }),
    find: () => client.workspaces.getByName(owner, options.name, { signal }),
    signal,
  });
  return { workspace: value, created };
}
