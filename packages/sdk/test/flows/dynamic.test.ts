import { describe, expect, it } from "vitest";
import {
  CONDITIONAL_TF,
  GROUPS_TF,
  IMMUTABLE_TF,
  OPTIONS_TF,
  PRESETS_TF,
} from "../../../../tests/support/dynamic-templates.js";
import { createCoderClient } from "../../src/coder-client.js";
import { ParameterValidationError } from "../../src/errors/flows.js";
import { resolveBuild } from "../../src/flows/build-parameters.js";
import { pushTemplate } from "../../src/flows/push.js";
import { up } from "../../src/flows/up.js";
import { waitForBuild } from "../../src/flows/wait.js";
import { startWorkspace, stopWorkspace } from "../../src/flows/workspace.js";
import { followJobLogs } from "../../src/jobs/follow.js";
import { templateFolder, useLoopbackFake } from "./helpers.js";

interface Case {
  name: string;
  tf: string;
  parameters: Record<string, string>;
  preset?: string;
  groups?: string[];
  /** The values the create request carried, or the problems (name → a part of the message). */
  sent?: Record<string, string>;
  problems?: Record<string, string>;
  presetName?: string;
}

const CASES: Case[] = [
  {
    name: "a parameter that exists only when another is set",
    tf: CONDITIONAL_TF,
    parameters: { a: "x", b: "y" },
    sent: { a: "x", b: "y" },
  },
  {
    name: "a bad value for the conditional parameter, with the server's diagnostic",
    tf: CONDITIONAL_TF,
    parameters: { a: "x", b: "Not Ok" },
    problems: { b: "Invalid parameter value according to 'validation' block: b is one lower-case word" },
  },
  {
    name: "a value for a parameter the other values do not make appear",
    tf: CONDITIONAL_TF,
    parameters: { b: "y" },
    problems: { b: "is not present in the template for these values" },
  },
  {
    name: "options from a local and defaults from expressions",
    tf: OPTIONS_TF,
    parameters: { size: "large" },
    sent: { region: "eu", size: "large", disk: "100" },
  },
  {
    name: "an option a region does not offer, and a disk out of range: every problem at once",
    tf: OPTIONS_TF,
    parameters: { region: "us", size: "large", disk: "500" },
    problems: {
      size: 'the value "large" must be defined as one of options',
      disk: "value 500 is more than the maximum 200",
    },
  },
  {
    name: "options from the owner's groups",
    tf: GROUPS_TF,
    groups: ["admins", "devs"],
    parameters: { team: "devs" },
    sent: { team: "devs", debug: "false" },
  },
  {
    name: "the default preset's values win over the user's",
    tf: PRESETS_TF,
    parameters: { region: "eu" },
    sent: { region: "us", size: "small", disk: "20" },
    presetName: "US",
  },
  {
    name: "a named preset",
    tf: PRESETS_TF,
    parameters: {},
    preset: "Big",
    sent: { region: "eu", size: "large", disk: "100" },
    presetName: "Big",
  },
  {
    name: "no preset when asked for none",
    tf: PRESETS_TF,
    parameters: { region: "eu" },
    preset: "none",
    sent: { region: "eu", size: "small", disk: "20" },
  },
];

describe("dynamic parameters through up() against the fake", () => {
  const launch = useLoopbackFake();

  it.each(CASES)("$name", async (c) => {
    const { fake, client, events, onEvent } = await launch();
    if (c.groups) for (const u of fake.state.users.values()) u.groups = c.groups;
    const templateDir = templateFolder({ "main.tf": c.tf });
    const result = await up({
      client,
      workspace: "dyn",
      template: "dyn",
      templateDir,
      parameters: c.parameters,
      preset: c.preset,
      wait: false,
      onEvent,
    }).catch((e: unknown) => e);
    if (c.problems) {
      expect(result).toBeInstanceOf(ParameterValidationError);
      const problems = (result as ParameterValidationError).problems;
      expect(problems.map((p) => p.name).sort()).toEqual(Object.keys(c.problems).sort());
      for (const [name, text] of Object.entries(c.problems))
        expect(problems.find((p) => p.name === name)?.message).toContain(text);
      expect(fake.state.workspaces.size).toBe(0);
      return;
    }
    if (result instanceof Error) throw result;
    const build = [...fake.state.builds.values()][0]!;
    expect(Object.fromEntries(build.parameters.map((p) => [p.name, p.value]))).toEqual(c.sent);
    const preset = [...fake.state.templateVersions.values()][0]!.parsed?.presets?.find(
      (p) => p.name === c.presetName,
    );
    expect(build.presetId ?? undefined).toBe(preset?.id);
    if (c.name.startsWith("the default preset")) {
      expect(events).toContainEqual({
        type: "warning",
        code: "preset-overrides-parameter",
        message: 'Preset "US" sets region=us, so the value given (eu) is not used.',
      });
    }
  });

  it("evaluates for the owner's id: the caller's for `me`, the named user's for a user name", async () => {
    const { fake, client } = await launch();
    const bodies: { owner_id?: string }[] = [];
    const recording = createCoderClient({
      url: fake.url,
      token: fake.token,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (request.url.endsWith("/dynamic-parameters/evaluate")) bodies.push(await request.clone().json());
        return fetch(request);
      },
    });
    const templateDir = templateFolder({ "main.tf": GROUPS_TF });
    await up({ client: recording, workspace: "mine", template: "grp", templateDir, wait: false });
    const admin = await client.users.me();
    expect(bodies.map((b) => b.owner_id)).toEqual([admin.id]);
    const bob = fake.state.addUser({ username: "bob" });
    bob.groups = ["devs"];
    bodies.length = 0;
    const made = await up({
      client: recording,
      owner: "bob",
      workspace: "his",
      template: "grp",
      wait: false,
    });
    expect(bodies.map((b) => b.owner_id)).toEqual([bob.id]);
    // The template saw bob's groups, not the caller's.
    const build = fake.state.builds.get(made.build.id)!;
    expect(build.parameters).toContainEqual({ name: "team", value: "devs" });
  });

  it("refuses to change an immutable parameter on start, with Coder's message", async () => {
    const { client } = await launch();
    const templateDir = templateFolder({ "main.tf": IMMUTABLE_TF });
    const made = await up({ client, workspace: "imm", template: "imm", templateDir, wait: false });
    await waitForBuild(client, made.build.id);
    const stop = await stopWorkspace(client, made.workspace);
    await waitForBuild(client, stop.id);
    const stopped = await client.workspaces.get(made.workspace.id);
    const failure = await startWorkspace(client, stopped, { parameters: { image: "debian" } }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(ParameterValidationError);
    expect(failure.problems).toEqual([
      {
        name: "image",
        message: `Parameter "image" is not mutable, so it can't be updated after creating a workspace.`,
      },
    ]);
  });

  it("resolves a version that belongs to no template yet as dynamic, without asking for the nil template", async () => {
    const { client, requests } = await launch();
    const { version } = await pushTemplate(client, {
      name: "opt",
      dir: templateFolder({ "main.tf": OPTIONS_TF }),
    });
    // coderd answers such a version with the nil UUID as its template_id (never null), and 404 for that id.
    const orphan = await client.templateVersions.create(version.organization_id, {
      file_id: version.job.file_id,
      storage_method: "file",
      provisioner: "terraform",
    });
    expect(orphan.template_id).toBe("00000000-0000-0000-0000-000000000000");
    for await (const _ of followJobLogs(client, { job: { kind: "template-version", id: orphan.id } })) {
      // drained: the import has ended
    }
    requests.length = 0;
    const { values } = await resolveBuild(client, {
      templateVersionId: orphan.id,
      inputs: { size: "large" },
      previous: undefined,
      preset: false,
    });
    expect(values).toEqual([
      { name: "region", value: "eu" },
      { name: "size", value: "large" },
      { name: "disk", value: "100" },
    ]);
    expect(requests.filter((r) => r.includes("/api/v2/templates/"))).toEqual([]);
    expect(requests.some((r) => r.endsWith("/dynamic-parameters/evaluate"))).toBe(true);
  });

  it("keeps the classic rules for a classic template", async () => {
    const { fake, client, requests } = await launch();
    const templateDir = templateFolder({ "main.tf": CONDITIONAL_TF });
    const { template } = await pushTemplate(client, { name: "classic", dir: templateDir });
    fake.state.templates.get(template.id)!.useClassicParameterFlow = true;
    // The classic list has no `b` (count is 0 for the author), so `b` is an unknown parameter there.
    const failure = await up({
      client,
      workspace: "c",
      template: "classic",
      parameters: { a: "x", b: "y" },
    }).catch((e) => e);
    expect(failure).toBeInstanceOf(ParameterValidationError);
    expect(failure.problems.map((p: { name: string }) => p.name)).toEqual(["b"]);
    expect(requests.some((r) => r.endsWith("/dynamic-parameters/evaluate"))).toBe(false);
  });

  it("falls back to the classic rules, said once, when the evaluate endpoint is missing (404)", async () => {
    const { fake, client, events, onEvent } = await launch();
    fake.faults.failNext({
      path: /\/dynamic-parameters\/evaluate$/,
      status: 404,
      body: { message: "Route not found." },
      times: Number.POSITIVE_INFINITY,
    });
    const templateDir = templateFolder({ "main.tf": OPTIONS_TF });
    await up({
      client,
      workspace: "old",
      template: "old",
      templateDir,
      parameters: {},
      wait: false,
      onEvent,
    });
    await up({ client, workspace: "old2", template: "old", parameters: {}, wait: false, onEvent });
    const said = events.filter(
      (e) => e.type === "info" && e.message.includes("no dynamic-parameters evaluate endpoint"),
    );
    expect(said).toHaveLength(1);
  });
});
