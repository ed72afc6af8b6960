import { defineCommand } from "../command.js";
import { UsageError } from "../errors.js";
import { openSession } from "../session.js";
import { renderJson, renderTable } from "../ui/table.js";
import { ago } from "../workspaces.js";
import { outputArg } from "./shared.js";

interface ListArgs {
  all: boolean;
  search?: string;
  output: "table" | "json";
}

/** `spt-coder list`: your workspaces, as a table or JSON. */
export const listCommand = defineCommand<ListArgs>({
  command: "list",
  describe: "List workspaces",
  args: {
    all: {
      alias: "a",
      type: "boolean",
      default: false,
      describe: "Every workspace you can see, not only yours",
    },
    search: { type: "string", describe: 'A Coder search query, e.g. "template:spt-flow status:running"' },
    ...outputArg(["table", "json"]),
  },
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const q = [args.all ? "" : "owner:me", args.search ?? ""].filter(Boolean).join(" ");
    const sdk = await ctx.sdk();
    const { workspaces } = await session.client.workspaces.list(q ? { q } : {}).catch((error: unknown) => {
      // Coder answers a query it cannot parse with 400 and one validation per bad term: the user's to fix.
      if (!(error instanceof sdk.CoderApiError) || error.status !== 400 || args.search === undefined)
        throw error;
      const problems = error.validations.map((v) => `${v.field}: ${v.detail}`).join("; ");
      throw new UsageError(
        `--search "${args.search}" is not a query Coder understands: ${problems || error.apiMessage}`,
        {
          suggestion:
            'Use key:value terms such as owner:me, name:<text>, template:<name>, status:running, outdated:true, e.g. --search "template:spt-flow status:running".',
        },
      );
    });
    if (args.output === "json") {
      ctx.stdout(renderJson(workspaces));
      return;
    }
    if (workspaces.length === 0) {
      ctx.stderr("No workspaces found! Create one with: spt-coder up --repo <git url>\n");
      return;
    }
    const rows = workspaces.map((w) => [
      `${w.owner_name}/${w.name}`,
      w.template_name,
      w.latest_build.status,
      w.health?.healthy === false ? "false" : "true",
      ago(w.latest_build.created_at),
      w.outdated ? "true" : "false",
    ]);
    ctx.stdout(renderTable(["Workspace", "Template", "Status", "Healthy", "Last built", "Outdated"], rows));
  },
});
