/**
 * An agent's attributes as Terraform hands them to Coder after a start build: `env`, `dir` and the apps' URLs
 * evaluated with the build's parameter values, its owner and workspace. The import keeps what it could not resolve
 * then (`${data.coder_parameter.repo_url.value}`, `${coalesce(data.coder_workspace_owner.me.full_name, …)}`);
 * a real Coder never shows such text, so a value the fake cannot evaluate is left out rather than shown raw.
 */

import { ownerData } from "../dynamic/owner.js";
import { renderScope } from "../dynamic/render.js";
import { asString, evaluateRaw, type Scope } from "../expressions/index.js";
import type { FakeState, TemplateVersionRecord, WorkspaceBuildRecord } from "../state.js";
import type { TemplateAgent, TemplateApp } from "../template-model.js";

/** `agents` with their expressions evaluated for `build`. */
export function renderAgents(
  state: FakeState,
  build: WorkspaceBuildRecord,
  version: TemplateVersionRecord,
  agents: TemplateAgent[],
): TemplateAgent[] {
  if (!agents.some(hasExpression)) return agents;
  const workspace = state.workspaces.get(build.workspaceId)!;
  const owner = state.users.get(workspace.ownerId);
  const scope = owner
    ? renderScope(
        {
          docs: version.parsed?.docs ?? [],
          variables: new Map(version.variables.map((v) => [v.name, v.value])),
        },
        {
          inputs: Object.fromEntries(build.parameters.map((p) => [p.name, p.value])),
          owner: ownerData(owner),
          workspace: { id: workspace.id, name: workspace.name, transition: build.transition },
        },
      )
    : undefined;
  const text = (value: string) => (value.includes("${") ? rendered(value, scope) : value);
  return agents.map((agent) => ({
    ...agent,
    dir: text(agent.dir) ?? "",
    env: Object.fromEntries(
      Object.entries(agent.env).flatMap(([name, value]) => {
        const out = text(value);
        return out === undefined ? [] : [[name, out]];
      }),
    ),
    apps: agent.apps.map((app) => renderApp(app, text)),
  }));
}

function renderApp(app: TemplateApp, text: (value: string) => string | undefined): TemplateApp {
  const { url, healthcheck, command, ...rest } = app;
  const out: TemplateApp = { ...rest };
  const renderedUrl = url === undefined ? undefined : text(url);
  if (renderedUrl !== undefined) out.url = renderedUrl;
  const renderedCommand = command === undefined ? undefined : text(command);
  if (renderedCommand !== undefined) out.command = renderedCommand;
  const healthUrl = healthcheck ? text(healthcheck.url) : undefined;
  if (healthcheck && healthUrl !== undefined) out.healthcheck = { ...healthcheck, url: healthUrl };
  return out;
}

/** The value of a template string, or undefined when it is null or cannot be evaluated here. */
function rendered(value: string, scope: Scope | undefined): string | undefined {
  if (!scope) return undefined;
  try {
    const result = evaluateRaw(value, scope);
    return result === null ? undefined : asString(result);
  } catch {
    return undefined;
  }
}

function hasExpression(agent: TemplateAgent): boolean {
  const texts = [
    agent.dir,
    ...Object.values(agent.env),
    ...agent.apps.flatMap((a) => [a.url, a.command, a.healthcheck?.url]),
  ];
  return texts.some((t) => t?.includes("${"));
}
