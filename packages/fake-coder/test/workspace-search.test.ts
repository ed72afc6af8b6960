import { describe, expect, it } from "vitest";
import {
  createWorkspace,
  type Harness,
  MODES,
  pushTemplate,
  REPO,
  useMode,
  waitForBuild,
} from "./helpers.js";

/** The ids of the workspaces `GET /workspaces?q=` finds. */
async function search(h: Harness, q: string): Promise<string[]> {
  const res = await h.api(`/api/v2/workspaces?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return ((await res.json()).workspaces as { id: string }[]).map((w) => w.id);
}

describe.each(MODES)("workspace search terms (%s)", (mode) => {
  const launch = useMode(mode);

  it("applies each key:value term coderd knows, and only that term", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h, "docker");
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    await waitForBuild(h, ws.latest_build.id);
    const cases: [string, string[]][] = [
      ["owner:admin", [ws.id]],
      ["owner:nobody", []],
      [`template:${template.name.toUpperCase()}`, [ws.id]],
      ["template:other", []],
      ["name:de", [ws.id]],
      ["name:prod", []],
      ["status:running", [ws.id]],
      ["status:stopped", []],
      [`id:${ws.id}`, [ws.id]],
      ["id:00000000-0000-0000-0000-000000000000", []],
      [`organization:${ws.organization_name}`, [ws.id]],
      [`organization:${ws.organization_id}`, [ws.id]],
      ["organization:elsewhere", []],
      ["outdated:false", [ws.id]],
      ["outdated:true", []],
      ["has-agent:no-such-status", []],
      ["deleted:true", []],
      ["deleted:false", [ws.id]],
      ["dev", [ws.id]],
      ["admin/dev", [ws.id]],
      ["nobody/dev", []],
      ["owner:admin name:prod", []],
    ];
    for (const [q, expected] of cases) expect(await search(h, q), q).toEqual(expected);
  });

  it("refuses a key it does not know, one validation per key (inherited Object keys included)", async () => {
    const h = await launch();
    const res = await h.api(`/api/v2/workspaces?q=${encodeURIComponent("constructor:x color:blue")}`);
    expect(res.status).toBe(400);
    expect((await res.json()).validations).toEqual([
      { field: "constructor", detail: '"constructor" is not a valid query param' },
      { field: "color", detail: '"color" is not a valid query param' },
    ]);
  });
});
