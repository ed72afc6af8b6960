import type { UpdateParameterNeed, Workspace, WorkspaceBuild } from "@spt-coder/sdk";
import type { Ctx, Sdk } from "./command.js";
import { CliError, UsageError } from "./errors.js";
import type { Session } from "./session.js";
import { renderJson } from "./ui/table.js";

/** `--template-version NAME`. */
export const templateVersionArg = {
  "template-version": {
    type: "string",
    describe: "Template version name to build instead of the one Coder's rules pick (try before promoting)",
  },
} as const;

/**
 * Asks for what a new template version needs, one prompt per parameter, as `coder update` does; without a
 * terminal (or with -o json) it returns undefined so the SDK reports every need at once (exit 2).
 */
export function needsPrompter(
  ctx: Ctx,
): ((needs: UpdateParameterNeed[]) => Promise<Record<string, string>>) | undefined {
  if (!ctx.canPrompt) return undefined;
  return async (needs) => {
    const values: Record<string, string> = {};
    for (const need of needs) {
      const p = need.parameter;
      const why =
        need.reason === "invalid"
          ? ` (the value "${need.previousValue}" is no longer accepted: ${need.message})`
          : "";
      ctx.stderr(`${ctx.colors.bold(p.display_name || p.name)}${why}\n`);
      if (p.description_plaintext) ctx.stderr(`  ${p.description_plaintext}\n`);
      if (p.options.length > 0) ctx.stderr(`  Options: ${p.options.map((o) => o.value).join(", ")}\n`);
      const answer = await ctx.prompt(
        p.default_value ? `Enter a value (default: "${p.default_value}"):` : "Enter a value:",
      );
      values[p.name] = answer === "" ? p.default_value : answer;
    }
    return values;
  };
}

/**
 * A confirmation before something that restarts or destroys: skipped by `--yes`, refused without a terminal
 * (exit 2, naming `--yes`), and a "no" ends the command (exit 1) with nothing done.
 */
export async function confirmOrStop(ctx: Ctx, yes: boolean, question: string, what: string): Promise<void> {
  if (yes) return;
  if (!ctx.canPrompt) {
    throw new UsageError(`Refusing to ${what} without confirmation.`, {
      suggestion: "Pass --yes to go ahead.",
    });
  }
  if (!(await ctx.confirm(question, false))) {
    throw new CliError(`Canceled: nothing was changed (${what}).`, { exitCode: 1 });
  }
}

/** A build as `-o json` prints it, or one line of text. */
export function reportBuild(ctx: Ctx, json: boolean, build: WorkspaceBuild, text: string): void {
  if (json) ctx.stdout(renderJson(build));
  else ctx.stdout(`${text}\n`);
}

/** The id of a version of the workspace's template by name; a wrong name is exit 4 naming the template. */
export async function versionIdByName(
  session: Session,
  sdk: Sdk,
  workspace: Workspace,
  name: string,
): Promise<string> {
  const version = await session.client.templates.versionByName(workspace.template_id, name);
  if (!version) throw new sdk.TemplateVersionNotFoundError(workspace.template_name, name);
  return version.id;
}
