/**
 * Coder's archive rules (provisionersdk/archive.go), as pure functions of the entry's relative path.
 * `rel` always uses forward slashes and has no leading `./`.
 */

const LOCKFILE = ".terraform.lock.hcl";

/** Returns the last path component. */
export function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf("/") + 1);
}

/**
 * Hidden entries are skipped, and a hidden folder is pruned with everything in it. Coder keeps
 * `.terraform.lock.hcl` wherever it is, as long as no parent folder is hidden (the walk never gets there).
 */
export function isHidden(rel: string): boolean {
  const base = baseName(rel);
  return base.startsWith(".") && base !== LOCKFILE;
}

/** State files and their backups are never uploaded; a folder whose name holds `.tfstate` is pruned. */
export function isState(rel: string): boolean {
  return rel.includes(".tfstate");
}

/**
 * Variable files are read on the client and sent as `user_variable_values`, so Coder leaves them out of the
 * archive. `terraform.tfvars(.json)` only at the top, `*.auto.tfvars(.json)` at any depth. Like Coder, a
 * folder with such a name loses its own entry but its contents are still walked.
 */
export function isVariablesFile(rel: string): boolean {
  return (
    rel === "terraform.tfvars" ||
    rel === "terraform.tfvars.json" ||
    rel.endsWith(".auto.tfvars") ||
    rel.endsWith(".auto.tfvars.json")
  );
}

/**
 * Coder's "is this a template" check: some top-level entry (any kind, hidden or not) ends in `.tf` or
 * `.tf.json`.
 */
export function isTerraformName(name: string): boolean {
  return name.endsWith(".tf") || name.endsWith(".tf.json");
}

/** Compares like Go's string ordering (UTF-8 bytes), which is the order `filepath.Walk` visits names in. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
