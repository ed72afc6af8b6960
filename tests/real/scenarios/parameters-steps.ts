// What the parameter scenarios share: a template whose parameters exercise both flows (options, a number range,
// a parameter that exists only when another is set, a default from the owner), reading a build's values, and
// changing a template's settings the way `coder templates edit` does (the whole settings body, not a part).
import { expect } from "vitest";
import type { CliRun, ScenarioContext } from "../support/context.js";
import { call } from "./steps.js";

/** The error report a `-o json` run prints on stdout, after checking it exited with `code`. */
export interface CliFailure {
  code: string;
  message: string;
  validations: { field: string; detail: string }[];
  suggestion?: string;
}

/** The error of a failed `-o json` run, after checking its exit code. */
export function failure(run: CliRun, code: number): CliFailure {
  expect(run.code, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(code);
  const report = JSON.parse(run.stdout) as { error: CliFailure };
  return { ...report.error, validations: report.error.validations ?? [] };
}

/**
 * Parameters for both flows: `region` (options), `disk` (10 to 200), `gpu` and `gpu_count` (1 to 4, only when
 * gpu is true) and `label`, whose default is the owner's user name.
 */
export const PARAMETERS_HCL = `
data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
  mutable = true
  option {
    name  = "Europe"
    value = "eu"
  }
  option {
    name  = "America"
    value = "us"
  }
}

data "coder_parameter" "disk" {
  name    = "disk"
  type    = "number"
  default = 20
  mutable = true
  validation {
    min = 10
    max = 200
  }
}

data "coder_parameter" "gpu" {
  name    = "gpu"
  type    = "bool"
  default = false
  mutable = true
}

data "coder_parameter" "gpu_count" {
  count   = data.coder_parameter.gpu.value == "true" ? 1 : 0
  name    = "gpu_count"
  type    = "number"
  default = 1
  mutable = true
  validation {
    min = 1
    max = 4
  }
}

data "coder_parameter" "label" {
  name    = "label"
  type    = "string"
  default = data.coder_workspace_owner.me.name
  mutable = true
}
`;

/** The values of the workspace's latest build, by name. */
export async function buildValues(ctx: ScenarioContext, ws: string): Promise<Record<string, string>> {
  const workspace = await ctx.client.workspaces.getByName("me", ws);
  expect(workspace, `workspace ${ws}`).toBeDefined();
  const values = await ctx.client.builds.parameters(workspace?.latest_build.id as string);
  return Object.fromEntries(values.map((v) => [v.name, v.value]));
}

/** The template's id by name (it must exist). */
export async function templateId(ctx: ScenarioContext, name: string): Promise<string> {
  const template = await ctx.client.templates.getByName(ctx.owner.organization_ids[0] as string, name);
  expect(template, `template ${name}`).toBeDefined();
  return template?.id as string;
}

/**
 * PATCH /templates/{id} with every setting as it is plus `changes`: coderd reads the body as the whole of the
 * settings (a field left out is zero, e.g. `allow_user_autostart: false`), so it is sent whole, as
 * `coder templates edit` does. Returns the answer.
 */
export async function editTemplate(ctx: ScenarioContext, name: string, changes: Record<string, unknown>) {
  const id = await templateId(ctx, name);
  const { body: t } = await call(ctx, "GET", `/api/v2/templates/${id}`);
  const now = t as Record<string, unknown>;
  return call(ctx, "PATCH", `/api/v2/templates/${id}`, {
    name: now.name,
    display_name: now.display_name,
    description: now.description,
    icon: now.icon,
    default_ttl_ms: now.default_ttl_ms,
    activity_bump_ms: now.activity_bump_ms,
    autostop_requirement: now.autostop_requirement,
    autostart_requirement: now.autostart_requirement,
    allow_user_autostart: now.allow_user_autostart,
    allow_user_autostop: now.allow_user_autostop,
    allow_user_cancel_workspace_jobs: now.allow_user_cancel_workspace_jobs,
    failure_ttl_ms: now.failure_ttl_ms,
    time_til_dormant_ms: now.time_til_dormant_ms,
    time_til_dormant_autodelete_ms: now.time_til_dormant_autodelete_ms,
    require_active_version: now.require_active_version,
    max_port_share_level: now.max_port_share_level,
    use_classic_parameter_flow: now.use_classic_parameter_flow,
    ...changes,
  });
}

/** `spt-coder push` of a template folder, expected to succeed. */
export async function push(ctx: ScenarioContext, template: string, dir: string, extra: string[] = []) {
  const run = await ctx.cli(["push", template, "-d", dir, ...ctx.vars, "--yes", ...extra]);
  expect(run.code, run.stderr).toBe(0);
  return run;
}
