/**
 * The fake's `wsbuilder`: every check a new build goes through, in coderd's order, then the build itself.
 * Checks run before anything is stored, so a rejected workspace create leaves no trace.
 */
import { ApiError } from "../http.js";
import { newId, nowIso } from "../ids.js";
import { jobActive, jobStatus } from "../jobs/status.js";
import { classicBuildRule, type ParameterProblem, resolveBuildParameters } from "../parameters.js";
import type { RouteContext } from "../router.js";
import type {
  TemplateRecord,
  TemplateVersionRecord,
  Transition,
  VariableValue,
  WorkspaceBuildRecord,
  WorkspaceRecord,
} from "../state.js";
import { isDynamic, matchingPreset, requestedPreset, resolveDynamicValues } from "./presets.js";

/** What a build will be, once every check passed. */
export interface BuildPlan {
  version: TemplateVersionRecord;
  transition: Transition;
  parameters: VariableValue[];
  reason: string;
  presetId: string | null;
}

/** Checks a build request against the workspace's state and returns what to build. */
export function planBuild(
  ctx: RouteContext,
  input: {
    workspace?: WorkspaceRecord;
    template: TemplateRecord;
    transition: Transition;
    version: TemplateVersionRecord;
    values: VariableValue[];
    reason: string;
    /** On create: the owner and name of the workspace to be (there is no record yet). */
    owner?: string;
    name?: string;
    presetId?: string | undefined;
  },
): BuildPlan {
  const { state } = ctx.core;
  const { workspace, template, version, transition } = input;
  // coderd words this per transition ("Cannot stop a deleted workspace!"); a delete of a deleted one is refused too.
  if (workspace?.deleted) throw new ApiError(409, `Cannot ${transition} a deleted workspace!`);
  if (version.templateId !== template.id) throw new ApiError(400, "template version doesn't match template");
  const importJob = state.job(version.jobId);
  const importStatus = jobStatus(importJob);
  if (importStatus === "pending" || importStatus === "running") {
    throw new ApiError(
      406,
      `The provided template version is ${importStatus}. Wait for it to complete importing!`,
    );
  }
  if (importStatus === "failed") {
    throw new ApiError(
      400,
      `The provided template version "${version.name}" has failed to import: "${importJob.error ?? ""}". You cannot build workspaces with it!`,
    );
  }
  // wsbuilder's checkTemplateJobStatus: a canceled import reads exactly like a failed one, and a `canceling` one
  // falls through (it does not block the build).
  if (importStatus === "canceled") {
    throw new ApiError(
      400,
      `The provided template version "${version.name}" has failed to import: "${importJob.error ?? ""}". You cannot build workspaces with it!`,
    );
  }
  const previous = workspace ? state.latestBuild(workspace) : undefined;
  // wsbuilder's checkRunningBuild: a BuildError whose detail is its wrapped error, the same words. (Requests at the
  // same moment on a real coderd mostly get 409 "insert workspace build" instead, a unique violation on the build
  // number between transactions; the fake handles requests one at a time, so the second sees the first's build.)
  if (previous && jobActive(state.job(previous.jobId))) {
    throw new ApiError(409, "A workspace build is already active.", "A workspace build is already active.");
  }
  checkActiveVersion(ctx, template, version, transition);
  // A create without a preset takes the one its request's values match (coderd's postWorkspaces), and applies it.
  const preset =
    requestedPreset(version, input.presetId) ??
    (workspace ? undefined : matchingPreset(version, input.values));
  if (isDynamic(template.useClassicParameterFlow, version)) {
    // Every transition of a dynamic template resolves parameters, so a parameter error can refuse a stop.
    const parameters = resolveDynamicValues(ctx, {
      version,
      workspace,
      ownerId: workspace?.ownerId ?? input.owner ?? ctx.user.id,
      workspaceName: workspace?.name ?? input.name ?? "",
      transition,
      previous: previous?.parameters,
      values: input.values,
      preset,
    });
    const presetId = preset?.id ?? matchingPreset(version, parameters)?.id ?? null;
    return { version, transition, parameters, reason: input.reason, presetId };
  }
  // Every transition resolves parameters (wsbuilder.getParameters): on a stop or delete, ephemeral values go back
  // to their defaults and an invalid carried-over value refuses the build. Preset values win over the request's
  // for the parameters they set.
  const given = [
    ...input.values.filter((v) => !preset?.parameters.some((p) => p.name === v.name)),
    ...(preset?.parameters ?? []),
  ];
  const { values, problems } = resolveBuildParameters(
    version.parameters.map(classicBuildRule),
    given,
    previous?.parameters ?? [],
  );
  if (problems.length > 0) throw parameterError(problems);
  const presetId = preset?.id ?? matchingPreset(version, values)?.id ?? null;
  return { version, transition, parameters: values, reason: input.reason, presetId };
}

/**
 * dbauthz's InsertWorkspaceBuild: a start on a template that requires the active version must use it unless the
 * caller may update the template (owners and template admins). The handler maps the authorization error to a 403.
 */
function checkActiveVersion(
  ctx: RouteContext,
  template: TemplateRecord,
  version: TemplateVersionRecord,
  transition: Transition,
): void {
  if (transition !== "start" || !template.requireActiveVersion) return;
  const mayUpdateTemplate = ctx.core.state.isOwner(ctx.user) || ctx.user.roles.includes("template-admin");
  if (version.id === template.activeVersionId || mayUpdateTemplate) return;
  throw new ApiError(403, "insert workspace build", "cannot use non-active version: unauthorized");
}

/**
 * The classic flow reports the first problem only (dynamic templates go through `resolveDynamicValues`); the
 * detail is the resolver's error as it is, with no prefix.
 */
function parameterError(problems: ParameterProblem[]): ApiError {
  const first = problems[0]!;
  return new ApiError(400, `Unable to validate parameter "${first.name}"`, first.reason);
}

/** Stores the build and its job and starts the job. Agents of the previous build leave the latest build. */
export function commitBuild(
  ctx: RouteContext,
  workspace: WorkspaceRecord,
  plan: BuildPlan,
): WorkspaceBuildRecord {
  const { state, jobs, agents } = ctx.core;
  const previous = workspace.buildIds.length > 0 ? state.latestBuild(workspace) : undefined;
  const job = jobs.create({
    type: "workspace_build",
    fileId: plan.version.fileId,
    organizationId: workspace.organizationId,
    initiatorId: ctx.user.id,
    tags: state.job(plan.version.jobId).tags,
    transition: plan.transition,
  });
  const now = nowIso();
  const build: WorkspaceBuildRecord = {
    id: newId(),
    workspaceId: workspace.id,
    templateVersionId: plan.version.id,
    buildNumber: (previous?.buildNumber ?? 0) + 1,
    transition: plan.transition,
    initiatorId: ctx.user.id,
    reason: plan.reason,
    jobId: job.id,
    createdAt: now,
    updatedAt: now,
    deadline: null,
    parameters: plan.parameters,
    resources: [],
    presetId: plan.presetId,
  };
  job.workspaceBuildId = build.id;
  state.builds.set(build.id, build);
  workspace.buildIds.push(build.id);
  workspace.updatedAt = now;
  if (previous) agents.retire(previous.resources.flatMap((r) => r.agentIds));
  jobs.startBuild(build);
  return build;
}
