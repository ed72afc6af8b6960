// An agent's env and its apps' URLs are what Terraform made of them for the build, as a real Coder shows them:
// the fake returned `${data.coder_parameter.repo_url.value}` and the like as they stood in the template.
import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createWorkspace,
  MAIN_TF,
  MODES,
  pushTemplate,
  REPO,
  useMode,
  waitForBuild,
} from "./helpers.js";

const TF = MAIN_TF.replace(
  'startup_script = "echo hello\\necho world"',
  'startup_script = "echo hello"',
).replace(
  'resource "coder_app"',
  // A function: a replacement string would read "$$" as "$".
  () => `data "coder_workspace_owner" "me" {}

resource "coder_agent" "tools" {
  arch = "amd64"
  os   = "linux"
  dir  = "\${local.home}/\${try(regex("([^/]+)$", data.coder_parameter.repo.value)[0], "workspace")}"
  env = {
    REPO_URL  = data.coder_parameter.repo.value
    REGION    = "\${upper(data.coder_parameter.region.value)}-\${data.coder_parameter.cpu.value}"
    GIT_EMAIL = "\${data.coder_workspace_owner.me.email}"
    GIT_NAME  = coalesce(data.coder_workspace_owner.me.full_name, data.coder_workspace_owner.me.name)
    WORKSPACE = data.coder_workspace.me.name
    PLAIN     = "as is"
    LITERAL   = "$\${HOME}/bin"
    ON_HOST   = tostring(fileexists("/dev/kvm"))
  }
}

resource "coder_app" "docs" {
  agent_id = coder_agent.tools.id
  slug     = "docs"
  url      = "http://localhost:8080/\${data.coder_parameter.region.value}/\${data.coder_workspace.me.name}"
}

resource "coder_app"`,
);

describe.each(MODES)("agent values after a start build (%s)", (mode) => {
  const launch = useMode(mode);

  it("evaluates env, dir and app URLs with the build's values, and leaves out what it cannot evaluate", async () => {
    const h = await launch({ stepDelayMs: 0 });
    expect(TF).toContain('resource "coder_agent" "tools"');
    const { template } = await pushTemplate(h, "docker", { "main.tf": TF });
    const created: AnyJson = await (
      await createWorkspace(h, {
        template_id: template.id,
        name: "dev",
        rich_parameter_values: [REPO, { name: "region", value: "us" }],
      })
    ).json();
    await waitForBuild(h, created.latest_build.id);
    const ws: AnyJson = await (await h.api(`/api/v2/workspaces/${created.id}`)).json();
    const agents = ws.latest_build.resources.flatMap((r: AnyJson) => r.agents ?? []);
    const agent = agents.find((a: AnyJson) => a.name === "tools");
    expect(agent.environment_variables).toEqual({
      REPO_URL: REPO.value,
      REGION: "US-2",
      GIT_EMAIL: "admin@coder.fake",
      GIT_NAME: "Admin",
      WORKSPACE: "dev",
      PLAIN: "as is",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text Terraform makes of "$${HOME}/bin".
      LITERAL: "${HOME}/bin",
    });
    expect(agent.directory).toBe("/home/coder/coder");
    expect(agent.apps.find((a: AnyJson) => a.slug === "docs").url).toBe("http://localhost:8080/us/dev");
    // Nothing as written in the template is left, but the literal "${HOME}" its author escaped.
    expect(JSON.stringify(ws)).not.toMatch(/\$\{(?!HOME\})/);
  });
});
