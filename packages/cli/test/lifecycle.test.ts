import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, pushTemplate } from "@spt-coder/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { minimalTemplate } from "../../sdk/test/flows/helpers.js";
import { saveOwnConfig } from "../src/config.js";
import { run } from "./helpers.js";

const SIZE = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "s"
  mutable = true
}
`;
const ZONE = `
data "coder_parameter" "zone" {
  name        = "zone"
  type        = "string"
  description = "Where it runs"
  mutable     = true
}
`;
const tty = { stdin: true, stdout: true, stderr: true };

let fake: RunningFakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: Parameters<typeof startFakeCoder>[0] = {}) {
  fake = await startFakeCoder({ stepDelayMs: 1, ...options });
  const f = fake;
  const client = createCoderClient({ url: f.url, token: f.token });
  const push = (extra = "", more: { activate?: boolean } = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "spt-cli-lifecycle-"));
    writeFileSync(join(dir, "main.tf"), minimalTemplate(SIZE + extra));
    return pushTemplate(client, { name: "small", dir, org: "coder", ...more });
  };
  const home = mkdtempSync(join(tmpdir(), "spt-cli-home-"));
  const cli = (argv: string[], io: Parameters<typeof run>[1] = {}) =>
    run([...argv, "--url", f.url, "--token", io.env?.TOKEN ?? f.token], { home, ...io });
  const json = async (argv: string[]) => {
    const r = await cli([...argv, "-o", "json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  return { fake: f, client, push, cli, json, home };
}

describe("lifecycle commands against the fake", () => {
  it("update moves the workspace to the active version; a new required parameter is exit 2 listing it, then --param", async () => {
    const { push, cli, json } = await setup();
    await push();
    expect((await cli(["up", "--template", "small", "--name", "ws", "-o", "json"])).code).toBe(0);
    const v2 = await push(ZONE);

    const refused = await cli(["update", "ws", "--yes"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("needs 1 parameter value");
    expect(refused.stderr).toContain("zone");
    const refusedJson = await cli(["update", "ws", "--yes", "-o", "json"]);
    expect(JSON.parse(refusedJson.stdout).error).toMatchObject({
      code: "missing_parameters",
      validations: [{ field: "zone" }],
    });

    const updated = await json(["update", "ws", "--yes", "--param", "zone=eu-1"]);
    expect(updated.updated).toBe(true);
    expect(updated.build.template_version_id).toBe(v2.version.id);
    const status = await json(["status", "ws"]);
    expect(status.workspace.outdated).toBe(false);
    expect((await cli(["update", "ws"])).stdout).toContain("Workspace is up-to-date.");
  });

  it("update asks for the new parameter on a terminal, after confirming the restart", async () => {
    const { push, cli, client } = await setup();
    await push();
    await cli(["up", "--template", "small", "--name", "ws", "-o", "json"]);
    const v2 = await push(ZONE);
    const questions: string[] = [];
    const r = await cli(["update", "ws"], {
      isTTY: tty,
      confirm: async (q) => {
        questions.push(q);
        return true;
      },
      prompt: async (q) => {
        questions.push(q);
        return "us-2";
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(questions[0]).toContain("This can delete non-persistent data. Continue?");
    expect(questions[1]).toBe("Enter a value:");
    const ws = await client.workspaces.getByName("me", "ws");
    expect(ws?.latest_build.template_version_id).toBe(v2.version.id);
    expect(await client.builds.parameters(ws!.latest_build.id)).toContainEqual({
      name: "zone",
      value: "us-2",
    });
  });

  it("start on a template that requires the active version keeps the last one for an owner, as coder start does", async () => {
    const { fake, push, cli, json } = await setup();
    const v1 = await push();
    await cli(["up", "--template", "small", "--name", "ws", "-o", "json"]);
    expect((await cli(["stop", "ws"])).code).toBe(0);
    const v2 = await push("# v2");
    fake.state.templates.get(v1.template.id)!.requireActiveVersion = true;
    const build = await json(["start", "ws"]);
    expect(build.template_version_id).toBe(v1.version.id);
    expect(build.template_version_id).not.toBe(v2.version.id);
  });

  it("stops with the organizations listed when the user has two and gave no --org", async () => {
    const { cli } = await setup({ organizations: ["other"] });
    const r = await cli(["up", "--template", "small", "--name", "ws"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "Must select an organization with --org=<org_name>. Choose from: coder, other",
    );
    const list = await cli(["templates", "versions", "list", "small"]);
    expect(list.code).toBe(2);
  });

  it("schedule changes show in status -o json", async () => {
    const { push, cli, json } = await setup();
    await push();
    await cli(["up", "--template", "small", "--name", "ws", "-o", "json"]);
    const started = await json(["schedule", "start", "ws", "9:30AM", "Mon-Fri", "Europe/Paris"]);
    expect(started.autostart_schedule).toBe("CRON_TZ=Europe/Paris 30 9 * * Mon-Fri");
    await json(["schedule", "stop", "ws", "8h"]);
    await json(["schedule", "updates", "ws", "always"]);
    const status = await json(["status", "ws"]);
    expect(status.workspace).toMatchObject({
      autostart_schedule: "CRON_TZ=Europe/Paris 30 9 * * Mon-Fri",
      ttl_ms: 8 * 3_600_000,
      automatic_updates: "always",
    });
    const text = await cli(["schedule", "show", "ws"]);
    expect(text.stdout).toContain("8h");
    await json(["schedule", "start", "ws", "manual"]);
    expect((await json(["status", "ws"])).workspace.autostart_schedule).toBeUndefined();
    const bad = await cli(["schedule", "start", "ws", "25:00"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a time of day");
    const manual = await cli(["schedule", "extend", "ws", "2h"]);
    expect(manual.code).toBe(2); // a usage error now, with the schedule stop that gives it a stop time
    expect(manual.stderr).toContain("Workspace shutdown is manual.");
  });

  it("templates list and versions list|promote|archive|unarchive, with -o json", async () => {
    const { push, cli, json } = await setup();
    const v1 = await push();
    const v2 = await push("# v2", { activate: false });
    expect((await json(["templates", "list"])).map((t: { name: string }) => t.name)).toEqual(["small"]);
    const versions = await json(["templates", "versions", "list", "small", "--org", "coder"]);
    expect(versions.map((v: { id: string }) => v.id)).toEqual([v1.version.id, v2.version.id]);
    const archiving = await cli(["templates", "versions", "archive", "small", v2.version.name]);
    expect(archiving.code).toBe(2);
    expect(archiving.stderr).toContain("--yes");
    expect(
      (await json(["templates", "versions", "archive", "small", v2.version.name, "--yes"])).archived,
    ).toBe(true);
    expect((await json(["templates", "versions", "unarchive", "small", v2.version.name])).archived).toBe(
      false,
    );
    await json(["templates", "versions", "promote", "small", v2.version.name]);
    const table = await cli(["templates", "versions", "list", "small"]);
    expect(table.stdout).toMatch(new RegExp(`${v2.version.name}.*Active`));
    const missing = await cli(["templates", "versions", "promote", "small", "nope"]);
    expect(missing.code).toBe(4);
    // An archived version makes no new workspace: exit 4 with the command that unarchives it.
    const v3 = await push("# v3", { activate: false });
    await json(["templates", "versions", "archive", "small", v3.version.name, "--yes"]);
    const archived = await cli([
      "up",
      "--template",
      "small",
      "--name",
      "ws3",
      "--template-version",
      v3.version.name,
    ]);
    expect(archived.code).toBe(4);
    expect(archived.stderr).toContain(`is archived`);
    expect(archived.stderr).toContain(`spt-coder templates versions unarchive small ${v3.version.name}`);
    expect(archived.stderr).not.toMatch(/\n\s+at /);
  });

  it("up and start take --template-version; restart asks first and refuses without a terminal", async () => {
    const { push, cli, json } = await setup();
    await push();
    const v2 = await push("# v2", { activate: false });
    const made = await json([
      "up",
      "--template",
      "small",
      "--name",
      "ws",
      "--template-version",
      v2.version.name,
    ]);
    expect(made.workspace.latest_build.template_version_id).toBe(v2.version.id);
    const refused = await cli(["restart", "ws"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Pass --yes");
    const restarted = await json(["restart", "ws", "--yes"]);
    expect(restarted.transition).toBe("start");
    const help = await cli(["update", "--help"]);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("Exit codes:");
    const versionsHelp = await cli(["templates", "versions", "--help"]);
    for (const sub of ["list", "promote", "archive", "unarchive"])
      expect(versionsHelp.stdout).toContain(`versions ${sub}`);
    const bare = await cli(["schedule"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Pick a subcommand.");
  });

  it("whoami says who and where; logout ends the session on the server and forgets the stored token", async () => {
    const { cli, json, fake: f, home } = await setup();
    const who = await json(["whoami"]);
    expect(who.user.username).toBe("admin");
    expect((await cli(["whoami"])).stdout).toBe(
      `Coder is running at ${f.url}, You're authenticated as admin !\n`,
    );
    expect((await cli(["login", "-o", "json"])).code).toBe(0);
    const out = await run(["logout", "--yes", "-o", "json"], { home });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ logged_out: true, ended_on_server: true });
    // The token itself no longer works, wherever a copy of it is.
    expect(f.state.tokens.has(f.token)).toBe(false);
    expect((await run(["whoami", "--url", f.url, "--token", f.token], { home })).code).toBe(3);
    expect((await run(["whoami", "--url", f.url], { home })).code).toBe(3);
  });

  it("logout whose answer is lost after the server ended the session says it ended", async () => {
    const { cli, fake: f, home } = await setup();
    expect((await cli(["login", "-o", "json"])).code).toBe(0);
    f.faults.dropConnection({ method: "POST", path: "/api/v2/users/logout", when: "mid-response" });
    const out = await run(["logout", "--yes", "-o", "json"], { home });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ logged_out: true, ended_on_server: true });
    expect(f.state.tokens.has(f.token)).toBe(false);
  });

  it("logout of a token the server no longer knows (revoked in the dashboard) forgets it and succeeds", async () => {
    const { cli, fake: f, home } = await setup();
    expect((await cli(["login", "-o", "json"])).code).toBe(0);
    f.state.tokens.delete(f.token);
    const out = await run(["logout", "--yes"], { home });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("The server no longer knew the stored token; forgot it");
  });

  it("logout forgets the token even when the server cannot be told, and says the token may still work", async () => {
    const { cli, fake: f, home } = await setup();
    expect((await cli(["login", "-o", "json"])).code).toBe(0);
    await f.close();
    const out = await run(["logout", "--yes", "--request-timeout", "2"], { home });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("Forgot the token stored in");
    expect(out.stderr).toContain("could not be ended on the server");
    expect(out.stderr).toContain("revoke it in the Coder dashboard");
    expect(out.stderr).not.toContain(f.token);
    const second = await run(["logout", "--yes"], { home });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("nothing to do");
    // With -o json: one document on stdout that says what happened, and exit 1.
    await saveOwnConfig({}, home, { url: f.url, token: f.token }); // as login left it; the server is gone
    const json = await run(["logout", "--yes", "-o", "json", "--request-timeout", "2"], { home });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ logged_out: true, ended_on_server: false });
    expect(JSON.parse(json.stdout).server_error).toBeTruthy();
  });
});
