import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addSecret, cliEnv, ensureBuilt, ROOT, runCli, tempHome } from "./helpers.js";

// Both template variants, pushed and provisioned from the CLI as a user would type it in the repository root.
const REPO = "https://github.com/acme/Hello_World.git";
const K8S = ["--template", "spt-flow-kubernetes", "--template-dir", "template-kubernetes"];

let fake: RunningFakeCoder;
let home: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  fake = await startFakeCoder({ stepDelayMs: 2 });
  addSecret(fake.token);
  home = await tempHome();
});
afterEach(async () => {
  await fake.close();
});

const cli = (args: string[]) =>
  runCli(args, { env: cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token }), cwd: ROOT });

/** The resources of a workspace's latest build, as `type.name` with the agents each carries. */
function resourcesOf(workspaceName: string): Record<string, number> {
  const workspace = [...fake.state.workspaces.values()].find((w) => w.name === workspaceName && !w.deleted);
  const build = fake.state.builds.get(workspace?.buildIds.at(-1) ?? "");
  return Object.fromEntries((build?.resources ?? []).map((r) => [`${r.type}.${r.name}`, r.agentIds.length]));
}

describe("spt-coder with template-kubernetes/", () => {
  it("pushes the folder with up --template-dir when the template is missing, and provisions the workspace", async () => {
    const result = await cli(["up", ...K8S, "--var", "namespace=coder-workspaces", "--repo", REPO]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /Template "spt-flow-kubernetes" is missing; pushing it from .*template-kubernetes/,
    );
    expect(result.stdout).toMatch(/^Workspace hello-world is running \(created\)\.$/m);
    expect(result.stdout).toMatch(
      /code-server +http:\/\/127\.0\.0\.1:\d+\/@admin\/hello-world\.main\/apps\/code-server\//,
    );
    // The pod (with the agent) and its home claim; nothing of the Docker variant.
    expect(resourcesOf("hello-world")).toEqual({
      "kubernetes_persistent_volume_claim_v1.home": 0,
      "kubernetes_deployment_v1.workspace": 1,
    });
    const template = [...fake.state.templates.values()].map((t) => t.name);
    expect(template).toEqual(["spt-flow-kubernetes"]);
  });

  it("stops before any build without a namespace, naming the variable (exit 2)", async () => {
    const result = await cli(["up", ...K8S, "--repo", REPO]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("The template needs variables that have no value.");
    expect(result.stderr).toMatch(/namespace: string: The Kubernetes namespace/);
    expect(result.stderr).toContain("--var name=value");
    expect(fake.state.builds.size).toBe(0);
  });

  it("checks the pod-size parameters against their options and limits before any build (exit 2)", async () => {
    const result = await cli([
      "up",
      ...K8S,
      "--var",
      "namespace=coder-workspaces",
      "--repo",
      REPO,
      "--param",
      "cpu=3",
      "--param",
      "home_disk_size=5",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: 2 parameter values were rejected before any build started:/);
    // One block per parameter (the CLI's format since presets landed): the name, the problem, the
    // accepted values, the flag.
    expect(result.stderr).toMatch(/ {2}cpu\n(?: {4}.*\n)*? {4}accepted: one of "2", "4", "8", "16"\n/);
    expect(result.stderr).toMatch(/ {2}cpu\n(?: {4}.*\n)*? {4}set with: --param cpu=<value>\n/);
    expect(result.stderr).toMatch(
      / {2}home_disk_size\n(?: {4}.*\n)*? {4}accepted: an integer between 10 and 1000\n/,
    );
    expect(fake.state.builds.size).toBe(0);
  });

  it("pushes both variants side by side and provisions a workspace from each", async () => {
    const docker = await cli(["push", "spt-flow", "-d", "template"]);
    expect(docker.code, docker.stderr).toBe(0);
    const kubernetes = await cli([
      "push",
      "spt-flow-kubernetes",
      "-d",
      "template-kubernetes",
      "--var",
      "namespace=ws",
    ]);
    expect(kubernetes.code, kubernetes.stderr).toBe(0);
    expect(kubernetes.stdout).toContain("Template spt-flow-kubernetes has been created.");

    const onDocker = await cli(["up", "--repo", REPO, "--name", "on-docker"]);
    expect(onDocker.code, onDocker.stderr).toBe(0);
    expect(onDocker.stderr).not.toContain("pushing it");
    const onKubernetes = await cli(["up", ...K8S, "--repo", REPO, "--name", "on-k8s", "--param", "cpu=8"]);
    expect(onKubernetes.code, onKubernetes.stderr).toBe(0);
    expect(onKubernetes.stderr).not.toContain("pushing it");

    expect(resourcesOf("on-docker")).toMatchObject({ "docker_container.workspace": 1 });
    expect(Object.keys(resourcesOf("on-docker")).some((r) => r.startsWith("kubernetes_"))).toBe(false);
    expect(resourcesOf("on-k8s")).toMatchObject({ "kubernetes_deployment_v1.workspace": 1 });
    const byName = new Map([...fake.state.workspaces.values()].map((w) => [w.name, w]));
    const k8sBuild = fake.state.builds.get(byName.get("on-k8s")?.buildIds.at(-1) ?? "");
    expect(k8sBuild?.parameters).toContainEqual({ name: "cpu", value: "8" });
    const templates = new Map([...fake.state.templates.values()].map((t) => [t.id, t.name]));
    expect(templates.get(byName.get("on-docker")!.templateId)).toBe("spt-flow");
    expect(templates.get(byName.get("on-k8s")!.templateId)).toBe("spt-flow-kubernetes");
  });
});
