import type { CoderClient } from "../coder-client.js";
import type { Workspace } from "../types.js";
import type { FlowEvent } from "./events.js";

/** One workspace of a fleet: what `up()` takes for it. */
export interface FleetSpec {
  /** Workspace name (Coder's name rules); unique per owner within the fleet. */
  workspace: string;
  /** Template name; default `spt-flow`. */
  template?: string | undefined;
  /** A local template folder, pushed once for the whole fleet when the template is missing. */
  templateDir?: string | undefined;
  /** Rich parameter values by name. */
  parameters?: Record<string, string> | undefined;
  /** Terraform variable values, used when the template is pushed. */
  variables?: Record<string, string> | undefined;
  /**
   * A preset of the template version, by name, or `"none"`; `up()`'s `preset` option (by default a new
   * workspace gets the template's default preset).
   */
  preset?: string | undefined;
  /** Owner: `me` (default), a user name or id, when an admin provisions for others. */
  owner?: string | undefined;
}

/** What happened to one spec. `canceled`: never started (aborted while queued). */
export type FleetOutcome = "created" | "started" | "reused" | "failed" | "canceled" | "interrupted";

/** The result of one spec, in the order of the specs. */
export interface FleetItemResult {
  /** The spec's workspace name. */
  name: string;
  owner: string;
  /**
   * `created`, `started` (a start build was needed) and `reused` (running already, or made by a concurrent run)
   * are successes; `interrupted`: the abort signal stopped the wait, the build goes on on the server.
   */
  outcome: FleetOutcome;
  /** The workspace as it ended, when it exists. */
  workspace?: Workspace | undefined;
  /** The typed error of a failed or interrupted item. */
  error?: Error | undefined;
  /** What exists for this item after a failure, e.g. `workspace dev (failed)`. */
  exists: string[];
  durationMs: number;
}

/** A template the fleet needed, and whether it was pushed. */
export interface FleetTemplateResult {
  name: string;
  dir?: string | undefined;
  outcome: "existing" | "pushed" | "would-push" | "missing" | "failed";
  error?: Error | undefined;
}

/** A workspace prune considered. */
export interface FleetPruneResult {
  name: string;
  owner: string;
  outcome: "would-delete" | "deleted" | "failed" | "skipped";
  error?: Error | undefined;
}

/** Where the build concurrency came from. */
export interface FleetConcurrency {
  /** Workspace builds in flight at most. */
  builds: number;
  /** HTTP requests in flight at most (only when `upMany` made the client). */
  requests: number | undefined;
  source: "option" | "provisioner-daemons" | "default";
  /** Why the default was used, when it was. */
  reason?: string | undefined;
}

/** What {@link upMany} returns, also when aborted. */
export interface FleetSummary {
  items: FleetItemResult[];
  templates: FleetTemplateResult[];
  pruned: FleetPruneResult[];
  counts: Record<FleetOutcome, number>;
  concurrency: FleetConcurrency;
  /** Nothing was changed: outcomes say what would happen. */
  dryRun: boolean;
  aborted: boolean;
  /** Every item succeeded (and every prune deletion). */
  ok: boolean;
  durationMs: number;
}

/** Progress of a fleet: per item (with its name) and for the fleet as a whole. */
export type FleetEvent =
  | { type: "item"; item: string; index: number; state: "start" }
  | { type: "item"; item: string; index: number; state: "done"; result: FleetItemResult }
  | { type: "flow"; item: string; index: number; event: FlowEvent }
  | { type: "fleet"; level: "info" | "warning"; message: string };

/** Options of {@link upMany}. Give `url` and `token`, or a ready `client`. */
export interface UpManyOptions {
  url?: string | undefined;
  token?: string | undefined;
  /** A shared client; the HTTP cap then does not apply, but its 429 pacing is still shared by every item. */
  client?: CoderClient | undefined;
  /** The `fetch` under the HTTP cap of the client `upMany` makes (e.g. `createNodeFetch()`); default the global one. */
  fetch?: typeof fetch | undefined;
  /** Organization name or id; default: the default organization. */
  org?: string | undefined;
  /** Workspace builds in flight at most; default: the online provisioner daemons, else {@link DEFAULT_FLEET_BUILDS}. */
  concurrency?: number | undefined;
  /** HTTP requests in flight at most, for the client `upMany` makes; default {@link DEFAULT_FLEET_REQUESTS}. */
  maxRequestsInFlight?: number | undefined;
  /** Say what would be created, started, reused, pushed and pruned; change nothing. */
  dryRun?: boolean | undefined;
  /** Delete workspaces whose names start with `prefix` and that are not in the specs (of the specs' owners). */
  prune?: { prefix: string } | undefined;
  /**
   * Wait for builds and agents (default true). With `false` an item ends once its build is queued, so the build
   * cap limits how fast builds are queued, not how many run: Coder's queue then holds the rest.
   */
  wait?: boolean | undefined;
  agentTimeoutMs?: number | undefined;
  /** Stops new items and cancels queued ones; running builds are left alone; the summary is still returned. */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: FleetEvent) => void) | undefined;
}

/** Builds in flight when the provisioner daemons cannot be read: coderd's default number of built-in daemons. */
export const DEFAULT_FLEET_BUILDS = 3;

/** HTTP requests in flight at most by default. */
export const DEFAULT_FLEET_REQUESTS = 16;
