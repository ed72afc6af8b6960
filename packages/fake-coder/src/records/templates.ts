/** What is pushed: uploaded files, templates and their versions. */
import type { ParsedTemplate, TemplateParameter, TemplateVariable } from "../template-model.js";

/** An uploaded file, stored as a tar (zips are converted on upload). */
export interface FileRecord {
  id: string;
  hash: string;
  createdBy: string;
  mimetype: string;
  data: Uint8Array<ArrayBuffer>;
  createdAt: string;
}

/** A template (fields named as in coderd's database, not the API). */
export interface TemplateRecord {
  id: string;
  organizationId: string;
  name: string;
  displayName: string;
  description: string;
  icon: string;
  activeVersionId: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
  deprecationMessage: string;
  defaultTtlMs: number;
  activityBumpMs: number;
  failureTtlMs: number;
  dormantTtlMs: number;
  deleteTtlMs: number;
  allowUserAutostart: boolean;
  allowUserAutostop: boolean;
  allowUserCancelWorkspaceJobs: boolean;
  requireActiveVersion: boolean;
  useClassicParameterFlow: boolean;
}

/** A `{name, value}` pair: Terraform variable values and rich parameter values. */
export interface VariableValue {
  name: string;
  value: string;
}

/** A template version and what its import learned. */
export interface TemplateVersionRecord {
  id: string;
  templateId: string | null;
  organizationId: string;
  name: string;
  message: string;
  readme: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  jobId: string;
  archived: boolean;
  fileId: string;
  userVariableValues: VariableValue[];
  /** What the import job read from the archive; set when the job parsed it. */
  parsed?: ParsedTemplate;
  parameters: TemplateParameter[];
  variables: (TemplateVariable & { value: string })[];
}
