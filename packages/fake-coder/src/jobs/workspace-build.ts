/**
 * Workspace build jobs (`runWorkspaceBuild`): plan, apply (agents of the previous builds shut down on stop and
 * delete), then the build's resources and agents are stored.
 */
import type { AgentEngine } from "../agents.js";
import { nowIso } from "../ids.js";
import type { FakeState, ResourceRecord, WorkspaceBuildRecord } from "../state.js";
import type { ParsedTemplate, TemplateAgent } from "../template-model.js";
import { renderAgents } from "./agent-values.js";
import { planValidationFailure } from "./plan-validation.js";
import { type JobPlan, plannedResources, resourceRecord, type Stage } from "./stages.js";

/** A workspace build (start, stop or delete). */
export function workspaceBuild(state: FakeState, agents: AgentEngine, build: WorkspaceBuildRecord): JobPlan {
  const job = state.job(build.jobId);
  const version = state.templateVersions.get(build.templateVersionId)!;
  const applyStage = {
    start: "Starting workspace",
    stop: "Stopping workspace",
    delete: "Destroying workspace",
  }[build.transition];
  const workspace = state.workspaces.get(build.workspaceId)!;
  const previousAgents = previousAgentIds(state, build);
  const resources = plannedResources(version.parsed, build.transition);
  // The stages a real Coder logs for a build, in its order (recorded from Coder v0.0.0-devel+f524e00d).
  const stages: Stage[] = [
    { name: "Setting up" },
    {
      name: "Initializing Terraform Directory",
      lines: () => ["Terraform has been successfully initialized!"],
    },
    {
      name: "Planning Infrastructure",
      // A delete validates nothing: with no state the provisioner does no plan at all (a real Coder deleted a
      // workspace whose start had failed on a validation block).
      run: () =>
        build.transition === "delete"
          ? undefined
          : planValidationFailure(
              version.parsed,
              build.parameters,
              previousBuild(state, build)?.parameters ?? [],
            ),
      lines: () => [
        "Terraform 1.9.8",
        "data.coder_workspace.me: Refreshing...",
        `Plan: ${build.transition === "start" ? resources.length : 0} to add, 0 to change, ${
          build.transition === "start" ? 0 : previousAgents.length > 0 ? 1 : 0
        } to destroy.`,
      ],
    },
    {
      name: applyStage,
      run: () => {
        if (build.transition !== "start") agents.beginShutdown(previousAgents);
        return undefined;
      },
      lines: () =>
        build.transition === "start"
          ? [
              ...resources.flatMap((r) => [
                `${r.type}.${r.name}: Creating...`,
                ...(r.createMs > 0 ? [{ pauseMs: r.createMs }] : []),
                `${r.type}.${r.name}: Creation complete`,
              ]),
              `Apply complete! Resources: ${resources.length} added, 0 changed, 0 destroyed.`,
            ]
          : ["Apply complete! Resources: 0 added, 0 changed, 1 destroyed."],
    },
    { name: "Graphing Infrastructure" },
  ];
  return {
    stages,
    complete: () => {
      build.resources = materialise(agents, job.id, build, version.parsed, (templates) =>
        renderAgents(state, build, version, templates),
      );
      build.updatedAt = nowIso();
      if (build.transition !== "start") agents.finishShutdown(previousAgents);
      if (build.transition === "delete") workspace.deleted = true;
      // provisionerdserver sets the deadline when a start completes: now + the workspace's TTL (none: manual).
      if (build.transition === "start" && workspace.ttlMs !== undefined) {
        build.deadline = new Date(Date.now() + workspace.ttlMs).toISOString();
      }
      workspace.updatedAt = nowIso();
    },
  };
}

/** The build before this one (whatever its outcome): its values are the provider's previous values. */
function previousBuild(state: FakeState, build: WorkspaceBuildRecord): WorkspaceBuildRecord | undefined {
  const workspace = state.workspaces.get(build.workspaceId)!;
  return state.buildsOf(workspace).find((b) => b.buildNumber === build.buildNumber - 1);
}

function previousAgentIds(state: FakeState, build: WorkspaceBuildRecord): string[] {
  const workspace = state.workspaces.get(build.workspaceId)!;
  const builds = state.buildsOf(workspace).filter((b) => b.buildNumber < build.buildNumber);
  return builds.flatMap((b) => b.resources.flatMap((r) => r.agentIds));
}

/** Turns the template's resources for this transition into records, agents included for start builds. */
function materialise(
  engine: AgentEngine,
  jobId: string,
  build: WorkspaceBuildRecord,
  parsed: ParsedTemplate | undefined,
  render: (agents: TemplateAgent[]) => TemplateAgent[],
): ResourceRecord[] {
  return plannedResources(parsed, build.transition).map((r) => {
    const record = resourceRecord(jobId, build.transition, r.type, r.name);
    if (build.transition === "start") {
      const agents = (parsed?.agents ?? []).filter((a) => r.agentNames.includes(a.name));
      engine.createAgents(build.id, record, render(agents));
    }
    return record;
  });
}
