import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createVersion,
  type Harness,
  MAIN_TF,
  MODES,
  REPO,
  runningWorkspace,
  upload,
  useMode,
  waitForBuild,
  waitForVersion,
} from "./helpers.js";

const put = (h: Harness, path: string, json: unknown) => h.api(path, { method: "PUT", json });
const get = async (h: Harness, id: string): Promise<AnyJson> =>
  (await h.api(`/api/v2/workspaces/${id}`)).json();

describe.each(MODES)("schedules and versions (%s)", (mode) => {
  const launch = useMode(mode);

  it("sets and clears the autostart schedule (204), refusing a bad cron", async () => {
    const h = await launch();
    const { ws } = await runningWorkspace(h);
    const set = await put(h, `/api/v2/workspaces/${ws.id}/autostart`, {
      schedule: "CRON_TZ=Europe/Paris 30 9 * * 1-5",
    });
    expect(set.status).toBe(204);
    const scheduled = await get(h, ws.id);
    expect(scheduled.autostart_schedule).toBe("CRON_TZ=Europe/Paris 30 9 * * 1-5");
    // next_start_at: a weekday, 09:30 on Paris clocks, within the next four days.
    const next = new Date(scheduled.next_start_at);
    const paris = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Paris",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(next);
    expect(paris).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:30$/);
    expect(next.getTime() - Date.now()).toBeGreaterThan(0);
    expect(next.getTime() - Date.now()).toBeLessThan(4 * 86_400_000);
    const bad = await put(h, `/api/v2/workspaces/${ws.id}/autostart`, { schedule: "30 9 1 * *" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      message: "Invalid autostart schedule.",
      validations: [{ field: "schedule" }],
    });
    expect((await put(h, `/api/v2/workspaces/${ws.id}/autostart`, { schedule: "" })).status).toBe(204);
    const cleared = await get(h, ws.id);
    expect(cleared.autostart_schedule).toBeUndefined();
    expect(cleared.next_start_at).toBeNull();
  });

  it("sets the TTL in whole minutes; the next start gets a deadline; null turns it off", async () => {
    const h = await launch();
    const { ws } = await runningWorkspace(h);
    expect((await put(h, `/api/v2/workspaces/${ws.id}/ttl`, { ttl_ms: 3_600_000 })).status).toBe(204);
    expect((await get(h, ws.id)).ttl_ms).toBe(3_600_000);
    const tooShort = await put(h, `/api/v2/workspaces/${ws.id}/ttl`, { ttl_ms: 1000 });
    expect(await tooShort.json()).toMatchObject({
      message: "Invalid workspace TTL.",
      validations: [{ field: "ttl_ms", detail: "time until shutdown must be at least one minute" }],
    });
    const stop = await (
      await h.api(`/api/v2/workspaces/${ws.id}/builds`, { method: "POST", json: { transition: "stop" } })
    ).json();
    await waitForBuild(h, stop.id);
    const start = await (
      await h.api(`/api/v2/workspaces/${ws.id}/builds`, { method: "POST", json: { transition: "start" } })
    ).json();
    const done = await waitForBuild(h, start.id);
    expect(Date.parse(done.deadline) - Date.now()).toBeGreaterThan(3_500_000);
    expect((await put(h, `/api/v2/workspaces/${ws.id}/ttl`, { ttl_ms: null })).status).toBe(204);
    const off = await get(h, ws.id);
    expect(off.ttl_ms).toBeUndefined();
    expect(off.latest_build.deadline).toBeNull();
  });

  it("extends a deadline at least 30 minutes ahead, and says when shutdown is manual", async () => {
    const h = await launch();
    const { ws } = await runningWorkspace(h);
    const manual = await put(h, `/api/v2/workspaces/${ws.id}/extend`, {
      deadline: new Date(Date.now() + 7_200_000).toISOString(),
    });
    expect(manual.status).toBe(409);
    expect((await manual.json()).message).toBe("Workspace shutdown is manual.");
    h.state.latestBuild(h.state.workspaces.get(ws.id)!).deadline = new Date(
      Date.now() + 600_000,
    ).toISOString();
    const soon = await put(h, `/api/v2/workspaces/${ws.id}/extend`, {
      deadline: new Date(Date.now() + 60_000).toISOString(),
    });
    expect((await soon.json()).message).toBe(
      "Cannot extend workspace: new deadline must be at least 30 minutes in the future",
    );
    const wanted = new Date(Date.now() + 7_200_000);
    const ok = await put(h, `/api/v2/workspaces/${ws.id}/extend`, { deadline: wanted.toISOString() });
    expect(ok.status).toBe(200);
    expect(Date.parse((await get(h, ws.id)).latest_build.deadline)).toBe(wanted.getTime());
  });

  it("switches automatic updates, refusing other values", async () => {
    const h = await launch();
    const { ws } = await runningWorkspace(h);
    expect(ws.automatic_updates).toBe("never");
    expect(
      (await put(h, `/api/v2/workspaces/${ws.id}/autoupdates`, { automatic_updates: "always" })).status,
    ).toBe(204);
    expect((await get(h, ws.id)).automatic_updates).toBe("always");
    const bad = await put(h, `/api/v2/workspaces/${ws.id}/autoupdates`, { automatic_updates: "sometimes" });
    expect(bad.status).toBe(400);
  });

  it("archives only unused, non-active versions, answering a bare JSON string", async () => {
    const h = await launch();
    const { template, version } = await runningWorkspace(h);
    const fileId = await upload(h, { "main.tf": MAIN_TF.replace("echo hello", "echo v2") });
    const v2 = await waitForVersion(
      h,
      ((await (await createVersion(h, { file_id: fileId, template_id: template.id })).json()) as AnyJson).id,
    );
    const archive = (id: string) => h.api(`/api/v2/templateversions/${id}/archive`, { method: "POST" });
    const inUse = await archive(version.id);
    expect(inUse.status).toBe(500);
    expect((await inUse.json()).detail).toBe(
      "Unable to archive specified version, the version is likely in use by a workspace or currently set to the active version",
    );
    const ok = await archive(v2.id);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toBe(`template version "${v2.id}" archived`);
    expect((await (await h.api(`/api/v2/templateversions/${v2.id}`)).json()).archived).toBe(true);
    expect((await archive(v2.id)).status).toBe(400);
    // An archived version cannot be promoted.
    const promote = await h.api(`/api/v2/templates/${template.id}/versions`, {
      method: "PATCH",
      json: { id: v2.id },
    });
    expect((await promote.json()).message).toBe("The provided template version is archived.");
    const listed: AnyJson[] = await (await h.api(`/api/v2/templates/${template.id}/versions`)).json();
    expect(listed.map((v) => v.id)).not.toContain(v2.id);
    const unarchive = await h.api(`/api/v2/templateversions/${v2.id}/unarchive`, { method: "POST" });
    expect(await unarchive.json()).toBe(`template version "${v2.id}" unarchived`);
  });

  it("refuses to make a template from an archived version with Coder's text", async () => {
    const h = await launch();
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const v = await waitForVersion(
      h,
      ((await (await createVersion(h, { file_id: fileId })).json()) as AnyJson).id,
    );
    h.state.templateVersions.get(v.id)!.archived = true;
    const res = await h.api("/api/v2/organizations/default/templates", {
      method: "POST",
      json: { name: "t", template_version_id: v.id },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: `Template version ${v.id} is archived.`,
      validations: [{ field: "template_version_id", detail: "Template version is archived" }],
    });
  });
});

describe.each(MODES)("workspaces from archived versions (%s)", (mode) => {
  const launch = useMode(mode);

  it("refuses a new workspace on an archived version (Coder's 500) and still builds an existing one on it", async () => {
    const h = await launch();
    const { ws: workspace, version } = await runningWorkspace(h);
    const stop = await h.api(`/api/v2/workspaces/${workspace.id}/builds`, {
      method: "POST",
      json: { transition: "stop" },
    });
    await waitForBuild(h, ((await stop.json()) as AnyJson).id);
    h.state.templateVersions.get(version.id)!.archived = true;
    const made = await h.api("/api/v2/users/me/workspaces", {
      method: "POST",
      json: { name: "another", template_version_id: version.id, rich_parameter_values: [REPO] },
    });
    expect(made.status).toBe(500);
    expect(await made.json()).toEqual({
      message: "Archived template versions cannot be used to make a workspace.",
      validations: [{ field: "template_version_id", detail: "template version archived" }],
    });
    const start = await h.api(`/api/v2/workspaces/${workspace.id}/builds`, {
      method: "POST",
      json: { transition: "start", template_version_id: version.id },
    });
    expect(start.status).toBe(201);
    expect((await waitForBuild(h, ((await start.json()) as AnyJson).id)).job.status).toBe("succeeded");
  });
});

describe("next_start_at from a weekly schedule", () => {
  it("finds the next firing in the schedule's zone, across a DST change and past today", async () => {
    const { nextStart } = await import("../src/schedule.js");
    const saturdayNoon = Date.parse("2026-03-28T12:00:00Z"); // Paris moves to CEST on Sunday the 29th
    expect(nextStart("CRON_TZ=Europe/Paris 30 9 * * Mon", saturdayNoon)).toBe("2026-03-30T07:30:00.000Z");
    expect(nextStart("CRON_TZ=Europe/Paris 30 9 * * Sat", saturdayNoon)).toBe("2026-04-04T07:30:00.000Z");
    expect(nextStart("CRON_TZ=UTC 0 6 * * *", Date.parse("2026-01-01T07:00:00Z"))).toBe(
      "2026-01-02T06:00:00.000Z",
    );
    expect(nextStart("0 13 * * 1-5", saturdayNoon)).toBe("2026-03-30T13:00:00.000Z");
    expect(nextStart("CRON_TZ=Nowhere/Land 0 6 * * *", saturdayNoon)).toBeNull();
  });
});
