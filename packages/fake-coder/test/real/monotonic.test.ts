/**
 * A monotonic rule broken on a later build, as a real Coder answered it (`audit-answers.json`): a dynamic template
 * takes the build and its plan fails with the provider's messages (the values are stored all the same); a classic
 * one refuses the build.
 */
import { describe, expect, it } from "vitest";
import {
  type AnyJson,
  createWorkspace,
  type Harness,
  MODES,
  pushTemplate,
  useMode,
  waitForBuild,
} from "../helpers.js";
import { buildOutcome, realAnswer } from "./answers.js";
import { MONO_TF } from "./audit-templates.js";

describe.each(MODES)("monotonic rules as a real Coder applies them (%s)", (mode) => {
  const launch = useMode(mode);

  async function onDisk10(h: Harness, classic: boolean): Promise<AnyJson> {
    const { template } = await pushTemplate(
      h,
      "mono",
      { "main.tf": MONO_TF },
      classic ? { template_use_classic_parameter_flow: true } : {},
    );
    const ws = await (
      await createWorkspace(h, {
        template_id: template.id,
        name: "dev",
        rich_parameter_values: [{ name: "disk", value: "10" }],
      })
    ).json();
    await waitForBuild(h, ws.latest_build.id);
    return ws;
  }

  const start = (h: Harness, ws: AnyJson, values: AnyJson[]) =>
    h.api(`/api/v2/workspaces/${ws.id}/builds`, {
      method: "POST",
      json: { transition: "start", rich_parameter_values: values },
    });

  it("takes the build of a dynamic template and fails its plan", async () => {
    const h = await launch();
    const ws = await onDisk10(h, false);
    const res = await start(h, ws, [
      { name: "disk", value: "3" },
      { name: "shrink", value: "60" },
    ]);
    const { status, parameters, ...recorded } = realAnswer("monotonic.dynamic-build");
    expect(res.status).toBe(status);
    const outcome = await buildOutcome(h, (await res.json()).id);
    expect({ ...outcome, parameters: undefined }).toEqual({ ...recorded, parameters: undefined });
    // coderd stores the values in a Go map's order: compare them as a set.
    expect(outcome.parameters).toEqual(expect.arrayContaining(parameters));
    expect(outcome.parameters).toHaveLength(parameters.length);
  });

  it("refuses the build of a classic template", async () => {
    const h = await launch();
    const ws = await onDisk10(h, true);
    const res = await start(h, ws, [{ name: "disk", value: "3" }]);
    expect({ status: res.status, body: await res.json() }).toEqual(realAnswer("monotonic.classic-build"));
  });
});
