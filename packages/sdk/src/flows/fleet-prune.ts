import type { CoderClient } from "../coder-client.js";
import type { Workspace } from "../types.js";
import type { FleetEvent, FleetPruneResult } from "./fleet-types.js";
import { waitForBuild } from "./wait.js";
import { deleteWorkspace } from "./workspace.js";

/** Workspaces in a page of the list; Coder caps nothing, but small pages keep each answer small. */
const PAGE = 100;

/** The owner's workspaces (not deleted), all pages. */
export async function listOwnerWorkspaces(
  client: CoderClient,
  owner: string,
  signal: AbortSignal | undefined,
): Promise<Workspace[]> {
  const all: Workspace[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.workspaces.list({ q: `owner:${owner}`, limit: PAGE, offset }, { signal });
    all.push(...page.workspaces);
    if (page.workspaces.length < PAGE || all.length >= page.count) return all;
  }
}

/** A key for a workspace of an owner; Coder's names are case-insensitive. */
export function workspaceKey(owner: string, name: string): string {
  return `${owner.toLowerCase()}/${name.toLowerCase()}`;
}

/** Options of {@link prune}. */
export interface PruneInput {
  client: CoderClient;
  prefix: string;
  /** The owner's workspaces by owner as given in the specs (`me`, a name). */
  existing: Map<string, Workspace[]>;
  /** Keys ({@link workspaceKey}) of the declared workspaces. */
  declared: Set<string>;
  dryRun: boolean;
  concurrency: number;
  signal: AbortSignal | undefined;
  emit: (event: FleetEvent) => void;
}

/**
 * Deletes the workspaces whose names start with `prefix` and that the declaration does not name. The whole list
 * is announced before the first deletion; with `dryRun` only the list is returned. A deletion is a `delete`
 * build, followed to its end.
 */
export async function prune(input: PruneInput): Promise<FleetPruneResult[]> {
  const prefix = input.prefix.toLowerCase();
  const candidates: { owner: string; workspace: Workspace }[] = [];
  for (const [owner, workspaces] of input.existing) {
    for (const workspace of workspaces) {
      if (!workspace.name.toLowerCase().startsWith(prefix)) continue;
      if (input.declared.has(workspaceKey(owner, workspace.name))) continue;
      candidates.push({ owner, workspace });
    }
  }
  const names = candidates.map((c) => c.workspace.name);
  if (candidates.length === 0) {
    input.emit({ type: "fleet", level: "info", message: `Nothing to prune under "${input.prefix}".` });
    return [];
  }
  input.emit({
    type: "fleet",
    level: "info",
    message: `${input.dryRun ? "Would prune" : "Pruning"} ${names.length} workspace(s) not in the declaration: ${names.join(", ")}`,
  });
  if (input.dryRun)
    return candidates.map((c) => ({ name: c.workspace.name, owner: c.owner, outcome: "would-delete" }));

  const results: FleetPruneResult[] = new Array(candidates.length);
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const i = next++;
      const { owner, workspace } = candidates[i]!;
      if (input.signal?.aborted) {
        results[i] = { name: workspace.name, owner, outcome: "skipped" };
        continue;
      }
      try {
        const build = await deleteWorkspace(input.client, workspace, { signal: input.signal });
        await waitForBuild(input.client, build.id, { signal: input.signal });
        results[i] = { name: workspace.name, owner, outcome: "deleted" };
      } catch (error) {
        results[i] = { name: workspace.name, owner, outcome: "failed", error: error as Error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency, candidates.length) }, worker));
  return results;
}
