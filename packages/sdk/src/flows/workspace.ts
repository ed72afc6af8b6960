import type { CoderClient } from "../client/create-client.js";
import { assertValidName } from "../names.js";
import type { Workspace, WorkspaceBuild, WorkspaceBuildParameter } from "../types.js";
import { resolveBuild } from "./build-parameters.js";
import { createOnce } from "./create-once.js";
import type { FlowEventHandler } from "./events.js";
import { waitForBuild } from "./wait.js";

/** Options of the workspace lifecycle calls. */
export interface BuildOptions {
  /** Parameter values by name; resolved and validated against the template version before the request. */
  parameters?: Record<string, string> | undefined;
  /** A preset's name, or `"none"`; on create, undefined means the template's default preset. */
  preset?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Parameter warnings, the preset used and values it replaced. */
  onEvent?: FlowEventHandler | undefined;
}

/**
 * Resolves `inputs` for a build of a template version with the template's flow (classic rules, or the server's
 * dynamic evaluation; see `resolveBuild`, which also applies presets) and returns the values to send.
 * `previous` are the values of the last build, for immutability and monotonic checks. Throws
 * `ParameterValidationError` before anything is built.
 */
export async function resolveBuildParameters(
  client: CoderClient,
  templateVersionId: string,
  inputs: Record<string, string>,
  previous: WorkspaceBuildParameter[] | undefined,
  signal?: AbortSignal,
  options: { classic?: boolean; ownerId?: string; onEvent?: FlowEventHandler } = {},
): Promise<WorkspaceBuildParameter[]> {
  const resolved = await resolveBuild(client, {
    templateVersionId,
    inputs,
    previous,
    preset: false,
    signal,
    ...options,
  });
  return resolved.values;
}

/**
 * Starts a stopped (or failed) workspace on the version of its last build, as `coder start` does. Only the values
 * given are sent: the server carries the others over from the previous build.
 */
export async function startWorkspace(
  client: CoderClient,
  workspace: Workspace,
  options: BuildOptions = {},
): Promise<WorkspaceBuild> {
  const { signal } = options;
  const versionId = workspace.latest_build.template_version_id;
  let rich_parameter_values: WorkspaceBuildParameter[] | undefined;
  let presetId: string | undefined;
  if ((options.parameters && Object.keys(options.parameters).length) || options.preset) {
    const previous = await client.builds.parameters(workspace.latest_build.id, { signal });
    // A start applies a preset only when one is named (`coder create` alone picks the default one).
    const resolved = await resolveBuild(client, {
      templateVersionId: versionId,
      classic: workspace.template_use_classic_parameter_flow,
      inputs: options.parameters ?? {},
      previous,
      preset: options.preset ?? "none",
      ownerId: workspace.owner_id,
      signal,
      onEvent: options.onEvent,
    });
    rich_parameter_values = resolved.values.filter((v) => v.name in resolved.inputs);
    presetId = resolved.preset?.ID;
  }
  return client.builds.create(
    workspace.id,
    {
      transition: "start",
      template_version_id: versionId,
      ...(rich_parameter_values ? { rich_parameter_values } : {}),
      ...(presetId ? { template_version_preset_id: presetId } : {}),
    },
    { signal },
  );
}

/** Stops a workspace (a `stop` build). The home volume survives; the container does not. */
export function stopWorkspace(
  client: CoderClient,
  workspace: Workspace,
  options: BuildOptions = {},
): Promise<WorkspaceBuild> {
  return client.builds.create(workspace.id, { transition: "stop" }, { signal: options.signal });
}

/** Deletes a workspace: there is no DELETE on workspaces in Coder, it is a `delete` build. */
export function deleteWorkspace(
  client: CoderClient,
  workspace: Workspace,
  options: BuildOptions = {},
): Promise<WorkspaceBuild> {
  return client.builds.create(workspace.id, { transition: "delete" }, { signal: options.signal });
}

/** Restarts a workspace: a stop build, followed to its end, then a start build on the same version. */
export async function restartWorkspace(
  client: CoderClient,
  workspace: Workspace,
  options: BuildOptions = {},
): Promise<WorkspaceBuild> {
  const stop = await stopWorkspace(client, workspace, options);
  await waitForBuild(client, stop.id, { signal: options.signal });
  const stopped = await client.workspaces.get(workspace.id, { signal: options.signal });
  return startWorkspace(client, stopped, options);
}

/** Options of {@link createWorkspace}. */
export interface CreateWorkspaceOptions extends BuildOptions {
  /** Owner: `me` (default), a user name or id. */
  owner?: string | undefined;
  name: string;
  templateId: string;
  /** The template's active version, whose parameters are resolved. */
  templateVersionId: string;
  /** The template's `use_classic_parameter_flow`; looked up when undefined. */
  classicParameterFlow?: boolean | undefined;
}

/**
 * Creates a workspace with resolved rich parameters. A create is never retried blindly: when the answer is
 * lost (a dropped connection or a 5xx), the workspace is looked up by name first, and only created again when it
 * does not exist — so calling this twice never makes two workspaces. A 409 (it exists) returns the existing one.
 */
export async function createWorkspace(
  client: CoderClient,
  options: CreateWorkspaceOptions,
): Promise<{ workspace: Workspace; created: boolean }> {
  assertValidName("workspace", options.name);
  const { signal } = options;
  const owner = options.owner ?? "me";
  const resolved = await resolveBuild(client, {
    templateVersionId: options.templateVersionId,
    classic: options.classicParameterFlow,
    inputs: options.parameters ?? {},
    preset: options.preset,
    // owner_id must be a UUID; for `me` or a user name the server renders with the caller's data.
    ownerId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(owner)
      ? owner
      : undefined,
    signal,
    onEvent: options.onEvent,
  });
  const body = {
    name: options.name,
    template_id: options.templateId,
    rich_parameter_values: resolved.values,
    ...(resolved.preset ? { template_version_preset_id: resolved.preset.ID } : {}),
  };
  // Workspace names are unique per owner, so whatever carries the name is the one this call made (or, after a
  // 409, one that already existed).
  const { value, created } = await createOnce({
    create: () => client.workspaces.create(owner, body, { signal }),
    find: () => client.workspaces.getByName(owner, options.name, { signal }),
    signal,
  });
  return { workspace: value, created };
}
