import type { SourceFile } from "./hcl-sites.js";

/**
 * What the fake's "provisioner" learns from an uploaded template: rich parameters and variables in their API shape,
 * plus enough of the resources, agents and apps to answer builds the way Terraform + the Coder provider would.
 */

/** One `option` of a rich parameter, as the API sends it. */
export interface ParameterOption {
  name: string;
  description: string;
  value: string;
  icon: string;
}

/** A `data "coder_parameter"` block in the API's `TemplateVersionParameter` shape. */
export interface TemplateParameter {
  name: string;
  display_name?: string;
  description: string;
  description_plaintext: string;
  type: "string" | "number" | "bool" | "list(string)";
  form_type: string;
  mutable: boolean;
  default_value: string;
  icon: string;
  options: ParameterOption[];
  validation_error?: string;
  validation_regex?: string;
  validation_min?: number;
  validation_max?: number;
  validation_monotonic?: "increasing" | "decreasing";
  required: boolean;
  ephemeral: boolean;
}

/** A Terraform `variable` block in the API's `TemplateVersionVariable` shape (without the resolved value). */
export interface TemplateVariable {
  name: string;
  description: string;
  type: "string" | "number" | "bool";
  default_value: string;
  required: boolean;
  sensitive: boolean;
}

/** A `coder_app` (or the app a known registry module creates). */
export interface TemplateApp {
  slug: string;
  displayName: string;
  url?: string;
  command?: string;
  icon: string;
  subdomain: boolean;
  share: "owner" | "authenticated" | "organization" | "public";
  healthcheck?: { url: string; interval: number; threshold: number };
  external: boolean;
  hidden: boolean;
  openIn: "slim-window" | "tab";
  group?: string;
  order: number;
}

/** A `coder_agent` resource. */
export interface TemplateAgent {
  name: string;
  os: string;
  arch: string;
  dir: string;
  env: Record<string, string>;
  connectionTimeoutSeconds: number;
  troubleshootingUrl: string;
  startupScript: string;
  displayApps: string[];
  apps: TemplateApp[];
}

/** A non-Coder Terraform resource, with the agents attached to it. */
export interface TemplateResource {
  type: string;
  name: string;
  /** `count = data.coder_workspace.me.start_count`: exists only for start transitions. */
  startOnly: boolean;
  /** A literal `count = 0`: never exists. */
  never: boolean;
  agentNames: string[];
  /**
   * How long creating it takes, in ms: the `sleep <seconds>` commands of its create-time `local-exec`
   * provisioners (0 when none). A build is running while it lasts, so it can be caught and canceled there.
   */
  createMs: number;
}

/** Everything read from one template archive. */
export interface ParsedTemplate {
  parameters: TemplateParameter[];
  variables: TemplateVariable[];
  resources: TemplateResource[];
  agents: TemplateAgent[];
  readme: string;
  /** The parsed files (hcl2json's shape), which dynamic parameters are rendered from at every evaluation. */
  docs?: Record<string, unknown>[];
  /** The files' text, for where Terraform's diagnostics point (hcl2json keeps no positions). */
  sources?: SourceFile[];
  /** `data "coder_workspace_preset"` blocks. */
  presets?: PresetRecord[];
}

/** A `coder_workspace_preset`: named parameter values, maybe the default, maybe with prebuilt workspaces. */
export interface PresetRecord {
  id: string;
  name: string;
  parameters: { name: string; value: string }[];
  default: boolean;
  desiredPrebuildInstances: number;
  description: string;
  icon: string;
}
