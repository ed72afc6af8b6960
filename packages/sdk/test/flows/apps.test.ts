import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import { workspaceAppUrls } from "../../src/flows/apps.js";
import type { Workspace, WorkspaceAgent, WorkspaceApp } from "../../src/types.js";

const BASE = "https://coder.example.com";
let regionsAsked = 0;
const server = setupServer(
  http.get(`${BASE}/api/v2/regions`, () => {
    regionsAsked++;
    return HttpResponse.json(
      {
        regions: [{ id: "r", name: "primary", wildcard_hostname: "*.apps.example.com", path_app_url: BASE }],
      },
      { headers: { "X-Coder-Build-Version": "v2.36.1" } },
    );
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

function app(fields: Partial<WorkspaceApp>): WorkspaceApp {
  return {
    slug: "x",
    subdomain: false,
    external: false,
    hidden: false,
    display_name: "",
    ...fields,
  } as WorkspaceApp;
}

function workspaceWith(apps: WorkspaceApp[]): Workspace {
  const agent = { name: "main", apps } as unknown as WorkspaceAgent;
  return {
    name: "dev",
    owner_name: "alice",
    latest_build: { resources: [{ agents: [agent] }] },
  } as unknown as Workspace;
}

describe("workspaceAppUrls", () => {
  const client = createCoderClient({ url: `${BASE}/`, token: "a" });

  it("builds path app URLs without asking for regions", async () => {
    regionsAsked = 0;
    const urls = await workspaceAppUrls(
      client,
      workspaceWith([app({ slug: "code-server", display_name: "VS Code" })]),
    );
    expect(urls).toEqual([
      {
        agent: "main",
        slug: "code-server",
        display_name: "VS Code",
        url: `${BASE}/@alice/dev.main/apps/code-server/`,
      },
    ]);
    expect(regionsAsked).toBe(0);
  });

  it("puts subdomain apps on the wildcard host, keeps external URLs and skips hidden apps", async () => {
    const urls = await workspaceAppUrls(
      client,
      workspaceWith([
        app({ slug: "web", subdomain: true, subdomain_name: "web--dev--alice" }),
        app({ slug: "docs", external: true, url: "https://docs.example.org" }),
        app({ slug: "secret", hidden: true }),
      ]),
    );
    expect(urls.map((u) => u.url)).toEqual([
      "https://web--dev--alice.apps.example.com/",
      "https://docs.example.org",
    ]);
  });
});
