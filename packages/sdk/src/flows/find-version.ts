import { randomBytes } from "node:crypto";
import type { CoderClient } from "../coder-client.js";
import { CoderForbiddenError, CoderNotFoundError } from "../errors/base.js";
import type { CallInit } from "../resources/api.js";
import type { Template, TemplateVersion } from "../types.js";

/** How many of the organization's newest jobs are searched for a lost version. */
const JOBS_SEARCHED = 100;

/**
 * A version name of ours, unique enough never to meet another: `spt-` plus the time and 48 random bits. It
 * satisfies Coder's rule (alphanumerics joined by single `-`, `_` or `.`, at most 64 characters).
 */
export function newVersionName(now = Date.now()): string {
  return `spt-${now.toString(36)}-${randomBytes(6).toString("hex")}`;
}

/** What identifies a version this push created: its organization, template (if any), our name and its file. */
export interface VersionKey {
  org: string;
  existing: Template | undefined;
  name: string;
  fileId: string;
}

/**
 * Finds the version a create with `key.name` made, when its answer was lost. A version of an existing template is
 * found by name. A version that belongs to no template yet has no by-name route in Coder, so it is found through
 * the organization's newest provisioner jobs (their metadata carries the version name); a user who may not read
 * provisioner jobs gets 404 there, and then nothing is found (the create is sent again, as before).
 */
export async function findVersion(
  client: CoderClient,
  key: VersionKey,
  io: CallInit,
): Promise<TemplateVersion | undefined> {
  if (key.existing) return client.templates.versionByName(key.existing.id, key.name, io);
  let jobs: Awaited<ReturnType<CoderClient["organizations"]["provisionerJobs"]>>;
  try {
    jobs = await client.organizations.provisionerJobs(key.org, { limit: JOBS_SEARCHED }, io);
  } catch (error) {
    if (error instanceof CoderNotFoundError || error instanceof CoderForbiddenError) return undefined;
    throw error;
  }
  const job = jobs.find(
    (j) =>
      j.type === "template_version_import" &&
      j.metadata.template_version_name === key.name &&
      j.file_id === key.fileId &&
      j.input.template_version_id,
  );
  return job?.input.template_version_id
    ? client.templateVersions.get(job.input.template_version_id, io)
    : undefined;
}
