import type { CoderClient } from "../client/create-client.js";
import { assertValidName } from "../names.js";
import { resolveParameters } from "../parameters/index.js";
import { parameterSizeProblems } from "../parameters/limits.js";
import type { Workspace, WorkspaceBuild, WorkspaceBuildParameter } from "../types.js";
import { createOnce } from "./create-once.js";
import { ParameterValidationError } from "./errors.js";
import { waitForBuild } from "./wait.js";

/** Options of the workspace lifecycle calls. */
export interface BuildOptions {
  /** Parameter values by name; resolved and validated against the template version before the request. */
  parameters?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Resolves `inputs` against a template version's rich parameters (coderd's classic rules, every problem at once)
 * and returns the values to send. `previous` are the values of the last build, for immutability and monotonic
 * checks. Throws {@link ParameterValidationError} before anything is built.
 */
export async function resolveBuildParameters(
  client: CoderClient,
  templateVersionId: string,
  inputs: Record<string, string>,
  previous: WorkspaceBuildParameter[] | undefined,
  signal?: AbortSignal,
): Promise<WorkspaceBuildParameter[]> {
  // Values no provisioner could start Terraform with are refused before anything is asked or sent.
  const oversized = parameterSizeProblems(inputs);
  if (oversized.length) throw new ParameterValidationError(oversized);
  const params = await client.templateVersions.richParameters(templateVersionId, { signal });
  const result = resolveParameters(params, inputs, previous);
  if (!result.ok) throw new ParameterValidationError(result.problems);
  return result.values;
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
  if (options.parameters && Object.keys(options.parameters).length) {
    const previous = await client.builds.parameters(workspace.latest_build.id, { signal });
    const resolved = await resolveBuildParameters(client, versionId, options.parameters, previous, signal);
    rich_parameter_values = resolved.filter((v) => v.name in (options.parameters ?? {}));
  }
  return client.builds.create(
    workspace.id,
    {
      transition: "start",
      template_version_id: versionId,
      ...(rich_parameter_values ? { rich_parameter_values } : {}),
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
  const values = await resolveBuildParameters(
    client,
    options.templateVersionId,
    options.parameters ?? {},
    undefined,
    signal,
  );
  const body = { name: options.name, template_id: options.templateId, rich_parameter_values: values };
  // Workspace names are unique per owner, so whatever carries the name is the one this call made (or, after a
  // 409, one that already existed).
  const { value, created } = await createOnce({
    create: () => client.workspaces.create(owner, body, { signal }),
    find: () => client.workspaces.getByName(owner, options.name, { signal }),
    signal,
  });
  return { workspace: value, created };
}
