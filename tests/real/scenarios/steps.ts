// Steps many scenarios share: running the CLI and reading its JSON, a workspace up from a template of its own,
// and deleting a template (no CLI command does; the suite's sweep relies on the same endpoint).
import { expect } from "vitest";
import type { CliRun, ScenarioContext } from "../support/context.js";

/** The CLI run's stdout as JSON, after checking it exited with `code` (stderr shown when it did not). */
export function json<T = Record<string, unknown>>(run: CliRun, code = 0): T {
  expect(run.code, run.stderr).toBe(code);
  return JSON.parse(run.stdout) as T;
}

/** Expects a CLI run to exit with `code`; returns its stderr for the scenario to read. */
export function exits(run: CliRun, code: number): string {
  expect(run.code, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(code);
  return run.stderr;
}

/** `spt-coder up` of workspace `ws` from the template folder `dir` (pushed as `template` when missing). */
export function up(ctx: ScenarioContext, template: string, dir: string, ws: string, extra: string[] = []) {
  return ctx.cli([
    "up",
    "--template",
    template,
    "--template-dir",
    dir,
    ...ctx.vars,
    "--name",
    ws,
    "--yes",
    "-o",
    "json",
    ...extra,
  ]);
}

/** The workspace's agents as the server reports them. */
export async function agentsOf(ctx: ScenarioContext, ws: string) {
  const workspace = await ctx.client.workspaces.getByName("me", ws);
  return (workspace?.latest_build.resources ?? []).flatMap((r) => r.agents ?? []);
}

/** Sends a request through the recorder with the owner's token (for endpoints the SDK has no facade for). */
export async function call(ctx: ScenarioContext, method: string, path: string, body?: unknown) {
  const answer = await fetch(new URL(path, ctx.client.url), {
    method,
    headers: {
      "Coder-Session-Token": ctx.token,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** Deletes a template by name (its workspaces must be gone). */
export async function deleteTemplate(ctx: ScenarioContext, name: string): Promise<void> {
  const template = await ctx.client.templates.getByName(ctx.owner.organization_ids[0] as string, name);
  if (!template) return;
  const { status, body } = await call(ctx, "DELETE", `/api/v2/templates/${template.id}`);
  expect(status, JSON.stringify(body)).toBe(200);
}

/** Deletes a workspace with the CLI, and expects it to succeed. */
export async function deleteWorkspace(ctx: ScenarioContext, ws: string): Promise<void> {
  exits(await ctx.cli(["delete", ws, "--yes"]), 0);
}
