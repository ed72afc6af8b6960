import { describe, expect, it, vi } from "vitest";
import {
  type AnyJson,
  createVersion,
  MAIN_TF,
  MODES,
  runningWorkspace,
  upload,
  useMode,
  waitForVersion,
} from "./helpers.js";

describe.each(MODES)("organization provisioner jobs (%s)", (mode) => {
  const launch = useMode(mode);

  it("keeps jobs made in one millisecond newest first (the same created_at)", async () => {
    const h = await launch({ stepDelayMs: 5 });
    const file = await upload(h, { "main.tf": MAIN_TF });
    // The fake runs in this process: a frozen Date gives the five jobs one created_at, as a fast machine may.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-07T09:00:00.000Z") });
    try {
      for (const name of ["first", "second", "third", "fourth", "fifth"]) {
        expect((await createVersion(h, { file_id: file, name })).status).toBe(201);
      }
    } finally {
      vi.useRealTimers();
    }
    const jobs: AnyJson[] = await (await h.api("/api/v2/organizations/default/provisionerjobs")).json();
    expect(new Set(jobs.map((j) => j.created_at)).size).toBe(1);
    expect(jobs.map((j) => j.metadata.template_version_name)).toEqual([
      "fifth",
      "fourth",
      "third",
      "second",
      "first",
    ]);
  });

  it("lists the organization's jobs newest first, with the version name in the metadata", async () => {
    const h = await launch({ stepDelayMs: 5 });
    const file = await upload(h, { "main.tf": MAIN_TF });
    for (const name of ["first", "second", "third"]) {
      expect((await createVersion(h, { file_id: file, name })).status).toBe(201);
    }
    const jobs: AnyJson[] = await (await h.api("/api/v2/organizations/default/provisionerjobs")).json();
    expect(jobs.map((j) => j.metadata.template_version_name)).toEqual(["third", "second", "first"]);
    expect(jobs.every((j) => j.type === "template_version_import" && j.file_id === file)).toBe(true);
    const limited: AnyJson[] = await (
      await h.api("/api/v2/organizations/default/provisionerjobs?limit=1")
    ).json();
    expect(limited.map((j) => j.metadata.template_version_name)).toEqual(["third"]);
    const version = await (
      await h.api(`/api/v2/templateversions/${limited[0].input.template_version_id}`)
    ).json();
    expect(version.name).toBe("third");
  });

  it("joins the worker's name and the metadata in the list only, not in a version's or a build's job", async () => {
    const h = await launch({ stepDelayMs: 5 });
    const file = await upload(h, { "main.tf": MAIN_TF });
    const created = (await (await createVersion(h, { file_id: file, name: "v" })).json()) as AnyJson;
    const version = await waitForVersion(h, created.id);
    // Coder f524e00d: convertProvisionerJob leaves the metadata at its zero value and has no worker name.
    const zero = {
      template_version_name: "",
      template_id: "00000000-0000-0000-0000-000000000000",
      template_name: "",
      template_display_name: "",
      template_icon: "",
    };
    expect([version.job.metadata, "worker_name" in version.job]).toEqual([zero, false]);
    const { ws } = await runningWorkspace(h);
    const workspace = (await (await h.api(`/api/v2/workspaces/${ws.id}`)).json()) as AnyJson;
    expect(workspace.latest_build.job.worker_id).toBeDefined();
    expect([workspace.latest_build.job.metadata, "worker_name" in workspace.latest_build.job]).toEqual([
      zero,
      false,
    ]);
    const jobs: AnyJson[] = await (await h.api("/api/v2/organizations/default/provisionerjobs")).json();
    const build = jobs.find((j) => j.id === workspace.latest_build.job.id);
    expect(build.metadata).toMatchObject({ workspace_id: workspace.id, workspace_name: workspace.name });
    expect(typeof build.worker_name).toBe("string");
  });

  it("answers 404 to a member and 400 to an unknown query parameter, as Coder does", async () => {
    const h = await launch({ users: [{ username: "alice" }] });
    const member = await h.api("/api/v2/organizations/default/provisionerjobs", {
      token: h.state.tokenOf("alice"),
    });
    expect(member.status).toBe(404);
    const excess = await h.api("/api/v2/organizations/default/provisionerjobs?q=me");
    expect(excess.status).toBe(400);
    expect((await excess.json()).message).toBe("Invalid query parameters.");
  });
});
