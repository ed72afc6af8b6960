import { type CoderClient, createCoderClient } from "../coder-client.js";
import { CoderAbortError, CoderError, CoderInvalidInputError } from "../errors/base.js";
import { TemplateUnavailableError } from "../errors/flows.js";
import type { Organization, Workspace } from "../types.js";
import { BuildTurn, buildConcurrency, limitedFetch, positiveInteger, Slots } from "./fleet-capacity.js";
import { plannedItem, validateSpecs } from "./fleet-plan.js";
import { listOwnerWorkspaces, prune, workspaceKey } from "./fleet-prune.js";
import { prepareTemplates, type TemplateState, templateOf } from "./fleet-templates.js";
import {
  DEFAULT_FLEET_BUILDS,
  DEFAULT_FLEET_REQUESTS,
  type FleetConcurrency,
  type FleetEvent,
  type FleetItemResult,
  type FleetOutcome,
  type FleetPruneResult,
  type FleetSpec,
  type FleetSummary,
  type FleetTemplateResult,
  type UpManyOptions,
} from "./fleet-types.js";
import { resolveOrganization } from "./organization.js";
import { checkCoderServer } from "./server-check.js";
import { type UpOptions, upInTurn } from "./up.js";

const SUCCESS: ReadonlySet<FleetOutcome> = new Set(["created", "started", "reused"]);

/**
 * Provisions a fleet: one `up()` per spec over one shared client (so a `429` and its `Retry-After` hold back every
 * item), each distinct template pushed once when missing, at most `concurrency` builds in flight (default: the
 * organization's online provisioner daemons) and at most `maxRequestsInFlight` HTTP requests. Idempotent: what
 * exists is reused, and a name taken meanwhile by a concurrent run (Coder's 409) converges on that workspace.
 * Results come back in spec order, also when the signal aborts (queued items are then `canceled`; running builds
 * go on on the server). Throws only before anything is done: bad specs, not a Coder server, no such organization.
 */
export async function upMany(specs: FleetSpec[], options: UpManyOptions = {}): Promise<FleetSummary> {
  const started = performance.now();
  validateSpecs(specs);
  const requested = positiveInteger("concurrency", options.concurrency);
  const requests = positiveInteger("maxRequestsInFlight", options.maxRequestsInFlight);
  if (options.prune && !options.prune.prefix.trim())
    throw new CoderInvalidInputError("prune needs a name prefix; an empty one would match every workspace.");
  const emit = (event: FleetEvent) => options.onEvent?.(event);
  const { signal } = options;
  const requestCap = options.client ? undefined : (requests ?? DEFAULT_FLEET_REQUESTS);
  const client =
    options.client ??
    createCoderClient({
      url: options.url ?? "",
      token: options.token,
      fetch: limitedFetch(requestCap ?? DEFAULT_FLEET_REQUESTS, options.fetch),
      onWarning: (w) => emit({ type: "fleet", level: "warning", message: w.message }),
    });

  let ready: Awaited<ReturnType<typeof setUp>>;
  try {
    ready = await setUp(client, specs, options, requested, emit);
  } catch (error) {
    // Aborted before any item started: every item is canceled, and the caller still gets its summary.
    if (!(error instanceof CoderAbortError && signal?.aborted)) throw error;
    const items = specs.map(canceled);
    const concurrency = {
      builds: requested ?? DEFAULT_FLEET_BUILDS,
      requests: requestCap,
      source: "default" as const,
    };
    return summarize(items, [], [], concurrency, options.dryRun ?? false, true, started);
  }
  const { org, capacity, existing, byKey } = ready;
  const concurrency = { ...capacity, requests: requestCap };
  const dryRun = options.dryRun ?? false;
  const templates = await prepareTemplates(client, org, specs, { dryRun, signal, emit });
  const items = dryRun
    ? specs.map((spec) => plannedItem(spec, byKey, templates))
    : await runItems(specs, { client, org, options, byKey, templates, builds: capacity.builds, emit });

  let pruned: FleetPruneResult[] = [];
  if (options.prune && !signal?.aborted) {
    pruned = await prune({
      client,
      prefix: options.prune.prefix,
      existing,
      declared: new Set(specs.map((s) => workspaceKey(s.owner ?? "me", s.workspace))),
      dryRun,
      concurrency: capacity.builds,
      signal,
      emit,
    });
  }
  const templateResults = [...templates.values()].map((t) => t.result);
  return summarize(items, templateResults, pruned, concurrency, dryRun, signal?.aborted ?? false, started);
}

/** The org, the build cap and the owners' workspaces, read once before any item. */
async function setUp(
  client: CoderClient,
  specs: FleetSpec[],
  options: UpManyOptions,
  requested: number | undefined,
  emit: (event: FleetEvent) => void,
) {
  const { signal } = options;
  await checkCoderServer(client, { signal });
  const org = await resolveOrganization(client, options.org, { signal });
  const capacity = await buildConcurrency(client, org.id, requested, signal);
  const why =
    capacity.source === "option"
      ? "as asked"
      : capacity.source === "provisioner-daemons"
        ? "two per online provisioner daemon: one building, one queued"
        : `default: ${capacity.reason}`;
  emit({ type: "fleet", level: "info", message: `Up to ${capacity.builds} build(s) at once (${why})` });
  const existing = new Map<string, Workspace[]>();
  // An empty declaration still has an owner to prune for: the caller (a fleet torn down with `--prune`).
  const owners = specs.length ? specs.map((s) => s.owner ?? "me") : ["me"];
  for (const owner of new Set(owners)) existing.set(owner, await listOwnerWorkspaces(client, owner, signal));
  const byKey = new Map<string, Workspace>();
  for (const [owner, list] of existing) for (const w of list) byKey.set(workspaceKey(owner, w.name), w);
  return { org, capacity, existing, byKey };
}

function summarize(
  items: FleetItemResult[],
  templates: FleetTemplateResult[],
  pruned: FleetPruneResult[],
  concurrency: FleetConcurrency,
  dryRun: boolean,
  aborted: boolean,
  started: number,
): FleetSummary {
  const counts = { created: 0, started: 0, reused: 0, failed: 0, canceled: 0, interrupted: 0 };
  for (const item of items) counts[item.outcome]++;
  return {
    items,
    templates,
    pruned,
    counts,
    concurrency,
    dryRun,
    aborted,
    ok: items.every((i) => SUCCESS.has(i.outcome)) && pruned.every((p) => p.outcome !== "failed"),
    durationMs: performance.now() - started,
  };
}

/** An item that never started. */
function canceled(spec: FleetSpec): FleetItemResult {
  return { name: spec.workspace, owner: spec.owner ?? "me", outcome: "canceled", exists: [], durationMs: 0 };
}

interface RunContext {
  client: CoderClient;
  org: Organization;
  options: UpManyOptions;
  byKey: Map<string, Workspace>;
  templates: Map<string, TemplateState>;
  builds: number;
  emit: (event: FleetEvent) => void;
}

/**
 * The items in spec order (once aborted, the rest are `canceled`). `builds` items at most hold a build slot, twice
 * as many are under way: the others resolve what they need and wait at the slots, so a freed daemon gets the next
 * build at once, and an item whose builds are over hands its place on and waits for its agents beside them. */
async function runItems(specs: FleetSpec[], ctx: RunContext): Promise<FleetItemResult[]> {
  const results: FleetItemResult[] = new Array(specs.length);
  const slots = new Slots(ctx.builds);
  const items: Promise<void>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const index = next++;
      const spec = specs[index]!;
      if (ctx.options.signal?.aborted) {
        results[index] = canceled(spec);
        continue;
      }
      ctx.emit({ type: "item", item: spec.workspace, index, state: "start" });
      const turn = new BuildTurn(slots);
      const item = runItem(spec, index, ctx, turn).then((result) => {
        results[index] = result;
        ctx.emit({ type: "item", item: spec.workspace, index, state: "done", result });
        turn.end();
      });
      items.push(item);
      await turn.ended;
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.builds * 2, specs.length) }, worker));
  await Promise.all(items);
  return results;
}

async function runItem(
  spec: FleetSpec,
  index: number,
  ctx: RunContext,
  turn: BuildTurn,
): Promise<FleetItemResult> {
  const started = performance.now();
  const owner = spec.owner ?? "me";
  const before = ctx.byKey.get(workspaceKey(owner, spec.workspace));
  const base = { name: spec.workspace, owner };
  const template = ctx.templates.get(templateOf(spec));
  if (template?.error)
    return { ...base, outcome: "failed", error: template.error, exists: [], durationMs: 0 };
  try {
    const result = await upInTurn(upInput(spec, ctx, index), turn);
    const sameBuild = before !== undefined && result.build.id === before.latest_build.id;
    // Not created and no new build: it was running, its build in progress was waited for, or a concurrent run
    // made it (Coder's 409 on the name).
    const outcome: FleetOutcome = result.created ? "created" : before && !sameBuild ? "started" : "reused";
    return {
      ...base,
      outcome,
      workspace: result.workspace,
      exists: [],
      durationMs: performance.now() - started,
    };
  } catch (error) {
    const aborted = error instanceof CoderAbortError && ctx.options.signal?.aborted;
    if (aborted && turn.canceledWaiting) return canceled(spec); // stopped before its first build
    return {
      ...base,
      outcome: aborted ? "interrupted" : "failed",
      error: error as Error,
      exists: await whatExists(ctx, owner, spec.workspace, error),
      durationMs: performance.now() - started,
    };
  }
}

/** The `up()` call of one spec: the template is ready (or missing) by now, so no folder is passed on. */
function upInput(spec: FleetSpec, ctx: RunContext, index: number): UpOptions {
  const input: UpOptions = {
    client: ctx.client,
    // The fleet's setup checked the server before any token was sent: each item need not ask /buildinfo again.
    serverChecked: true,
    org: ctx.org.id,
    template: templateOf(spec),
    workspace: spec.workspace,
    owner: spec.owner,
    parameters: spec.parameters,
    preset: spec.preset,
    wait: ctx.options.wait,
    agentTimeoutMs: ctx.options.agentTimeoutMs,
    signal: ctx.options.signal,
    onEvent: (event) => ctx.emit({ type: "flow", item: spec.workspace, index, event }),
  };
  return input;
}

/** What a failed item left: what its error says it made, else the workspace as the server has it now. */
async function whatExists(ctx: RunContext, owner: string, name: string, error: unknown): Promise<string[]> {
  if (error instanceof CoderError && error.created.length) return [...error.created];
  if (ctx.options.signal?.aborted || error instanceof TemplateUnavailableError) return [];
  try {
    const workspace = await ctx.client.workspaces.getByName(owner, name);
    return workspace ? [`workspace ${workspace.name} (${workspace.latest_build.status})`] : [];
  } catch {
    return []; // the server is not answering: nothing more can be said
  }
}
