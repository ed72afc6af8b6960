import { describe, expect, it } from "vitest";
import {
  MissingBuildParametersError,
  TemplateVersionArchivedError,
  TemplateVersionNotFoundError,
} from "../../src/errors/lifecycle.js";
import { pushTemplate } from "../../src/flows/push.js";
import { up } from "../../src/flows/up.js";
import { waitForBuild } from "../../src/flows/wait.js";
import {
  restartWorkspace,
  startVersionFor,
  startWorkspace,
  stopWorkspace,
  updateWorkspace,
} from "../../src/flows/workspace.js";
import type { CoderClient } from "../../src/index.js";
import { minimalTemplate, templateFolder, useLoopbackFake } from "./helpers.js";

const REGION = (options: string[]) => `
data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
  mutable = true
${options.map((o) => `  option {\n    name  = "${o}"\n    value = "${o}"\n  }`).join("\n")}
}
`;
const ZONE = `
data "coder_parameter" "zone" {
  name    = "zone"
  type    = "string"
  mutable = true
}
`;

function push(client: CoderClient, extra: string, options: { activate?: boolean; message?: string } = {}) {
  return pushTemplate(client, {
    name: "small",
    dir: templateFolder({ "main.tf": minimalTemplate(extra) }),
    ...options,
  });
}

describe("template versions, updates and start's version choice", () => {
  const launch = useLoopbackFake();

  async function onV1(region = "us") {
    const h = await launch();
    const v1 = await push(h.client, REGION(["eu", "us"]));
    const result = await up({
      client: h.client,
      workspace: "dev",
      template: "small",
      parameters: { region },
    });
    return { ...h, v1, workspace: result.workspace };
  }

  it("update is a no-op on the active version, and builds nothing", async () => {
    const { client, fake, workspace } = await onV1();
    const builds = fake.state.builds.size;
    const result = await updateWorkspace(client, workspace);
    expect(result.updated).toBe(false);
    expect(fake.state.builds.size).toBe(builds);
  });

  it("update lists every parameter the new version needs at once, before building anything", async () => {
    const { client, fake, workspace } = await onV1();
    await push(client, `${REGION(["eu"])}${ZONE}`);
    const fresh = await client.workspaces.get(workspace.id);
    expect(fresh.outdated).toBe(true);
    const builds = fake.state.builds.size;
    const error = await updateWorkspace(client, fresh).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingBuildParametersError);
    const needs = (error as MissingBuildParametersError).needs;
    expect(needs.map((n) => [n.parameter.name, n.reason, n.previousValue])).toEqual([
      ["region", "invalid", "us"],
      ["zone", "missing", undefined],
    ]);
    expect(fake.state.builds.size).toBe(builds);
  });

  it("update asks for the needs, stops the running workspace, then starts it on the active version", async () => {
    const { client, workspace } = await onV1();
    const v2 = await push(client, `${REGION(["eu"])}${ZONE}`);
    const asked: string[][] = [];
    const result = await updateWorkspace(client, await client.workspaces.get(workspace.id), {
      askParameters: async (needs) => {
        asked.push(needs.map((n) => n.parameter.name));
        return { region: "eu", zone: "z1" };
      },
    });
    expect(asked).toEqual([["region", "zone"]]);
    expect(result.stop?.transition).toBe("stop");
    expect(result.build.template_version_id).toBe(v2.version.id);
    const done = await waitForBuild(client, result.build.id);
    expect(done.status).toBe("running");
    const values = await client.builds.parameters(done.id);
    expect(values).toEqual(
      expect.arrayContaining([
        { name: "region", value: "eu" },
        { name: "zone", value: "z1" },
      ]),
    );
    expect((await client.workspaces.get(workspace.id)).outdated).toBe(false);
  });

  it("start keeps the last build's version, unless automatic updates ask for the active one", async () => {
    const { client, fake, workspace, v1 } = await onV1("eu");
    const v2 = await push(client, REGION(["eu", "us"]).replace('default = "eu"', 'default = "us"'));
    const stop = await stopWorkspace(client, workspace);
    await waitForBuild(client, stop.id);
    let stopped = await client.workspaces.get(workspace.id);
    expect(startVersionFor(stopped)).toBe(v1.version.id);
    // A template that requires the active version changes nothing here: coder start tries the last build's
    // version first, and only a 403 moves it (owners and template admins are allowed the old one).
    fake.state.templates.get(stopped.template_id)!.requireActiveVersion = true;
    stopped = await client.workspaces.get(workspace.id);
    expect(stopped.template_require_active_version).toBe(true);
    expect(startVersionFor(stopped)).toBe(v1.version.id);
    fake.state.templates.get(stopped.template_id)!.requireActiveVersion = false;

    await client.workspaces.setAutomaticUpdates(workspace.id, "always");
    stopped = await client.workspaces.get(workspace.id);
    expect(stopped.automatic_updates).toBe("always");
    const start = await startWorkspace(client, stopped);
    expect(start.template_version_id).toBe(v2.version.id);
  });

  it("starts on the old version for an owner and a template admin, and on the active one after a member's 403", async () => {
    const h = await launch({
      users: [{ username: "alice" }, { username: "carol", roles: ["member", "template-admin"] }],
    });
    const owner = h.client;
    const v1 = await push(owner, REGION(["eu", "us"]));
    const { createCoderClient } = await import("../../src/coder-client.js");
    const as = (user: string) => createCoderClient({ url: h.fake.url, token: h.fake.state.tokenOf(user) });
    const stoppedOn = async (client: CoderClient, name: string) => {
      const made = await up({ client, workspace: name, template: "small" });
      await waitForBuild(client, (await stopWorkspace(client, made.workspace)).id);
      return client.workspaces.get(made.workspace.id);
    };
    const workspaces = {
      admin: await stoppedOn(owner, "mine"),
      carol: await stoppedOn(as("carol"), "hers"),
      alice: await stoppedOn(as("alice"), "dev"),
    };
    const v2 = await push(
      owner,
      REGION(["eu", "us"]).replace("mutable = true", "mutable = true\n  order = 2"),
    );
    h.fake.state.templates.get(v1.template.id)!.requireActiveVersion = true;

    for (const user of ["admin", "carol"] as const) {
      const client = user === "admin" ? owner : as(user);
      const start = await startWorkspace(client, await client.workspaces.get(workspaces[user].id), {
        onEvent: h.onEvent,
      });
      expect(start.template_version_id).toBe(v1.version.id);
    }
    expect(h.events).not.toContainEqual(expect.objectContaining({ code: "active-version-required" }));
    const alice = as("alice");
    const start = await startWorkspace(alice, await alice.workspaces.get(workspaces.alice.id), {
      onEvent: h.onEvent,
    });
    expect(start.template_version_id).toBe(v2.version.id);
    expect(h.events).toContainEqual(expect.objectContaining({ code: "active-version-required" }));
  });

  it("up creates a workspace from a named version that is not active yet, and fails clearly on a wrong name", async () => {
    const h = await launch();
    const v1 = await push(h.client, REGION(["eu", "us"]));
    const v2 = await push(h.client, `${REGION(["eu", "us"])}${ZONE}`, { activate: false });
    expect(v2.template.active_version_id).toBe(v1.version.id);
    const result = await up({
      client: h.client,
      workspace: "trial",
      template: "small",
      templateVersion: v2.version.name,
      automaticUpdates: "never",
      parameters: { zone: "z" },
    });
    expect(result.workspace.latest_build.template_version_id).toBe(v2.version.id);
    expect(result.workspace.outdated).toBe(true);
    await expect(
      up({ client: h.client, workspace: "other", template: "small", templateVersion: "nope" }),
    ).rejects.toBeInstanceOf(TemplateVersionNotFoundError);
  });

  it("archives and unarchives a version through the resource; schedules show on the workspace", async () => {
    const { client, workspace, v1 } = await onV1();
    const v2 = await push(client, REGION(["eu", "us", "ap"]), { activate: false });
    await client.templateVersions.archive(v2.version.id);
    expect((await client.templateVersions.get(v2.version.id)).archived).toBe(true);
    await client.templateVersions.unarchive(v2.version.id);
    await expect(client.templateVersions.archive(v1.version.id)).rejects.toThrow(/in use by a workspace/);
    await client.workspaces.setAutostart(workspace.id, "CRON_TZ=UTC 0 9 * * 1-5");
    await client.workspaces.setTtl(workspace.id, 2 * 3_600_000);
    const got = await client.workspaces.get(workspace.id);
    expect(got).toMatchObject({ autostart_schedule: "CRON_TZ=UTC 0 9 * * 1-5", ttl_ms: 7_200_000 });
  });

  it("makes no new workspace from an archived version, and still starts an existing one on it", async () => {
    const { client, fake, workspace } = await onV1();
    const v2 = await push(client, REGION(["eu", "us", "ap"]), { activate: false });
    await client.templateVersions.archive(v2.version.id);
    const workspaces = fake.state.workspaces.size;
    const refused = await up({
      client,
      workspace: "other",
      template: "small",
      templateVersion: v2.version.name,
    }).catch((e) => e);
    expect(refused).toBeInstanceOf(TemplateVersionArchivedError);
    expect(refused.message).toBe(
      `Version "${v2.version.name}" of template "small" is archived: Coder makes no new workspace from it.`,
    );
    expect(fake.state.workspaces.size).toBe(workspaces);
    await waitForBuild(client, (await stopWorkspace(client, workspace)).id);
    const started = await up({
      client,
      workspace: "dev",
      template: "small",
      templateVersion: v2.version.name,
    });
    expect(started.workspace.latest_build.template_version_id).toBe(v2.version.id);
  });

  it("restart on a workspace that follows the active version checks the new version's needs before stopping", async () => {
    const { client, fake, workspace } = await onV1();
    await push(client, `${REGION(["eu", "us"])}${ZONE}`);
    await client.workspaces.setAutomaticUpdates(workspace.id, "always");
    const fresh = await client.workspaces.get(workspace.id);
    const builds = fake.state.builds.size;
    await expect(restartWorkspace(client, fresh)).rejects.toBeInstanceOf(MissingBuildParametersError);
    expect(fake.state.builds.size).toBe(builds); // still running: nothing was stopped
    const start = await restartWorkspace(client, fresh, { parameters: { zone: "z" } });
    expect(start.template_version_id).toBe(fresh.template_active_version_id);
  });
});
