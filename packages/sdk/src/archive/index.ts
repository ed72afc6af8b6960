/**
 * Template archives: pack a Terraform template folder into the reproducible ustar archive that
 * `POST /api/v2/files` takes, with Coder CLI's inclusion rules and 1 MiB limit, plus the tfvars values the
 * CLI sends as `user_variable_values`.
 */
export {
  type ArchiveFileSize,
  TemplateArchiveError,
  type TemplateArchiveErrorInit,
} from "../errors/archive.js";
export {
  DEFAULT_TEMPLATE_MTIME,
  type PackedTemplate,
  type PackTemplateOptions,
  packTemplate,
  TEMPLATE_ARCHIVE_LIMIT,
} from "./pack.js";
export type { TemplateVariableValue } from "./tfvars.js";
