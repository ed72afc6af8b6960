// An agent's and an app's answer keep codersdk's omitempty and null fields as Coder f524e00d sent them
// (tests/real recordings of the local-agent template: no directory, no env, an app without an icon).
import { describe, expect, it } from "vitest";
import { type AnyJson, createWorkspace, MODES, pollUntil, pushTemplate, useMode } from "./helpers.js";

const TF = `
terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
resource "coder_agent" "bare" {
  os   = "linux"
  arch = "amd64"
}
resource "coder_agent" "full" {
  os   = "linux"
  arch = "amd64"
  dir  = "/work"
  env  = { A = "1" }
}
resource "coder_app" "hello" {
  agent_id = coder_agent.bare.id
  slug     = "hello"
  url      = "http://127.0.0.1:1/"
}
`;

describe.each(MODES)("agent answers (%s)", (mode) => {
  const launch = useMode(mode);

  it("leave out an empty directory and app icon, and give null env when the template sets none", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h, "agents", { "main.tf": TF });
    const ws = (await (await createWorkspace(h, { template_id: template.id, name: "a" })).json()) as AnyJson;
    const ready = await pollUntil(
      h,
      `/api/v2/workspaces/${ws.id}`,
      (w) => agentsOf(w).length === 2 && agentsOf(w).every((a) => a.lifecycle_state === "ready"),
    );
    const [bare, full] = ["bare", "full"].map((n) => agentsOf(ready).find((a) => a.name === n));
    expect([bare.environment_variables, "directory" in bare, "expanded_directory" in bare]).toEqual([
      null,
      false,
      false,
    ]);
    expect([full.environment_variables, full.directory, full.expanded_directory]).toEqual([
      { A: "1" },
      "/work",
      "/work",
    ]);
    expect(bare.startup_script_behavior).toBe("non-blocking");
    expect("icon" in bare.apps[0]).toBe(false);
  });
});

function agentsOf(workspace: AnyJson): AnyJson[] {
  return workspace.latest_build.resources.flatMap((r: AnyJson) => r.agents ?? []);
}
