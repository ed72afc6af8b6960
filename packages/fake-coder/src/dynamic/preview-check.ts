/** What coderd checks of a dynamic template's files when its version is created, before any job. */
import { ArchiveError, readTar } from "../archive.js";
import { HclSyntaxError, type ParsedFile, parseTemplateFiles } from "../hcl.js";
import { ApiError } from "../http.js";
import { diagnosticsErrorString, previewBlockDiagnostics } from "../parameter-blocks.js";

/**
 * Templates on the dynamic-parameter flow have their Terraform parsed during the POST (`coder/preview`), so bad
 * HCL or bad parameter blocks are a 400 there and no job is created. Archive problems are left to the import job.
 */
export async function previewCheck(data: Uint8Array): Promise<void> {
  let files: Awaited<ReturnType<typeof readTar>>;
  try {
    files = await readTar(data);
  } catch (err) {
    if (err instanceof ArchiveError) return;
    throw err;
  }
  let parsed: ParsedFile[];
  try {
    parsed = await parseTemplateFiles(files);
  } catch (err) {
    if (err instanceof HclSyntaxError) throw new ApiError(400, "Unable to parse workspace tags", err.message);
    throw err;
  }
  // coder/preview's top-level diagnostics (a parameter block without a name, a name used twice) refuse it too.
  const diagnostics = previewBlockDiagnostics(parsed);
  if (diagnostics.length > 0)
    throw new ApiError(400, "Unable to parse workspace tags", diagnosticsErrorString(diagnostics));
}
