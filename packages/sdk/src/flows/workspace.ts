import type { CoderClient } from "../coder-client.js";
import { CoderForbiddenError } from "../errors/base.js";
import { MissingBuildParametersError, type UpdateParameterNeed } from "../errors/lifecycle.js";
import type { Workspace, WorkspaceBuild, WorkspaceBuildParameter } from "../types.js";
import { resolveBuild } from "./build-parameters.js";
import type { FlowEventHandler } from "./events.js";
import { findUpdateParameterNeeds } from "./update-parameters.js";
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

/** Options of builds that may move a workspace to another template version (start, update, restart). */
export interface StartOptions extends BuildOptions {
  /** Build this template version (an id) instead of the one Coder's rules pick. */
  templateVersionId?: string | undefined;
  /**
   * Asked for the values a new version needs that the last build lacks (or holds but no longer valid), all at
   * once; returns values by name. Without it such needs throw {@link MissingBuildParametersError}.
   */
  askParameters?: ((needs: UpdateParameterNeed[]) => Promise<Record<string, string>>) | undefined;
}

/**
 * The version `coder start` tries first: the template's active version when the workspace follows it
 * (`automatic_updates: always`), else the last build's, even when the template requires the active version
 * (`template_require_active_version`): owners and template admins may still build the old one, and coderd
 * refuses everyone else with a 403, which {@link startWorkspace} answers by building the active version.
 */
export function startVersionFor(workspace: Workspace): string {
  if (workspace.automatic_updates === "always") return workspace.template_active_version_id;
  return workspace.latest_build.template_version_id;
}

/** What a start-like build sends besides its transition and version. */
interface BuildValues {
  values: WorkspaceBuildParameter[];
  presetId?: string | undefined;
}

/**
 * The values to send with a build of `versionId`: the caller's, plus what the new version needs when the build
 * moves the workspace to another version (asked for, or every need reported at once). Everything is resolved
 * with the template's flow against the version and the last build's values before anything is built. Only the
 * values given or asked are sent: the server carries the others over from the previous build.
 */
async function valuesForBuild(
  client: CoderClient,
  workspace: Workspace,
  versionId: string,
  options: StartOptions,
): Promise<BuildValues> {
  const { signal } = options;
  const inputs: Record<string, string> = { ...options.parameters };
  const moving = versionId !== workspace.latest_build.template_version_id;
  if (!moving && Object.keys(inputs).length === 0 && !options.preset) return { values: [] };
  const previous = await client.builds.parameters(workspace.latest_build.id, { signal });
  if (moving) {
    const params = await client.templateVersions.richParameters(versionId, { signal });
    const needs = findUpdateParameterNeeds(params, previous, inputs);
    if (needs.length > 0) {
      if (!options.askParameters) throw new MissingBuildParametersError(needs);
      Object.assign(inputs, await options.askParameters(needs));
    }
  }
  if (Object.keys(inputs).length === 0 && !options.preset) return { values: [] };
  // A start applies a preset only when one is named (`coder create` alone picks the default one).
  const resolved = await resolveBuild(client, {
    templateVersionId: versionId,
    classic: workspace.template_use_classic_parameter_flow,
    inputs,
    previous,
    preset: options.preset ?? "none",
    owner: workspace.owner_id,
    signal,
    onEvent: options.onEvent,
  });
  return {
    values: resolved.values.filter((v) => Object.hasOwn(resolved.inputs, v.name)),
    presetId: resolved.preset?.ID,
  };
}

function startBuild(
  client: CoderClient,
  workspace: Workspace,
  versionId: string,
  { values, presetId }: BuildValues,
  signal: AbortSignal | undefined,
): Promise<WorkspaceBuild> {
  return client.builds.create(
    workspace.id,
    {
      transition: "start",
      template_version_id: versionId,
      ...(values.length > 0 ? { rich_parameter_values: values } : {}),
      ...(presetId ? { template_version_preset_id: presetId } : {}),
    },
    { signal },
  );
}

/**
 * Starts a stopped (or failed) workspace as `coder start` does: on the version {@link startVersionFor} picks
 * (or `templateVersionId`). When that is another version than the last build's, the parameters the new version
 * needs are found first. A 403 on the last build's version (a policy that requires the active one) is retried
 * once on the active version, as the coder CLI does.
 */
export async function startWorkspace(
  client: CoderClient,
  workspace: Workspace,
  options: StartOptions = {},
): Promise<WorkspaceBuild> {
  const { signal } = options;
  const versionId = options.templateVersionId ?? startVersionFor(workspace);
  const values = await valuesForBuild(client, workspace, versionId, options);
  try {
    return await startBuild(client, workspace, versionId, values, signal);
  } catch (error) {
    const active = workspace.template_active_version_id;
    if (!(error instanceof CoderForbiddenError) || options.templateVersionId || versionId === active)
      throw error;
    options.onEvent?.({
      type: "warning",
      code: "active-version-required",
      message:
        "Unable to start the workspace with the template version from the last build. Policy may require you to restart with the current active template version.",
    });
    return startBuild(
      client,
      workspace,
      active,
      await valuesForBuild(client, workspace, active, options),
      signal,
    );
  }
}

/** What {@link updateWorkspace} did. */
export interface UpdateResult {
  /** False when the workspace was already on the target version and no values were given: nothing was built. */
  updated: boolean;
  /** The start build on the new version (or the latest build when nothing was done). */
  build: WorkspaceBuild;
  /** The stop build made first, when the workspace was started. */
  stop?: WorkspaceBuild | undefined;
}

/**
 * Moves a workspace to the template's active version (or `templateVersionId`), as `coder update` does: the
 * parameters the new version needs are found (and asked for, or reported all at once) before anything is built;
 * a started workspace is stopped first and the stop followed to its end (a plain start may not apply changes
 * Terraform ignores), then a start on the new version. A no-op when it is already there and no values are given.
 */
export async function updateWorkspace(
  client: CoderClient,
  workspace: Workspace,
  options: StartOptions = {},
): Promise<UpdateResult> {
  const { signal, onEvent } = options;
  const target = options.templateVersionId ?? workspace.template_active_version_id;
  const latest = workspace.latest_build;
  if (
    target === latest.template_version_id &&
    Object.keys(options.parameters ?? {}).length === 0 &&
    !options.preset
  ) {
    return { updated: false, build: latest };
  }
  const values = await valuesForBuild(client, workspace, target, options);
  let current = workspace;
  let stop: WorkspaceBuild | undefined;
  if (latest.transition === "start" && (latest.status === "running" || latest.status === "failed")) {
    stop = await stopWorkspace(client, workspace, { signal });
    await waitForBuild(client, stop.id, { signal, onEvent });
    current = await client.workspaces.get(workspace.id, { signal });
  }
  const build = await startBuild(client, current, target, values, signal);
  return { updated: true, build, stop };
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

/**
 * Restarts a workspace: a stop build, followed to its end, then a start on the version `coder restart` picks
 * (the same rule as a start: the active version when the workspace or template asks for it).
 */
export async function restartWorkspace(
  client: CoderClient,
  workspace: Workspace,
  options: StartOptions = {},
): Promise<WorkspaceBuild> {
  const { signal } = options;
  // Values (and what a new version needs) are settled before the stop, so a missing one never leaves the
  // workspace stopped.
  const versionId = options.templateVersionId ?? startVersionFor(workspace);
  const values = await valuesForBuild(client, workspace, versionId, options);
  const stop = await stopWorkspace(client, workspace, options);
  await waitForBuild(client, stop.id, { signal, onEvent: options.onEvent });
  const stopped = await client.workspaces.get(workspace.id, { signal });
  return startBuild(client, stopped, versionId, values, signal);
}
