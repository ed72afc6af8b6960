import { describe, expect, it } from "vitest";
import {
  CONDITIONAL_TF,
  GROUPS_TF,
  IMMUTABLE_TF,
  OPTIONS_TF,
  PRESETS_TF,
  UNSUPPORTED_TF,
} from "../../../../tests/support/dynamic-templates.js";
import {
  type AnyJson,
  createWorkspace,
  type Harness,
  MODES,
  pushTemplate,
  useMode,
  waitForBuild,
} from "../helpers.js";

async function callerId(h: Harness): Promise<string> {
  return ((await (await h.api("/api/v2/users/me")).json()) as AnyJson).id;
}

/** Evaluates for `ownerId`, the caller by default; `null` leaves `owner_id` out of the request. */
async function evaluate(
  h: Harness,
  versionId: string,
  inputs: Record<string, string>,
  ownerId?: string | null,
) {
  const owner = ownerId === undefined ? await callerId(h) : ownerId;
  const res = await h.api(`/api/v2/templateversions/${versionId}/dynamic-parameters/evaluate`, {
    method: "POST",
    json: { id: 7, inputs, ...(owner ? { owner_id: owner } : {}) },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as AnyJson;
}

const byName = (body: AnyJson, name: string) => body.parameters.find((p: AnyJson) => p.name === name);
const values = (body: AnyJson) =>
  Object.fromEntries(body.parameters.map((p: AnyJson) => [p.name, p.value.value]));

for (const mode of MODES) {
  describe(`dynamic parameters (${mode})`, () => {
    const launch = useMode(mode);

    it("makes a parameter appear when another is set, and validates it", async () => {
      const h = await launch();
      const { version } = await pushTemplate(h, "cond", { "main.tf": CONDITIONAL_TF });
      const empty = await evaluate(h, version.id, {});
      // coderd answers every HTTP evaluate with id 0, whatever the request's id.
      expect(empty.id).toBe(0);
      expect(empty.parameters.map((p: AnyJson) => p.name)).toEqual(["a"]);
      const set = await evaluate(h, version.id, { a: "x", b: "Bad Value" });
      expect(set.parameters.map((p: AnyJson) => p.name)).toEqual(["a", "b"]);
      expect(byName(set, "b").diagnostics).toEqual([
        {
          severity: "error",
          summary: "Invalid parameter value according to 'validation' block",
          detail: 'b is one lower-case word (value "Bad Value" does not match "^[a-z]+$")',
          extra: { code: "" },
        },
      ]);
      expect(byName(set, "b").validations).toEqual([
        {
          validation_error: "b is one lower-case word",
          validation_regex: "^[a-z]+$",
          validation_min: null,
          validation_max: null,
          validation_monotonic: null,
        },
      ]);
    });

    it("computes options and defaults from locals and other parameters", async () => {
      const h = await launch();
      const { version } = await pushTemplate(h, "opts", { "main.tf": OPTIONS_TF });
      const eu = await evaluate(h, version.id, {});
      expect(values(eu)).toEqual({ region: "eu", size: "small", disk: "20" });
      expect(byName(eu, "region").options.map((o: AnyJson) => [o.name, o.value.value])).toEqual([
        ["Europe", "eu"],
        ["United States", "us"],
      ]);
      const large = await evaluate(h, version.id, { size: "large" });
      expect(values(large)).toEqual({ region: "eu", size: "large", disk: "100" });
      const us = await evaluate(h, version.id, { region: "us", size: "large", disk: "5" });
      expect(byName(us, "size").options.map((o: AnyJson) => o.value.value)).toEqual(["small"]);
      expect(byName(us, "size").diagnostics[0].summary).toBe("Value must be a valid option");
      expect(byName(us, "disk").diagnostics[0].detail).toBe("value 5 is less than the minimum 10");
    });

    it("renders for the nil owner without owner_id: no parameters, an owner_not_found diagnostic", async () => {
      const h = await launch();
      const { version } = await pushTemplate(h, "cond-nil", { "main.tf": CONDITIONAL_TF });
      for (const owner of [
        null,
        "00000000-0000-0000-0000-000000000000",
        "5f0c8f3e-6a59-4d53-9e52-0d1a4b7e2c11",
      ]) {
        const body = await evaluate(h, version.id, { a: "x" }, owner);
        expect(body.parameters).toBeNull();
        expect(body.diagnostics).toEqual([
          {
            severity: "error",
            summary: "Failed to fetch workspace owner",
            detail: "Please check your permissions or the user may not exist.",
            extra: { code: "owner_not_found" },
          },
        ]);
      }
    });

    it("imports an owner-derived default as the provider's placeholder, and renders it for the owner", async () => {
      const h = await launch();
      const tf = `${GROUPS_TF}
data "coder_parameter" "label" {
  name    = "label"
  default = data.coder_workspace_owner.me.name
}
`;
      const { version } = await pushTemplate(h, "owner-default", { "main.tf": tf });
      // The import has no owner: coderd passes only the Everyone group, the provider says "default" for the rest
      // (seen on Coder f524e00d: a classic template built label=default).
      const rich = (await (
        await h.api(`/api/v2/templateversions/${version.id}/rich-parameters`)
      ).json()) as AnyJson[];
      expect(rich.map((p) => [p.name, p.default_value])).toEqual([
        ["label", "default"],
        ["team", "Everyone"],
      ]);
      const me = (await (await h.api("/api/v2/users/me")).json()) as AnyJson;
      expect(values(await evaluate(h, version.id, {})).label).toBe(me.username);
    });

    it("sees the owner's groups, for the caller or for owner_id", async () => {
      const h = await launch();
      const { version } = await pushTemplate(h, "groups", { "main.tf": GROUPS_TF });
      const me = await evaluate(h, version.id, {});
      expect(values(me)).toEqual({ team: "Everyone" });
      const admin = [...h.state.users.values()][0]!;
      admin.groups = ["admins", "Everyone"];
      const again = await evaluate(h, version.id, {}, admin.id);
      expect(values(again)).toEqual({ debug: "false", team: "admins" });
      expect(byName(again, "team").options.map((o: AnyJson) => o.value.value)).toEqual([
        "admins",
        "Everyone",
      ]);
    });

    it("names an unsupported construct in an error diagnostic", async () => {
      const h = await launch();
      const { version } = await pushTemplate(h, "unsupported", { "main.tf": UNSUPPORTED_TF });
      const body = await evaluate(h, version.id, {});
      expect(byName(body, "name").diagnostics[0]).toMatchObject({
        severity: "error",
        summary: "Unsupported expression",
        detail: expect.stringContaining('The function "base64encode"'),
      });
    });

    it("serves presets with PascalCase keys and builds with a preset's values", async () => {
      const h = await launch();
      const { template, version } = await pushTemplate(h, "presets", { "main.tf": PRESETS_TF });
      const res = await h.api(`/api/v2/templateversions/${version.id}/presets`);
      const presets = (await res.json()) as AnyJson[];
      expect(presets.map((p) => [p.Name, p.Default, p.DesiredPrebuildInstances, p.Parameters])).toEqual([
        [
          "Big",
          false,
          2,
          [
            { Name: "region", Value: "eu" },
            { Name: "size", Value: "large" },
          ],
        ],
        [
          "US",
          true,
          0,
          [
            { Name: "region", Value: "us" },
            { Name: "size", Value: "small" },
          ],
        ],
      ]);
      const big = presets[0]!;
      const created = await createWorkspace(h, {
        template_id: template.id,
        name: "warm",
        template_version_preset_id: big.ID,
        rich_parameter_values: [{ name: "size", value: "small" }],
      });
      expect(created.status).toBe(201);
      const ws = (await created.json()) as AnyJson;
      expect(ws.latest_build.template_version_preset_id).toBe(big.ID);
      const params = await h.api(`/api/v2/workspacebuilds/${ws.latest_build.id}/parameters`);
      expect(await params.json()).toEqual([
        { name: "region", value: "eu" },
        { name: "size", value: "large" },
        { name: "disk", value: "100" },
      ]);
    });

    it("refuses a build with every parameter problem keyed by name, sorted", async () => {
      const h = await launch();
      const { template } = await pushTemplate(h, "opts", { "main.tf": OPTIONS_TF });
      const res = await createWorkspace(h, {
        template_id: template.id,
        name: "bad",
        rich_parameter_values: [
          { name: "size", value: "huge" },
          { name: "disk", value: "500" },
        ],
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        message: "Unable to validate parameters",
        validations: [
          {
            field: "disk",
            detail:
              "Invalid parameter value according to 'validation' block; value 500 is more than the maximum 200",
          },
          {
            field: "size",
            detail: 'Value must be a valid option; the value "huge" must be defined as one of options',
          },
        ],
      });
    });

    it("refuses to change an immutable parameter on a later build", async () => {
      const h = await launch();
      const { template } = await pushTemplate(h, "imm", { "main.tf": IMMUTABLE_TF });
      const res = await createWorkspace(h, { template_id: template.id, name: "imm" });
      const ws = (await res.json()) as AnyJson;
      await waitForBuild(h, ws.latest_build.id);
      const stop = await h.api(`/api/v2/workspaces/${ws.id}/builds`, {
        method: "POST",
        json: { transition: "stop" },
      });
      await waitForBuild(h, ((await stop.json()) as AnyJson).id);
      const start = await h.api(`/api/v2/workspaces/${ws.id}/builds`, {
        method: "POST",
        json: { transition: "start", rich_parameter_values: [{ name: "image", value: "debian" }] },
      });
      expect(start.status).toBe(400);
      expect(((await start.json()) as AnyJson).validations).toEqual([
        {
          field: "image",
          detail:
            'Immutable parameter changed; Parameter "image" is not mutable, so it can\'t be updated after creating a workspace.',
        },
      ]);
    });
  });
}
