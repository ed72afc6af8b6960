import { defineCommand } from "../command.js";
import { openSession } from "../session.js";
import { renderFields, renderJson } from "../ui/table.js";
import { findWorkspace } from "../workspaces.js";
import { outputArg, type WorkspaceArgs, workspacePositional } from "./shared.js";

interface StatusArgs extends WorkspaceArgs {
  output: "text" | "json";
}

/** `spt-coder status <workspace>`: the build, the agents and the app URLs of one workspace. */
export const statusCommand = defineCommand<StatusArgs>({
  command: "status <workspace>",
  describe: "Show a workspace: its last build, its agents and where to open its apps",
  positionals: workspacePositional,
  args: outputArg(["text", "json"]),
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const sdk = await ctx.sdk();
    const workspace = await findWorkspace(session, args.workspace);
    const apps = await sdk.workspaceAppUrls(session.client, workspace);
    const dashboard = sdk.workspaceDashboardUrl(session.url, workspace);
    if (args.output === "json") {
      ctx.stdout(renderJson({ workspace, apps, dashboard_url: dashboard }));
      return;
    }
    const build = workspace.latest_build;
    const agents = sdk.agentsOf(workspace);
    const rows: [string, string][] = [
      ["Workspace", `${workspace.owner_name}/${workspace.name}`],
      ["Template", `${workspace.template_name}${workspace.outdated ? " (outdated)" : ""}`],
      [
        "Status",
        `${build.status} (${build.transition} build #${build.build_number}, job ${build.job.status})`,
      ],
      ["Dashboard", dashboard],
      ["Starts at", workspace.autostart_schedule ?? "manual"],
      ["Stops after", workspace.ttl_ms ? `${Math.round(workspace.ttl_ms / 60_000)}m` : "manual"],
      ["Automatic updates", workspace.automatic_updates],
      ...agents.map((a): [string, string] => [`Agent ${a.name}`, `${a.status}, ${a.lifecycle_state}`]),
      ...apps.map((a): [string, string] => [a.display_name, a.url]),
    ];
    if (build.job.error) rows.push(["Error", build.job.error]);
    ctx.stdout(renderFields(rows));
  },
});
