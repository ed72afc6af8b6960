import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createWorkspace,
  MAIN_TF,
  MODES,
  pollUntil,
  pushTemplate,
  REPO,
  useMode,
  waitForBuild,
} from "./helpers.js";

// A start-only resource whose local-exec sleeps: Terraform is busy creating it for that long.
const SLOW_TF = `${MAIN_TF}
resource "terraform_data" "slow" {
  count = data.coder_workspace.me.start_count
  provisioner "local-exec" {
    command = "sleep 60"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "sleep 60"
  }
}
`;

describe.each(MODES)("a build with a slow step (%s)", (mode) => {
  const launch = useMode(mode);

  it("runs while a local-exec sleep creates a resource; canceled there, it fails as an interrupted apply", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h, "slow", { "main.tf": SLOW_TF });
    const ws: AnyJson = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    const build = ws.latest_build;
    const logs: AnyJson[] = await pollUntil(
      h,
      `/api/v2/workspacebuilds/${build.id}/logs`,
      (list: AnyJson[]) => list.some((l) => l.output === "terraform_data.slow: Creating..."),
    );
    expect(logs.some((l) => l.output.startsWith("terraform_data.slow: Creation complete"))).toBe(false);
    const running: AnyJson = await (await h.api(`/api/v2/workspacebuilds/${build.id}`)).json();
    expect(running.job.status).toBe("running");
    expect((await h.api(`/api/v2/workspacebuilds/${build.id}/cancel`, { method: "PATCH" })).status).toBe(200);
    const ended = await waitForBuild(h, build.id);
    expect([ended.status, ended.job.status, ended.job.error]).toEqual([
      "failed",
      "failed",
      "terraform apply: exit status 1",
    ]);
    expect(ended.job.canceled_at).toBeTruthy();
    // Only a completed build gets its flags (coderd sets them in completeWorkspaceBuildJob).
    expect(ended).not.toHaveProperty("has_ai_task");
    expect(ended).not.toHaveProperty("has_external_agent");
  });
});
