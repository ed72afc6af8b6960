import { describe, expect, it } from "vitest";
import { ProvisionerJobError } from "../../src/errors/flows.js";
import { up } from "../../src/flows/up.js";
import { waitForBuild } from "../../src/flows/wait.js";
import { deleteWorkspace, restartWorkspace, startWorkspace } from "../../src/flows/workspace.js";
import { REPO, TEMPLATE_DIR, useLoopbackFake } from "./helpers.js";

describe("workspace lifecycle", () => {
  const launch = useLoopbackFake();

  async function running() {
    const h = await launch();
    const result = await up({
      client: h.client,
      workspace: "dev",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: REPO },
    });
    return { ...h, workspace: result.workspace };
  }

  it("restarts: a stop build followed to its end, then a start on the same version", async () => {
    const { client, workspace } = await running();
    const start = await restartWorkspace(client, workspace);
    expect(start.transition).toBe("start");
    expect(start.build_number).toBe(3);
    expect(start.template_version_id).toBe(workspace.latest_build.template_version_id);
    const done = await waitForBuild(client, start.id);
    expect(done.status).toBe("running");
  });

  it("deletes with a delete build; the workspace is then gone by name", async () => {
    const { client, workspace } = await running();
    const build = await deleteWorkspace(client, workspace);
    expect(build.transition).toBe("delete");
    expect((await waitForBuild(client, build.id)).status).toBe("deleted");
    expect(await client.workspaces.getByName("me", "dev")).toBeUndefined();
  });

  it("refuses to change an immutable parameter on start, before any build", async () => {
    const { fake, client, workspace } = await running();
    const stop = await client.builds.create(workspace.id, { transition: "stop" });
    await waitForBuild(client, stop.id);
    const stopped = await client.workspaces.get(workspace.id);
    const builds = fake.state.builds.size;
    await expect(
      startWorkspace(client, stopped, { parameters: { repo_url: "https://github.com/other/repo" } }),
    ).rejects.toThrow(/repo_url/);
    expect(fake.state.builds.size).toBe(builds);
  });

  it("reports a failed build with the job's error", async () => {
    const { fake, client, workspace } = await running();
    fake.faults.failJob({ type: "workspace_build", transition: "stop", error: "docker: container is stuck" });
    const stop = await client.builds.create(workspace.id, { transition: "stop" });
    const failure = await waitForBuild(client, stop.id).catch((e) => e);
    expect(failure).toBeInstanceOf(ProvisionerJobError);
    expect(failure.kind).toBe("build");
    expect(failure.message).toContain("container is stuck");
  });
});
