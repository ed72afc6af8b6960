import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createVersion,
  createWorkspace,
  MAIN_TF,
  MODES,
  pollUntil,
  pushTemplate,
  REPO,
  upload,
  useMode,
  waitForBuild,
} from "./helpers.js";

describe.each(MODES)("provisioner capacity (%s)", (mode) => {
  const launch = useMode(mode);

  it("runs at most N jobs at once; the others wait in order and report their queue position", async () => {
    const h = await launch({ provisioners: 2, stepDelayMs: 40 });
    const { template } = await pushTemplate(h, "docker");
    const builds: AnyJson[] = [];
    for (const name of ["a", "b", "c", "d"]) {
      const res = await createWorkspace(h, { template_id: template.id, name, rich_parameter_values: [REPO] });
      builds.push((await res.json()).latest_build);
    }
    // Right after creation nothing has been picked up: the queue is every build, oldest first.
    expect(builds.map((b) => [b.job.queue_position, b.job.queue_size])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    const [first] = await Promise.all(
      builds
        .slice(0, 2)
        .map((b) => pollUntil(h, `/api/v2/workspacebuilds/${b.id}`, (x) => x.job.status === "running")),
    );
    expect(first.job.queue_position).toBe(0);
    // Two daemons: the third and fourth build are still pending while the first two run.
    const third = (await (await h.api(`/api/v2/workspacebuilds/${builds[2].id}`)).json()) as AnyJson;
    expect(third.job.status).toBe("pending");
    expect(third.job.queue_position).toBe(1);
    expect(third.job.queue_size).toBe(2);
    const daemons = (await (
      await h.api("/api/v2/organizations/default/provisionerdaemons")
    ).json()) as AnyJson[];
    expect(daemons).toHaveLength(2);
    expect(daemons.map((d) => d.status)).toEqual(["busy", "busy"]);
    expect(daemons.map((d) => d.current_job?.id).sort()).toEqual([builds[0].job.id, builds[1].job.id].sort());

    const ends = await Promise.all(builds.map((b) => waitForBuild(h, b.id)));
    expect(ends.map((b) => b.job.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    // The later builds started only after an earlier one completed.
    const startedThird = Date.parse(ends[2].job.started_at);
    const completedFirstTwo = Math.min(...ends.slice(0, 2).map((b) => Date.parse(b.job.completed_at)));
    expect(startedThird).toBeGreaterThanOrEqual(completedFirstTwo);
    const idle = (await (
      await h.api("/api/v2/organizations/default/provisionerdaemons")
    ).json()) as AnyJson[];
    expect(idle.map((d) => [d.status, d.current_job, d.previous_job?.status])).toEqual([
      ["idle", null, "succeeded"],
      ["idle", null, "succeeded"],
    ]);
  });

  it("never picks up a job canceled while it waits, and frees no daemon for it", async () => {
    const h = await launch({ provisioners: 1, stepDelayMs: 40 });
    const { template } = await pushTemplate(h, "docker");
    const a = (await (
      await createWorkspace(h, { template_id: template.id, name: "a", rich_parameter_values: [REPO] })
    ).json()) as AnyJson;
    const b = (await (
      await createWorkspace(h, { template_id: template.id, name: "b", rich_parameter_values: [REPO] })
    ).json()) as AnyJson;
    const cancel = await h.api(`/api/v2/workspacebuilds/${b.latest_build.id}/cancel`, { method: "PATCH" });
    expect(cancel.status).toBe(200);
    expect((await waitForBuild(h, a.latest_build.id)).job.status).toBe("succeeded");
    const canceled = (await (await h.api(`/api/v2/workspacebuilds/${b.latest_build.id}`)).json()) as AnyJson;
    expect(canceled.job.status).toBe("canceled");
    expect(canceled.job.started_at).toBeUndefined();
  });

  it("lists daemons to owners only, with Coder's query rules", async () => {
    const h = await launch({ provisioners: 3, users: [{ username: "alice" }] });
    const member = await h.api("/api/v2/organizations/default/provisionerdaemons", {
      token: h.state.tokenOf("alice"),
    });
    expect(member.status).toBe(404);
    const limited = (await (
      await h.api("/api/v2/organizations/default/provisionerdaemons?limit=2")
    ).json()) as AnyJson[];
    expect(limited.map((d) => d.name)).toEqual(["fake-provisioner-1", "fake-provisioner-2"]);
    expect(limited[0]).toMatchObject({ key_name: "built-in", tags: { scope: "organization", owner: "" } });
    const bad = await h.api("/api/v2/organizations/default/provisionerdaemons?limit=0&color=red");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as AnyJson).validations.map((v: AnyJson) => v.field).sort()).toEqual([
      "color",
      "limit",
    ]);
  });

  it("with no daemons, an import stays pending and its version says nothing matched", async () => {
    const h = await launch({ provisioners: 0, stepDelayMs: 5 });
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const created = (await (await createVersion(h, { file_id: fileId })).json()) as AnyJson;
    expect(created.matched_provisioners).toMatchObject({ count: 0, available: 0, most_recently_seen: null });
    await new Promise((r) => setTimeout(r, 50)); // ten steps: a daemon would have taken it by now
    const later = (await (await h.api(`/api/v2/templateversions/${created.id}`)).json()) as AnyJson;
    expect(later.job).toMatchObject({ status: "pending", queue_position: 1, queue_size: 1 });
    const daemons = (await (
      await h.api("/api/v2/organizations/default/provisionerdaemons")
    ).json()) as AnyJson[];
    expect(daemons).toEqual([]);
  });
});
