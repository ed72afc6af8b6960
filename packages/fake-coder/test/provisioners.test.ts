import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createVersion,
  createWorkspace,
  MAIN_TF,
  MODES,
  pushTemplate,
  REPO,
  upload,
  useMode,
  waitForBuild,
  waitForVersion,
} from "./helpers.js";

describe.each(MODES)("provisioner capacity (%s)", (mode) => {
  const launch = useMode(mode);

  it("reports each waiting job's place in the queue, oldest first", async () => {
    // No daemon at all: nothing is picked up, so the queue is exactly what was created.
    const h = await launch({ provisioners: 0 });
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const versions: AnyJson[] = [];
    for (let i = 0; i < 3; i++) versions.push(await (await createVersion(h, { file_id: fileId })).json());
    const jobs = await Promise.all(
      versions.map(
        async (v) => ((await (await h.api(`/api/v2/templateversions/${v.id}`)).json()) as AnyJson).job,
      ),
    );
    expect(jobs.map((j) => [j.status, j.queue_position, j.queue_size])).toEqual([
      ["pending", 1, 3],
      ["pending", 2, 3],
      ["pending", 3, 3],
    ]);
  });

  it("keeps a job whose tags no daemon carries pending, matched by none, without holding up the jobs after it", async () => {
    const h = await launch({ provisioners: 1 });
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const lonely = await (await createVersion(h, { file_id: fileId, tags: { gpu: "yes" } })).json();
    expect(lonely.matched_provisioners).toMatchObject({ count: 0, available: 0, most_recently_seen: null });
    const plain = await (await createVersion(h, { file_id: fileId })).json();
    expect(plain.matched_provisioners).toMatchObject({ count: 1, available: 1 });
    expect((await waitForVersion(h, plain.id)).job.status).toBe("succeeded");
    const still = (await (await h.api(`/api/v2/templateversions/${lonely.id}`)).json()) as AnyJson;
    expect([still.job.status, still.job.queue_position]).toEqual(["pending", 1]);
    expect((await h.api(`/api/v2/templateversions/${lonely.id}/cancel`, { method: "PATCH" })).status).toBe(
      200,
    );
    const canceled = (await (await h.api(`/api/v2/templateversions/${lonely.id}`)).json()) as AnyJson;
    expect(canceled.job.status).toBe("canceled");
  });

  it("shows matched_provisioners as coderd does: on create, on a pending job, never in a list, zero on a done build", async () => {
    const h = await launch();
    const { template, version } = await pushTemplate(h);
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const created = await (await createVersion(h, { file_id: fileId, template_id: template.id })).json();
    expect(created.matched_provisioners).toMatchObject({ count: 3, available: 3 });
    const done = await (await h.api(`/api/v2/templateversions/${version.id}`)).json();
    expect(done.job.status).toBe("succeeded");
    expect(done).not.toHaveProperty("matched_provisioners");
    const list = (await (await h.api(`/api/v2/templates/${template.id}/versions`)).json()) as AnyJson[];
    expect(list.filter((v) => "matched_provisioners" in v)).toEqual([]);
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    const build = await waitForBuild(h, ws.latest_build.id);
    expect(build.matched_provisioners).toEqual({ count: 0, available: 0, most_recently_seen: null });
  });

  it.concurrent("runs at most N jobs at once; the others wait and start only when a daemon is free", async ({
    onTestFinished,
  }) => {
    const h = await launch({ provisioners: 2, stepDelayMs: 20 }, onTestFinished);
    const { template } = await pushTemplate(h, "docker");
    const builds: AnyJson[] = [];
    for (const name of ["a", "b", "c", "d"]) {
      const res = await createWorkspace(h, { template_id: template.id, name, rich_parameter_values: [REPO] });
      builds.push((await res.json()).latest_build);
    }
    let peak = 0;
    const sampler = setInterval(() => {
      const running = [...h.state.jobs.values()].filter((j) => j.startedAt && !j.completedAt).length;
      peak = Math.max(peak, running);
    }, 2);
    const ends = await Promise.all(builds.map((b) => waitForBuild(h, b.id))).finally(() =>
      clearInterval(sampler),
    );
    expect(ends.map((b) => b.job.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    expect(peak).toBe(2);
    // Each of the last two started only after one of the earlier builds had completed.
    const completions = ends.map((b) => Date.parse(b.job.completed_at)).sort((x, y) => x - y);
    const starts = ends.map((b) => Date.parse(b.job.started_at)).sort((x, y) => x - y);
    expect(starts[2]).toBeGreaterThanOrEqual(completions[0]!);
    expect(starts[3]).toBeGreaterThanOrEqual(completions[1]!);
    expect(new Set(ends.map((b) => b.job.worker_id)).size).toBe(2);
    const idle = (await (
      await h.api("/api/v2/organizations/default/provisionerdaemons")
    ).json()) as AnyJson[];
    expect(idle.map((d) => [d.status, d.current_job, d.previous_job?.status])).toEqual([
      ["idle", null, "succeeded"],
      ["idle", null, "succeeded"],
    ]);
  });

  it.concurrent("never picks up a job canceled while it waits, and frees no daemon for it", async ({
    onTestFinished,
  }) => {
    // The first build holds the only daemon while the second is created and canceled: the clock is held, so the
    // first cannot end meanwhile (with long steps, a loaded machine let it).
    const h = await launch({ provisioners: 1 }, onTestFinished);
    const { template } = await pushTemplate(h, "docker");
    h.clock.hold();
    const a = (await (
      await createWorkspace(h, { template_id: template.id, name: "a", rich_parameter_values: [REPO] })
    ).json()) as AnyJson;
    const job = async (build: AnyJson) =>
      ((await (await h.api(`/api/v2/workspacebuilds/${build.latest_build.id}`)).json()) as AnyJson).job;
    while ((await job(a)).status === "pending") await h.clock.step();
    const b = (await (
      await createWorkspace(h, { template_id: template.id, name: "b", rich_parameter_values: [REPO] })
    ).json()) as AnyJson;
    const cancel = await h.api(`/api/v2/workspacebuilds/${b.latest_build.id}/cancel`, { method: "PATCH" });
    expect(cancel.status).toBe(200);
    h.clock.release();
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
