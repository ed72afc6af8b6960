// A push's provisioner tags: the ones the coder CLI reuses, how they compare with a version's stored ones, and a
// warning when no provisioner takes them.
import type { CoderClient } from "../coder-client.js";
import type { Template, TemplateVersion } from "../types.js";
import type { FlowEventHandler } from "./events.js";

/** Tags as the user gives them against a version's stored tags, which Coder completes with `scope` and `owner`. */
export function sameTags(given: Record<string, string>, stored: Record<string, string>): boolean {
  const strip = (tags: Record<string, string>) =>
    Object.entries(tags)
      .filter(([k]) => (k !== "scope" && k !== "owner") || k in given)
      .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(strip(given)) === JSON.stringify(strip(stored));
}

/** The coder CLI reuses the active version's provisioner tags when none are given. */
export async function activeTags(
  client: CoderClient,
  template: Template,
  io: { signal?: AbortSignal | undefined },
) {
  const active = await client.templateVersions.get(template.active_version_id, io);
  return active.job.tags ?? {};
}

/** Warns when a queued import has no provisioner that takes its tags, or none seen recently. */
export function warnUnmatchedProvisioners(version: TemplateVersion, onEvent: FlowEventHandler | undefined) {
  const matched = version.matched_provisioners;
  if (version.job.status !== "pending" || !matched) return;
  if (matched.count === 0) {
    onEvent?.({
      type: "warning",
      code: "no-provisioners",
      message: "The import is queued, but no provisioner accepts its tags; it will wait until one does.",
    });
  } else if (matched.available === 0) {
    onEvent?.({
      type: "warning",
      code: "provisioners-stale",
      message: "Provisioners that accept the tags have not been seen recently; the import may wait.",
    });
  }
}
