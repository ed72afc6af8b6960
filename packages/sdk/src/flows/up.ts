import type { CoderWarning } from "../client/hooks.js";
import { type CoderClient, createCoderClient } from "../coder-client.js";
import { TemplateUnavailableError, withCreated } from "../errors/flows.js";
import { TemplateVersionArchivedError, TemplateVersionNotFoundError } from "../errors/lifecycle.js";
import { assertValidName, DEFAULT_TEMPLATE } from "../names.js";
import type { AutomaticUpdates, Organization, Template, Workspace, WorkspaceBuild } from "../types.js";
import { type AppUrl, workspaceAppUrls } from "./apps.js";
import { createWorkspaceWhenReady } from "./create-workspace.js";
import { type FlowEventHandler, stage } from "./events.js";
import type { BuildTurn } from "./fleet-capacity.js";
import { resolveOrganization } from "./organization.js";
import { pushIntoOrganization } from "./push.js";
import { checkCoderServer } from "./server-check.js";
import { applyAutomaticUpdates, settle, startOrJoin, warnIfValuesNotApplied } from "./up-existing.js";
import { interruptedUp, isInterrupt, type UpProgress } from "./up-interrupt.js";
import { waitForAgents, waitForBuild } from "./wait.js";
import { startWorkspace } from "./workspace.js";

/** A template push {@link up} is about to make: the template is missing and `templateDir` holds it. */
export interface PushConfirmation {
  template: string;
  organization: Organization;
  dir: string;
}

/** Options of {@link up}. Give `url` and `token`, or a ready `client`. */
export interface UpOptions {
  url?: string | undefined;
  token?: string | undefined;
  client?: CoderClient | undefined;
  /**
   * The caller already ran {@link checkCoderServer} on this deployment (as the CLI does before it sends a token):
   * the flow does not ask `/buildinfo` again.
   */
  serverChecked?: boolean | undefined;
  /**
   * Called once the flow knows the template is missing and before anything is uploaded: resolve to push it from
   * `templateDir`, reject to stop (the flow then throws that error; nothing was created). Without it the flow
   * pushes.
   */
  confirmPush?: ((push: PushConfirmation) => Promise<void>) | undefined;
  /** Organization name or id; default: the default organization. */
  org?: string | undefined;
  /** Template name; default {@link DEFAULT_TEMPLATE}. */
  template?: string | undefined;
  /** A local template folder, pushed when the template does not exist yet. */
  templateDir?: string | undefined;
  /** Workspace name (Coder's name rules). */
  workspace: string;
  /** The workspace's owner: `me` (default), a user name or id, when an admin provisions for someone else. */
  owner?: string | undefined;
  /** Rich parameter values by name, e.g. `{ repo_url }`. */
  parameters?: Record<string, string> | undefined;
  /** A preset's name, or `"none"`; by default a new workspace gets the template's default preset. */
  preset?: string | undefined;
  /**
   * A template version by name to create (or start) the workspace from, instead of the active one: try a
   * version before promoting it. The workspace stays on it until updated.
   */
  templateVersion?: string | undefined;
  /** `always`: every later start uses the template's active version; set on an existing workspace too. */
  automaticUpdates?: AutomaticUpdates | undefined;
  /** Terraform variable values for a push. */
  variables?: Record<string, string> | undefined;
  /** Wait for the build and the agents (default true). */
  wait?: boolean | undefined;
  /** Deadline for the agents to become ready; default 10 minutes. */
  agentTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: FlowEventHandler | undefined;
}

/** What {@link up} did and where the workspace can be opened. */
export interface UpResult {
  workspace: Workspace;
  build: WorkspaceBuild;
  apps: AppUrl[];
  /** A new workspace was created (false: an existing one was reused or started). */
  created: boolean;
  /** The template was missing and was pushed from `templateDir`. */
  templateCreated: boolean;
  /** An agent's startup script failed or timed out: usable, with a warning. */
  degraded: boolean;
}

/**
 * The decision tree as one call: check that the URL is a Coder server; reuse the workspace when it exists
 * (running: as is; stopped, failed or canceled: start it; busy: wait for its build); otherwise find the
 * template, push it from `templateDir` when it is missing (or fail with {@link TemplateUnavailableError}),
 * resolve the parameters and create the workspace; then wait for the build and the agents. Calling it twice never
 * creates two workspaces, and concurrent calls on one stopped workspace share one start build. Progress arrives as
 * typed events through `onEvent`. When `signal` aborts it throws {@link UpInterruptedError}, which says what exists
 * on the server afterwards.
 */
export function up(options: UpOptions): Promise<UpResult> {
  return upInTurn(options, undefined);
}

/**
 * {@link up} as one item of a fleet: `turn` is taken before the item's first build and ended as soon as its
 * builds have ended (or it fails), so the fleet's build cap counts builds on the provisioners, not agents starting.
 * For `upMany`; not exported from the package.
 */
export async function upInTurn(options: UpOptions, turn: BuildTurn | undefined): Promise<UpResult> {
  assertValidName("workspace", options.workspace);
  const onWarning = (warning: CoderWarning) => options.onEvent?.({ type: "warning", ...warning });
  const client =
    options.client ?? createCoderClient({ url: options.url ?? "", token: options.token, onWarning });
  // Whatever fails after a creation point says what exists by then.
  const createdItems: string[] = [];
  const progress: UpProgress = { step: "prepare", workspace: undefined, createSent: false };
  try {
    return await runUp(client, options, { createdItems, progress }, turn);
  } catch (error) {
    if (isInterrupt(error, options.signal)) {
      const target = { owner: options.owner ?? "me", name: options.workspace };
      throw withCreated(await interruptedUp(client, target, progress, error), createdItems);
    }
    throw withCreated(error, createdItems);
  } finally {
    turn?.end();
  }
}

/**
 * The steps of {@link up}; each thing made is added to `createdItems` as soon as it exists, and `progress` says
 * which step runs and which workspace it acts on.
 */
async function runUp(
  client: CoderClient,
  options: UpOptions,
  { createdItems, progress }: { createdItems: string[]; progress: UpProgress },
  turn: BuildTurn | undefined,
): Promise<UpResult> {
  const { onEvent, signal } = options;
  const io = { signal };
  const templateName = options.template ?? DEFAULT_TEMPLATE;

  if (!options.serverChecked) {
    await stage(onEvent, "check_server", "Checking the Coder server", () => checkCoderServer(client, io));
  }
  let workspace = await client.workspaces.getByName(options.owner ?? "me", options.workspace, io);
  progress.workspace = workspace;
  let created = false;
  let templateCreated = false;

  if (workspace) workspace = await settle(client, workspace, options, turn);
  if (workspace && workspace.latest_build.status !== "deleted") {
    workspace = await applyAutomaticUpdates(client, workspace, options);
  }
  if (!workspace || workspace.latest_build.status === "deleted") {
    const org = await resolveOrganization(client, options.org, io);
    let template = await stage(onEvent, "find_template", `Finding template ${templateName}`, () =>
      client.templates.getByName(org.id, templateName, io),
    );
    if (!template) {
      if (!options.templateDir) throw new TemplateUnavailableError(templateName, org.name);
      await options.confirmPush?.({ template: templateName, organization: org, dir: options.templateDir });
      onEvent?.({
        type: "info",
        message: `Template "${templateName}" is missing; pushing it from ${options.templateDir}`,
      });
      progress.step = "push";
      const pushed = await pushIntoOrganization(client, org, undefined, {
        name: templateName,
        dir: options.templateDir,
        variables: options.variables,
        signal,
        onEvent,
      });
      template = pushed.template;
      progress.step = "prepare";
      // A concurrent `up` may have created it first from the same files: then this one did not create it.
      templateCreated = pushed.created;
      if (pushed.created) createdItems.push(`template ${template.name}`);
    }
    const versionId = await namedVersionId(client, template, options, { forNewWorkspace: true });
    const made = await stage(onEvent, "create_workspace", `Creating workspace ${options.workspace}`, () =>
      createWorkspaceWhenReady(
        client,
        {
          owner: options.owner,
          name: options.workspace,
          templateId: template.id,
          templateVersionId: versionId ?? template.active_version_id,
          exactVersion: versionId !== undefined,
          classicParameterFlow: template.use_classic_parameter_flow,
          automaticUpdates: options.automaticUpdates,
          parameters: options.parameters,
          preset: options.preset,
          signal,
          onEvent,
        },
        // In a fleet, the values are resolved before the build slot is waited for.
        async () => {
          await turn?.take(signal);
          progress.step = "create";
          progress.createSent = true;
        },
      ),
    );
    workspace = made.workspace;
    progress.workspace = workspace;
    created = made.created;
    createdItems.push(`workspace ${workspace.name}`);
  } else if (workspace.latest_build.status !== "running") {
    const ws = workspace;
    const versionId = options.templateVersion
      ? await namedVersionId(client, await client.templates.get(ws.template_id, io), options)
      : undefined;
    await turn?.take(signal);
    progress.step = "start";
    workspace = await stage(onEvent, "start", `Starting workspace ${ws.name}`, () =>
      startOrJoin(client, ws, { signal, onEvent }, (current) =>
        startWorkspace(client, current, {
          parameters: options.parameters,
          preset: options.preset,
          templateVersionId: versionId,
          signal,
          onEvent,
        }),
      ),
    );
    progress.workspace = workspace;
  } else {
    // Reusing a running workspace changes nothing on it: given values it does not have are not applied.
    await warnIfValuesNotApplied(client, workspace, options);
  }

  let build = workspace.latest_build;
  let degraded = false;
  if (options.wait ?? true) {
    if (build.status !== "running") {
      progress.step = "build";
      build = await stage(onEvent, "build", "Building workspace", () =>
        waitForBuild(client, build.id, { signal, onEvent, created: createdItems }),
      );
    }
    turn?.end(); // the builds are over: the agents start without holding a build slot
    const ws = workspace;
    progress.step = "agent";
    const ready = await stage(onEvent, "agent", "Waiting for the workspace agent", () =>
      waitForAgents(client, ws.id, {
        signal,
        onEvent,
        created: createdItems,
        timeoutMs: options.agentTimeoutMs,
        workspace:
          build.id === ws.latest_build.id &&
          build.status === "running" &&
          ws.latest_build.status === "running"
            ? ws
            : undefined,
      }),
    );
    workspace = ready.workspace;
    build = workspace.latest_build;
    degraded = ready.degraded;
  }
  const apps = await workspaceAppUrls(client, workspace, io);
  return { workspace, build, apps, created, templateCreated, degraded };
}

/**
 * The id of `options.templateVersion` in `template`, or undefined when no version was named. Coder finds
 * archived versions by name too; only a new workspace cannot be made from one.
 */
async function namedVersionId(
  client: CoderClient,
  template: Template,
  options: UpOptions,
  { forNewWorkspace = false } = {},
): Promise<string | undefined> {
  const name = options.templateVersion;
  if (!name) return undefined;
  const version = await client.templates.versionByName(template.id, name, { signal: options.signal });
  if (!version) throw new TemplateVersionNotFoundError(template.name, name);
  if (forNewWorkspace && version.archived) throw new TemplateVersionArchivedError(template.name, name);
  return version.id;
}
