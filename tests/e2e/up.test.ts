import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addSecret, cliEnv, ensureBuilt, runCli, tempHome } from "./helpers.js";

const REPO = "https://github.com/acme/Hello_World.git";

let fake: RunningFakeCoder;
let home: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  fake = await startFakeCoder({ stepDelayMs: 5 });
  addSecret(fake.token);
  home = await tempHome();
});
afterEach(async () => {
  await fake.close();
});

const env = (extra: Record<string, string> = {}) =>
  cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, ...extra });

function workspaces() {
  return [...fake.state.workspaces.values()].filter((w) => !w.deleted);
}

describe("spt-coder up", () => {
  it("creates the template from the shipped folder, then the workspace with repo_url, and prints the apps", async () => {
    const result = await runCli(["up", "--repo", REPO], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    // Progress on stderr, Coder-style; no colour and no spinner without a terminal.
    expect(result.stderr).toMatch(/Template "spt-flow" is missing; pushing it from .*dist\/template/);
    expect(result.stderr).toMatch(/^==> ⧗ Importing template$/m);
    expect(result.stderr).toMatch(/^=== ✔ Planning Infrastructure \[\d+(ms|\.\ds)\]$/m);
    expect(result.stderr).not.toContain("\u001b");
    expect(result.stderr).not.toContain("\r");
    // Data on stdout only.
    expect(result.stdout).toMatch(/^Workspace hello-world is running \(created\)\.$/m);
    expect(result.stdout).toContain(`${fake.url}/@admin/hello-world`);
    expect(result.stdout).toMatch(
      /code-server +http:\/\/127\.0\.0\.1:\d+\/@admin\/hello-world\.main\/apps\/code-server\//,
    );
    expect(result.stdout).not.toContain("==>");

    const [workspace] = workspaces();
    expect(workspace?.name).toBe("hello-world");
    const build = fake.state.builds.get(workspace?.buildIds.at(-1) ?? "");
    expect(build?.parameters).toContainEqual({ name: "repo_url", value: REPO });
    expect([...fake.state.templates.values()].map((t) => t.name)).toEqual(["spt-flow"]);
  });

  it("uses a template that is already there, and pushes nothing", async () => {
    const push = await runCli(["push", "spt-flow", "-d", join(fakeTemplateRoot(), "template")], {
      env: env(),
    });
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toContain("Template spt-flow has been created.");
    const versions = fake.state.templateVersions.size;

    const result = await runCli(["up", "--repo", REPO, "--name", "present"], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("pushing it");
    expect(result.stderr).not.toContain("Importing template");
    expect(fake.state.templateVersions.size).toBe(versions);
    expect(workspaces().map((w) => w.name)).toEqual(["present"]);
  });

  it("reuses the workspace on a second up, and starts it again once stopped", async () => {
    expect((await runCli(["up", "--repo", REPO], { env: env() })).code).toBe(0);
    const again = await runCli(["up", "--repo", REPO, "-o", "json"], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout);
    expect(second.created).toBe(false);
    expect(second.template_created).toBe(false);
    expect(second.build.build_number).toBe(1);
    expect(workspaces()).toHaveLength(1);

    const stop = await runCli(["stop", "hello-world"], { env: env() });
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toContain("The hello-world workspace has been stopped.");

    const third = await runCli(["up", "--repo", REPO], { env: env() });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(/==> ⧗ Starting workspace hello-world/);
    expect(third.stdout).toMatch(/Workspace hello-world is running \(reused, build #3\)/);
    expect(workspaces()).toHaveLength(1);
  });

  it("prints one JSON document with -o json", async () => {
    const result = await runCli(["up", "--repo", REPO, "--name", "json-one", "-o", "json"], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({
      created: true,
      template_created: true,
      degraded: false,
      dashboard_url: `${fake.url}/@admin/json-one`,
      workspace: { name: "json-one", owner_name: "admin", template_name: "spt-flow" },
      build: { transition: "start", status: "running" },
    });
    expect(doc.apps).toContainEqual(expect.objectContaining({ slug: "code-server", agent: "main" }));
  });

  it("lists every bad parameter at once, with the rule, before any build (exit 2)", async () => {
    const result = await runCli(
      [
        "up",
        "--repo",
        REPO,
        "--param",
        "workspace_image=alpine:3",
        "--param",
        "enable_nested_virt=maybe",
        "--param",
        "setup_script=/etc/passwd",
      ],
      { env: env() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: 3 parameter values were rejected before any build started:/);
    // One block per parameter: its name, the problem, what is accepted, the flag that sets it.
    expect(result.stderr).toMatch(/ {2}workspace_image\n(?: {4}.*\n)*? {4}accepted: .*ubuntu:22\.04/);
    expect(result.stderr).toMatch(
      / {2}enable_nested_virt\n(?: {4}.*\n)*? {4}set with: --param enable_nested_virt=<value>\n/,
    );
    expect(result.stderr).toMatch(/ {2}setup_script\n(?: {4}.*\n)*? {4}.*relative to the repository root/);
    expect(fake.state.builds.size).toBe(0);
  });

  it("reads parameters from a YAML file, and reports bad ones as JSON with -o json", async () => {
    const file = join(home, "params.yaml");
    await writeFile(file, "workspace_image: alpine\n");
    const result = await runCli(["up", "--repo", REPO, "--param-file", file, "-o", "json"], { env: env() });
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout);
    expect(doc.error.code).toBe("invalid_parameters");
    expect(doc.error.validations).toEqual([
      expect.objectContaining({ field: "workspace_image", detail: expect.stringContaining("ubuntu:22.04") }),
    ]);
  });

  it("fails with the CLI's advice when another template is missing and there is no folder (exit 4)", async () => {
    const empty = join(home, "empty");
    await mkdir(empty);
    const result = await runCli(["up", "--template", "other", "--repo", REPO], { env: env(), cwd: empty });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      'error: Template "other" was not found in organization "coder", and no template folder was given to push it from.',
    );
    expect(result.stderr).toMatch(
      /Suggestion: Push it first \(spt-coder push --template other --template-dir/,
    );
    expect(workspaces()).toHaveLength(0);
  });

  it("returns at once with --no-wait", async () => {
    const result = await runCli(["up", "--repo", REPO, "--no-wait"], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("is building in the background");
    expect(result.stdout).toContain("spt-coder logs hello-world");
    expect(result.stderr).not.toContain("Waiting for the workspace agent");
  });

  it("prints a request trace with --verbose, without the token", async () => {
    const result = await runCli(["up", "--repo", REPO, "--verbose"], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/--> GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/buildinfo 200 \(\d+ms\)/);
    expect(result.stderr).toMatch(/--> POST .*\/api\/v2\/users\/me\/workspaces 201/);
    expect(result.stderr).toContain("Using the session token from environment.");
  });
});

/** The repository root, whose template/ is the source of the shipped copy. */
function fakeTemplateRoot(): string {
  return join(__dirname, "..", "..");
}
