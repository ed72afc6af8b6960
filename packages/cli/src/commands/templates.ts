import type { Template } from "@spt-coder/sdk";
import { type CommandDef, defineCommand, type Sdk } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { confirmOrStop } from "../lifecycle.js";
import { openSession, type Session } from "../session.js";
import { renderJson, renderTable } from "../ui/table.js";
import { ago } from "../workspaces.js";
import { orgArg, outputArg, yesArg } from "./shared.js";

interface ListArgs {
  output: "table" | "json";
}

interface VersionArgs {
  org?: string;
  template: string;
  versionName: string;
  yes: boolean;
  output: "text" | "json";
}

const templatePositional = {
  template: { type: "string", describe: "Template name", demandOption: true },
} as const;
const versionPositionals = {
  ...templatePositional,
  // Not `version`: yargs keeps that key for --version.
  "version-name": { type: "string", describe: "Template version name (case-sensitive)", demandOption: true },
} as const;

/** A template by name in the resolved organization, or exit 4. */
async function findTemplate(session: Session, sdk: Sdk, name: string): Promise<Template> {
  const org = await sdk.resolveOrganization(session.client, session.org);
  const template = await session.client.templates.getByName(org.id, name);
  if (!template) {
    throw new CliError(`Template "${name}" was not found in organization "${org.name}".`, {
      exitCode: ExitCode.notFound,
      suggestion: "List templates with: spt-coder templates list",
    });
  }
  return template;
}

async function findVersion(session: Session, sdk: Sdk, args: VersionArgs) {
  const template = await findTemplate(session, sdk, args.template);
  const version = await session.client.templates.versionByName(template.id, args.versionName);
  if (!version) throw new sdk.TemplateVersionNotFoundError(template.name, args.versionName);
  return { template, version };
}

const listTemplates = defineCommand<ListArgs>({
  command: "list",
  describe: "List the templates you can use, in every organization",
  args: outputArg(["table", "json"]),
  examples: [["spt-coder templates list -o json", "Every template as JSON"]],
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const templates = await session.client.templates.search();
    if (args.output === "json") {
      ctx.stdout(renderJson(templates));
      return;
    }
    if (templates.length === 0) {
      ctx.stderr("No templates found! Push one with: spt-coder push --template-dir <folder>\n");
      return;
    }
    const rows = templates.map((t) => [
      t.name,
      t.organization_name,
      ago(t.updated_at),
      String(t.active_user_count),
      t.deprecated ? "true" : "false",
    ]);
    ctx.stdout(renderTable(["Name", "Organization", "Last updated", "Used by", "Deprecated"], rows));
  },
});

const listVersions = defineCommand<{ org?: string; template: string; output: "table" | "json" }>({
  command: "list <template>",
  describe: "List the versions of a template, oldest first, marking the active one",
  positionals: templatePositional,
  args: { ...orgArg, ...outputArg(["table", "json"]) },
  examples: [["spt-coder templates versions list spt-flow", "Versions of spt-flow"]],
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const template = await findTemplate(session, await ctx.sdk(), args.template);
    const versions = await session.client.templates.versions(template.id);
    if (args.output === "json") {
      ctx.stdout(renderJson(versions));
      return;
    }
    const rows = versions.map((v) => [
      v.name,
      ago(v.created_at),
      v.created_by.username,
      v.job.status,
      v.id === template.active_version_id ? "Active" : "",
    ]);
    ctx.stdout(renderTable(["Name", "Created", "Created by", "Status", "Active"], rows));
  },
});

function versionCommand(action: "promote" | "archive" | "unarchive"): CommandDef<VersionArgs> {
  const words = { promote: "Promote", archive: "Archive", unarchive: "Unarchive" }[action];
  return defineCommand<VersionArgs>({
    command: `${action} <template> <version-name>`,
    describe:
      action === "promote"
        ? "Make a version the template's active one (new workspaces and updates use it)"
        : action === "archive"
          ? "Archive a version that is neither active nor in use (asks first unless --yes)"
          : "Unarchive an archived version",
    positionals: versionPositionals,
    args: { ...orgArg, ...(action === "archive" ? yesArg : {}), ...outputArg(["text", "json"]) },
    examples: [[`spt-coder templates versions ${action} spt-flow brave_curie3`, `${words} that version`]],
    async handler(args, ctx) {
      const session = await openSession(ctx, args);
      const sdk = await ctx.sdk();
      const { template, version } = await findVersion(session, sdk, args);
      const client = session.client;
      if (action === "archive") {
        // Coder refuses with a 500 whose detail only guesses ("likely in use … or … the active version").
        if (version.id === template.active_version_id) {
          throw new UsageError(
            `Version ${version.name} is the active version of ${template.name}; Coder archives only versions that are neither active nor in use.`,
            {
              suggestion: `Promote another version first: spt-coder templates versions promote ${template.name} <version-name> (the versions: spt-coder templates versions list ${template.name}).`,
            },
          );
        }
        await confirmOrStop(
          ctx,
          args.yes,
          `Archive version ${version.name} of ${template.name}?`,
          "archive a template version",
        );
        await client.templateVersions.archive(version.id).catch((error: unknown) => {
          throw error instanceof sdk.CoderApiError && /Unable to archive/i.test(error.detail ?? "")
            ? new CliError(
                `Version ${version.name} of ${template.name} could not be archived: ${error.detail}.`,
                {
                  exitCode: ExitCode.api,
                  suggestion: `Workspaces still on it keep it in use: list them with spt-coder list --all --search "template:${template.name}", then update or delete them.`,
                  cause: error,
                },
              )
            : error;
        });
      } else if (action === "unarchive") {
        await client.templateVersions.unarchive(version.id);
      } else {
        await client.templates.promote(template.id, version.id);
      }
      const after = await client.templateVersions.get(version.id);
      if (args.output === "json") ctx.stdout(renderJson(after));
      else ctx.stdout(`${words}d version ${version.name} of template ${template.name}.\n`);
    },
  });
}

const versions = defineCommand<Record<string, never>>({
  command: "versions",
  describe: "Template versions: list, promote, archive, unarchive",
  subcommands: [
    listVersions,
    versionCommand("promote"),
    versionCommand("archive"),
    versionCommand("unarchive"),
  ] as unknown as CommandDef<never>[],
  async handler() {},
});

/** `spt-coder templates list|versions …`. */
export const templatesCommand = defineCommand<Record<string, never>>({
  command: "templates",
  describe: "Templates and their versions",
  subcommands: [listTemplates, versions] as unknown as CommandDef<never>[],
  async handler() {},
});
