import { packTemplate, TemplateArchiveError } from "../archive/index.js";
import { isTerraformName } from "../archive/rules.js";
import type { CoderClient } from "../coder-client.js";
import { CoderInvalidInputError } from "../errors/base.js";
import { withCreated } from "../errors/flows.js";
import { assertValidName } from "../names.js";
import type { Organization, Template, TemplateVersion } from "../types.js";
import { createOnce } from "./create-once.js";
import { type FlowEventHandler, stage } from "./events.js";
import { newVersionName } from "./find-version.js";
import { resolveOrganization } from "./organization.js";
import { activeTags, sameTags, warnUnmatchedProvisioners } from "./provisioner-tags.js";
import { createVersion, followImport } from "./push-import.js";

/** Options of {@link pushTemplate}. Give `dir` (packed with Coder's rules) or a ready `archive`. */
export interface PushTemplateOptions {
  /** Organization name or id; default: the default organization. */
  org?: string | undefined;
  /** Template name (Coder's name rules). */
  name: string;
  dir?: string | undefined;
  archive?: Uint8Array | undefined;
  /** Follow symlinks that stay inside `dir` when packing (default: skip symlinks). */
  followSymlinks?: boolean | undefined;
  /** Terraform variable values; they win over values found in tfvars files. */
  variables?: Record<string, string> | undefined;
  /** Provisioner tags; default: the active version's tags when the template exists, as the coder CLI does. */
  tags?: Record<string, string> | undefined;
  message?: string | undefined;
  /** Promote the new version when the template exists (default true). */
  activate?: boolean | undefined;
  /** Create a version even when the archive is the one the active version was built from. */
  force?: boolean | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: FlowEventHandler | undefined;
}

/** What {@link pushTemplate} did. */
export interface PushTemplateResult {
  template: Template;
  /** The version created, or the active one when `unchanged`. */
  version: TemplateVersion;
  /** The template did not exist and was created. */
  created: boolean;
  /** Nothing was pushed: the active version was built from the same bytes. */
  unchanged: boolean;
}

/**
 * Does what `coder templates push` does, as a library call: pack, upload, create a version, follow its import
 * job, then create the template (201) or promote the version. Identical bytes get the same file id from Coder
 * (sha256 dedup per uploader) and our archives are reproducible, so an unchanged folder creates no version.
 * On abort the running import job is canceled on the server before the promise rejects.
 */
export async function pushTemplate(
  client: CoderClient,
  options: PushTemplateOptions,
): Promise<PushTemplateResult> {
  assertValidName("template", options.name);
  const io = { signal: options.signal };
  const org = await resolveOrganization(client, options.org, io);
  const existing = await client.templates.getByName(org.id, options.name, io);
  return pushIntoOrganization(client, org, existing, options);
}

/**
 * The body of {@link pushTemplate} once the organization and the template (or its absence) are known, so that
 * `up`, which has looked both up already, does not ask twice.
 */
export async function pushIntoOrganization(
  client: CoderClient,
  org: Organization,
  existing: Template | undefined,
  options: PushTemplateOptions,
): Promise<PushTemplateResult> {
  const { onEvent, signal } = options;
  assertValidName("template", options.name);
  const io = { signal };
  const packed = await packArchive(options, onEvent);
  const variables = { ...packed.variables, ...options.variables };

  const upload = await stage(onEvent, "upload", "Uploading template", () =>
    client.files.upload(packed.bytes, io),
  );
  if (existing && !options.force) {
    const active = await client.templateVersions.get(existing.active_version_id, io);
    // The coder CLI always makes a new version; skipping one is only safe when nothing a version carries
    // changes: same bytes, no variables, and the same message and tags (those still get a new version).
    if (
      active.job.file_id === upload.id &&
      active.job.status === "succeeded" &&
      !options.variables &&
      (options.message === undefined || options.message === active.message) &&
      (options.tags === undefined || sameTags(options.tags, active.job.tags ?? {}))
    ) {
      onEvent?.({
        type: "info",
        message: `Template "${existing.name}" is unchanged; no new version was created.`,
      });
      return { template: existing, version: active, created: false, unchanged: true };
    }
  }

  const tags = options.tags ?? (existing ? await activeTags(client, existing, io) : {});
  // Our own name for the version, so that after a lost answer the version can be found again (see findVersion).
  const versionName = newVersionName();
  const body = {
    name: versionName,
    storage_method: "file" as const,
    provisioner: "terraform" as const,
    file_id: upload.id,
    tags,
    message: options.message ?? "Uploaded by spt-coder",
    user_variable_values: Object.entries(variables)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    ...(existing ? { template_id: existing.id } : {}),
  };
  // After a lost answer the version is looked up by its name before the create is sent again, so a create whose
  // answer was lost mid-response does not make a second version (and a second import job).
  const version = await createVersion(client, { org: org.id, existing, fileId: upload.id }, body, signal);
  const created = [`template version ${version.name} (${version.id})`];
  try {
    const archive = { fileId: upload.id, bytes: packed.bytes };
    return await finishPush(client, options, { org: org.id, existing, version, created, archive, variables });
  } catch (error) {
    throw withCreated(error, created);
  }
}

/** After the version exists: follow its import, then promote it or create the template from it. */
async function finishPush(
  client: CoderClient,
  options: PushTemplateOptions,
  pushed: {
    org: string;
    existing: Template | undefined;
    version: TemplateVersion;
    created: string[];
    archive: { fileId: string; bytes: Uint8Array };
    variables: Record<string, string>;
  },
): Promise<PushTemplateResult> {
  const { onEvent, signal } = options;
  const { org, existing, version, created, archive, variables } = pushed;
  const io = { signal };
  warnUnmatchedProvisioners(version, onEvent);

  await stage(onEvent, "import", "Importing template", () =>
    followImport(client, version, { signal, onEvent, created, given: variables }),
  );

  if (existing) {
    if (options.activate ?? true) {
      await stage(onEvent, "promote", "Promoting version", () =>
        client.templates.promote(existing.id, version.id, io),
      );
    }
    return {
      template: await client.templates.get(existing.id, io),
      version,
      created: false,
      unchanged: false,
    };
  }
  // A template of this name whose active version is ours was made by this call (an earlier, lost attempt). One
  // made meanwhile by a concurrent push of the same files (another `up` racing this one) is just as good: both
  // wanted that template, so this push uses it instead of failing with "already exists". Its own version then
  // stays unused; Coder offers no way to delete a version that belongs to no template.
  let ours = true;
  const template = await stage(onEvent, "create_template", "Creating template", async () => {
    const made = await createOnce({
      create: () => client.templates.create(org, { name: options.name, template_version_id: version.id }, io),
      find: async () => {
        const found = await client.templates.getByName(org, options.name, io);
        if (!found) return undefined;
        if (found.active_version_id === version.id) return found;
        ours = false;
        return (await madeFromSameFiles(client, found, archive, io)) ? found : undefined;
      },
      signal,
    });
    return made.value;
  });
  if (!ours) {
    onEvent?.({
      type: "info",
      message: `Template "${template.name}" was created meanwhile by another push of the same files; using it.`,
    });
    const active = await client.templateVersions.get(template.active_version_id, io);
    return { template, version: active, created: false, unchanged: true };
  }
  return { template, version, created: true, unchanged: false };
}

async function packArchive(options: PushTemplateOptions, onEvent: FlowEventHandler | undefined) {
  if (options.archive) return { bytes: options.archive, variables: {} as Record<string, string> };
  if (!options.dir)
    throw new CoderInvalidInputError("pushTemplate needs a template folder (dir) or an archive.");
  const dir = options.dir;
  return stage(onEvent, "pack", "Packing template", async () => {
    const packed = await packTemplate(dir, { followSymlinks: options.followSymlinks ?? false });
    for (const warning of packed.warnings) onEvent?.({ type: "warning", code: "archive", message: warning });
    // Coder's own check counts a hidden or symlinked main.tf, but neither is archived: such an upload can only
    // make a template without any Terraform, so it stops here, before anything is sent.
    if (!packed.files.some((name) => !name.includes("/") && isTerraformName(name))) {
      throw new TemplateArchiveError(
        `${dir} has no .tf or .tf.json file that would be archived at its top level: the ones there are hidden or symlinks, which are left out. Rename them, or replace the symlinks with the files`,
        { dir },
      );
    }
    return {
      bytes: packed.bytes,
      variables: Object.fromEntries(packed.variables.map((v) => [v.name, v.value])),
    };
  });
}

/**
 * Whether `template`'s active version was built from the same archive: the same file id (Coder gives identical
 * bytes from one uploader the same file), or, from another uploader, the same bytes.
 */
async function madeFromSameFiles(
  client: CoderClient,
  template: Template,
  archive: { fileId: string; bytes: Uint8Array },
  io: { signal?: AbortSignal | undefined },
): Promise<boolean> {
  const active = await client.templateVersions.get(template.active_version_id, io);
  if (active.job.status !== "succeeded") return false;
  if (active.job.file_id === archive.fileId) return true;
  const theirs = await client.files.download(active.job.file_id, io);
  return theirs.length === archive.bytes.length && theirs.every((byte, i) => byte === archive.bytes[i]);
}
