/**
 * Which preset a build records when the request names none, as a real Coder chose (`audit-answers.json`): the
 * matching preset that sets the most parameters wins, one that sets none matches anything, and a create matches
 * the values its request gave before the ones the build resolved.
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
import { realAnswer } from "./answers.js";
import { PRESETS_TF } from "./audit-templates.js";

describe.each(MODES)("preset matching as a real Coder does it (%s)", (mode) => {
  const launch = useMode(mode);

  async function setup(h: Harness) {
    const { template, version } = await pushTemplate(h, "presets", { "main.tf": PRESETS_TF });
    const presets: AnyJson[] = await (await h.api(`/api/v2/templateversions/${version.id}/presets`)).json();
    const nameOf = (id: string | null) => presets.find((p) => p.ID === id)?.Name ?? null;
    const create = async (name: string, values: AnyJson[]) => {
      const ws = await (
        await createWorkspace(h, { template_id: template.id, name, rich_parameter_values: values })
      ).json();
      await waitForBuild(h, ws.latest_build.id);
      return ws;
    };
    const build = async (ws: AnyJson, transition: string, values: AnyJson[]) => {
      const res = await h.api(`/api/v2/workspaces/${ws.id}/builds`, {
        method: "POST",
        json: { transition, rich_parameter_values: values },
      });
      const made = await res.json();
      await waitForBuild(h, made.id);
      return made;
    };
    return { presets, nameOf, create, build };
  }

  const cpu = (value: string) => ({ name: "cpu", value });
  const mem = (value: string) => ({ name: "mem", value });

  it("lists the presets as recorded, one without parameters as null", async () => {
    const h = await launch();
    const { presets } = await setup(h);
    expect(presets.map((p) => ({ Name: p.Name, Parameters: p.Parameters }))).toEqual(
      realAnswer("presets.list"),
    );
  });

  it("records the preset with the most matching parameters; a create matches its request's values", async () => {
    const h = await launch();
    const { nameOf, create, build } = await setup(h);
    const big = await create("p1", [cpu("2"), mem("8")]);
    expect({ preset: nameOf(big.latest_build.template_version_preset_id) }).toEqual(
      realAnswer("presets.create-cpu2-mem8"),
    );
    const other = await create("p2", [cpu("4")]);
    expect({ preset: nameOf(other.latest_build.template_version_preset_id) }).toEqual(
      realAnswer("presets.create-cpu4"),
    );
    const none = await create("p3", []);
    const params = await (await h.api(`/api/v2/workspacebuilds/${none.latest_build.id}/parameters`)).json();
    expect({ preset: nameOf(none.latest_build.template_version_preset_id), parameters: params }).toEqual(
      realAnswer("presets.create-no-values"),
    );
    // Later builds match the values they resolved (cpu=2 and mem=4 carried over): "small" beats "any".
    const stop = await build(none, "stop", []);
    expect({ preset: nameOf(stop.template_version_preset_id) }).toEqual(realAnswer("presets.stop-no-values"));
    const start = await build(none, "start", []);
    expect({ preset: nameOf(start.template_version_preset_id) }).toEqual(
      realAnswer("presets.start-no-values"),
    );
    const bigger = await build(other, "stop", [cpu("2"), mem("8")]);
    expect({ preset: nameOf(bigger.template_version_preset_id) }).toEqual(
      realAnswer("presets.stop-cpu2-mem8"),
    );
  });
});
