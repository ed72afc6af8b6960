import type { CoderClient } from "../coder-client.js";
import { CoderAbortError } from "../errors/base.js";
import { MissingTemplateVariablesError, ProvisionerJobError, withCreated } from "../errors/flows.js";
import { PushInterruptedError, TemplateImportCanceledError } from "../errors/interrupt.js";
import { followJobLogs } from "../jobs/follow.js";
import { LogTail } from "../jobs/log-tail.js";
import type { Template, TemplateVersion } from "../types.js";
import { createOnce } from "./create-once.js";
import { type FlowEventHandler, queuedEvents } from "./events.js";
import { findVersion } from "./find-version.js";

/**
 * How long the look at the server after an interrupt may take: the signal is already aborted, so these calls run
 * without it, and the person who interrupted waits for them.
 */
const AFTER_ABORT_MS = 5_000;

/** The body of a template version create, as `pushTemplate` builds it (our own `name` included). */
export type VersionCreateBody = Parameters<CoderClient["templateVersions"]["create"]>[1] & { name: string };

/**
 * Creates the version without ever making two (see createOnce). When the signal aborts while the create request is
 * in flight, the server may have made the version and queued its import all the same: it is looked up by our name
 * and its import canceled, so an interrupt never leaves an import running that nobody follows.
 */
export async function createVersion(
  client: CoderClient,
  where: { org: string; existing: Template | undefined; fileId: string },
  body: VersionCreateBody,
  signal: AbortSignal | undefined,
): Promise<TemplateVersion> {
  const key = { org: where.org, existing: where.existing, name: body.name, fileId: where.fileId };
  try {
    const { value } = await createOnce({
      create: () => client.templateVersions.create(where.org, body, { signal }),
      find: () => findVersion(client, key, { signal }),
      signal,
    });
    return value;
  } catch (error) {
    if (!signal?.aborted || !(error instanceof CoderAbortError)) throw error;
    let version: TemplateVersion | undefined;
    try {
      version = await findVersion(client, key, { timeoutMs: AFTER_ABORT_MS });
    } catch (lookup) {
      throw new PushInterruptedError(
        `The push was interrupted while template version ${body.name} was being created; whether it exists could not be checked: ${(lookup as Error).message}`,
        { name: body.name, id: undefined },
        { cause: error },
      );
    }
    if (!version) throw error;
    throw await cancelImport(client, version, error);
  }
}

/**
 * Cancels `version`'s import after an abort and returns the error that says so: a {@link TemplateImportCanceledError}
 * when the server took the cancel, otherwise a {@link PushInterruptedError} (the import may have finished already).
 */
async function cancelImport(client: CoderClient, version: TemplateVersion, cause: unknown): Promise<Error> {
  try {
    await client.templateVersions.cancel(version.id, { timeoutMs: AFTER_ABORT_MS });
    return new TemplateImportCanceledError(version, { cause });
  } catch (failure) {
    const left = new PushInterruptedError(
      `The push was interrupted; template version ${version.name} was created and its import could not be canceled: ${(failure as Error).message}`,
      { name: version.name, id: version.id },
      { cause },
    );
    return withCreated(left, [`template version ${version.name} (${version.id})`]) as Error;
  }
}

/** What {@link followImport} needs besides the client and the version. */
export interface ImportFollow {
  signal?: AbortSignal | undefined;
  onEvent?: FlowEventHandler | undefined;
  /** What this push made so far, for the errors. */
  created: string[];
  /** The variable values sent with the version, to tell which required ones were missing. */
  given: Record<string, string>;
}

/** Follows the import; on abort cancels the job on the server first. Throws typed errors on failure. */
export async function followImport(
  client: CoderClient,
  version: TemplateVersion,
  follow: ImportFollow,
): Promise<void> {
  const tail = new LogTail();
  const stream = followJobLogs(client, {
    job: { kind: "template-version", id: version.id },
    signal: follow.signal,
    onJob: queuedEvents("import", follow.onEvent),
  });
  try {
    for await (const log of stream) {
      tail.add(log);
      await follow.onEvent?.({ type: "log", source: "import", log });
    }
  } catch (error) {
    if (error instanceof CoderAbortError) throw await cancelImport(client, version, error);
    throw error;
  }
  const job = stream.job ?? version.job;
  if (job.status === "succeeded") return;
  if (job.error_code === "REQUIRED_TEMPLATE_VARIABLES") {
    const variables = await client.templateVersions.variables(version.id);
    // coder counts a variable as supplied only when its value is non-empty, tfvars values included.
    const supplied = new Set(
      Object.entries(follow.given)
        .filter(([, value]) => value !== "")
        .map(([name]) => name),
    );
    const missing = variables.filter(
      (v) =>
        v.required &&
        !supplied.has(v.name) &&
        (v.default_value === "" || (v.sensitive && v.default_value === "*redacted*")),
    );
    if (missing.length) throw new MissingTemplateVariablesError(missing, version.id, follow.created);
  }
  throw new ProvisionerJobError("import", job, tail.all, follow.created);
}
