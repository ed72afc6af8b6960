/**
 * `PUT /workspaces/{id}/extend` as a real Coder answered it (`audit-answers.json`): 409 with its own message for
 * a workspace that is not started, still building or stops by hand; the deadline checks; the body as Go decodes
 * a `time.Time`.
 */
import { describe, expect, it } from "vitest";
import { type AnyJson, type Harness, MODES, runningWorkspace, useMode, waitForBuild } from "../helpers.js";
import { realAnswer } from "./answers.js";

const MINUTE = 60_000;

describe.each(MODES)("extend as a real Coder answers it (%s)", (mode) => {
  const launch = useMode(mode);

  const running = async (h: Harness, extra: Record<string, unknown> = {}) =>
    (await runningWorkspace(h, extra)).ws;

  const build = async (h: Harness, ws: AnyJson, transition: string) =>
    (await h.api(`/api/v2/workspaces/${ws.id}/builds`, { method: "POST", json: { transition } })).json();

  async function extend(h: Harness, ws: AnyJson, body: unknown) {
    const res = await h.api(`/api/v2/workspaces/${ws.id}/extend`, { method: "PUT", json: body });
    return { status: res.status, body: await res.json() };
  }

  const inMinutes = (minutes: number) => ({
    deadline: new Date(Date.now() + minutes * MINUTE).toISOString(),
  });

  it("answers 409 for a workspace that stops by hand, is stopped, stopping or still starting", async () => {
    const h = await launch();
    const ws = await running(h);
    expect(await extend(h, ws, inMinutes(120))).toEqual(realAnswer("extend.running-manual"));
    const stop = await build(h, ws, "stop");
    expect(await extend(h, ws, inMinutes(120))).toEqual(realAnswer("extend.stopping"));
    await waitForBuild(h, stop.id);
    expect(await extend(h, ws, inMinutes(120))).toEqual(realAnswer("extend.stopped"));
    h.faults.holdJob({ type: "workspace_build", transition: "start" });
    await build(h, ws, "start");
    expect(await extend(h, ws, inMinutes(120))).toEqual(realAnswer("extend.starting"));
  });

  it("takes a deadline 29 minutes ahead, refuses one sooner, and decodes the body as Go does", async () => {
    const h = await launch();
    const ws = await running(h, { ttl_ms: 3_600_000 });
    expect(
      await extend(h, ws, { deadline: new Date(Date.now() + 29 * MINUTE - 5000).toISOString() }),
    ).toEqual(realAnswer("extend.in-29m-minus-5s"));
    const wanted = new Date(Date.now() + 29 * MINUTE + 30_000);
    const ok = realAnswer("extend.in-29m-30s");
    expect(await extend(h, ws, { deadline: wanted.toISOString() })).toEqual({
      ...ok,
      body: {
        message: ok.body.message.replace("<deadline>", wanted.toISOString().replace(/\.\d{3}Z$/, "Z")),
      },
    });
    expect(await extend(h, ws, { deadline: "garbage" })).toEqual(realAnswer("extend.deadline-garbage"));
    expect(await extend(h, ws, {})).toEqual(realAnswer("extend.deadline-missing"));
  });

  it("reads a JSON body of 5 MiB like any other (coderd sets no limit on JSON bodies)", async () => {
    const h = await launch();
    const ws = await running(h, { ttl_ms: 3_600_000 });
    const body = { ...inMinutes(1), pad: "x".repeat(5 << 20) };
    expect(await extend(h, ws, body)).toEqual(realAnswer("extend.in-29m-minus-5s"));
  });
});
