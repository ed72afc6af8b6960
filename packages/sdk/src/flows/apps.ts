import type { CoderClient } from "../coder-client.js";
import type { Workspace } from "../types.js";
import { agentsOf } from "./wait.js";

/** Where a person opens one app of a workspace in a browser. */
export interface AppUrl {
  agent: string;
  slug: string;
  display_name: string;
  url: string;
}

/**
 * Where a person opens a workspace in Coder's dashboard: `<access url>/@<owner>/<workspace>`. Path apps live
 * below the same address (see {@link workspaceAppUrls}). `accessUrl` is the deployment's URL without a trailing
 * slash, as {@link CoderClient.url} holds it.
 */
export function workspaceDashboardUrl(
  accessUrl: string,
  workspace: Pick<Workspace, "owner_name" | "name">,
): string {
  return `${accessUrl}/@${workspace.owner_name}/${workspace.name}`;
}

/**
 * Builds the browser URLs of a workspace's apps. An app's own `url` is the address inside the workspace that
 * Coder's proxy forwards to, not something a browser can open. Path apps live at
 * `<access url>/@<owner>/<workspace>.<agent>/apps/<slug>/`; subdomain apps replace `*` in the deployment's
 * wildcard host name (from `/regions`) with the app's `subdomain_name`. External apps keep their own URL.
 * Subdomain apps are left out when the deployment has no wildcard host name; hidden apps are always left out.
 * `/regions` is only asked when a subdomain app exists.
 */
export async function workspaceAppUrls(
  client: CoderClient,
  workspace: Workspace,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<AppUrl[]> {
  const agents = agentsOf(workspace);
  const needsWildcard = agents.some((a) =>
    a.apps.some((app) => app.subdomain && !app.external && !app.hidden),
  );
  const wildcard = needsWildcard ? await wildcardHost(client, options.signal) : "";
  const base = new URL(client.url);
  const urls: AppUrl[] = [];
  for (const agent of agents) {
    for (const app of agent.apps) {
      if (app.hidden) continue;
      let url: string | undefined;
      if (app.external) url = app.url;
      else if (!app.subdomain) {
        url = `${workspaceDashboardUrl(client.url, workspace)}.${agent.name}/apps/${encodeURIComponent(app.slug)}/`;
      } else if (wildcard && app.subdomain_name) {
        url = `${base.protocol}//${wildcard.replace("*", app.subdomain_name)}/`;
      }
      if (url)
        urls.push({ agent: agent.name, slug: app.slug, display_name: app.display_name || app.slug, url });
    }
  }
  return urls;
}

async function wildcardHost(client: CoderClient, signal: AbortSignal | undefined): Promise<string> {
  const { regions } = await client.regions.list({ signal });
  return regions.find((r) => r.wildcard_hostname)?.wildcard_hostname ?? "";
}
