import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_INIT_SCRIPT, HarnessWorkspace, type StartResult } from "../template/harness/container.js";
import { repairDownloads, writeDownloads } from "../template/harness/fixtures.js";
import { buildRootfs, harnessSkipReason, notOwnedBy, templateVersions } from "../template/harness/host.js";
import { writeRepository } from "../template/harness/repository.js";
import { type FixtureServer, serveFixtures } from "../template/harness/server.js";
import { announceSkip, findTool } from "../template/helpers/template.js";
import { loadKubernetesTemplate } from "./helpers/kubernetes-template.js";
import { evaluatePod, type PodFacts } from "./helpers/pod.js";

// template-kubernetes started the way a node starts its pod, with the Docker template's harness
// (tests/template/harness/README.md): the Deployment's command as the container's, its env, the
// home claim as the kubelet leaves a new volume with fs_group (root:1000, setgid, lost+found),
// the scripts as the downward API lays them out, and the shared process namespace's init in
// front. One start, every download on loopback. It needs root, unshare and terraform.
const terraform = findTool("terraform");
const why = harnessSkipReason(terraform);
if (why)
  announceSkip("the Kubernetes pod in the template harness (tests/template-kubernetes/pod.test.ts)", why);
const hasKvm = existsSync("/dev/kvm");

describe.skipIf(why)("template-kubernetes as its pod runs it", () => {
  let fixtures: string;
  let server: FixtureServer;
  let w: HarnessWorkspace;
  let pod: PodFacts;
  let start: StartResult;

  beforeAll(async () => {
    const template = await loadKubernetesTemplate();
    const versions = templateVersions(template);
    fixtures = mkdtempSync(join(tmpdir(), "spt-k8s-downloads-"));
    writeDownloads(fixtures, versions);
    // The deliberate upstream faults of the Docker suite are its to test; here every download works.
    repairDownloads(fixtures, versions);
    const repo = writeRepository(fixtures);
    server = await serveFixtures(fixtures);
    const url = server.url;
    const result = await evaluatePod(terraform!, {
      parameters: {
        enable_nested_virt: String(hasKvm),
        workspace_image: "ubuntu:22.04",
        repo_url: `${url}/${repo}`,
        setup_script: "devpods/setup.sh",
        install_wasm_tools: "true",
        cpu: "4",
        memory: "8",
        home_disk_size: "30",
      },
      variables: {
        namespace: "coder-workspaces",
        github_url: `${url}/github`,
        github_api_url: `${url}/api`,
        go_download_url: `${url}/go`,
        node_download_url: `${url}/node`,
        rustup_download_url: `${url}/rustup`,
      },
      initScript: AGENT_INIT_SCRIPT,
    });
    pod = result.pod;
    w = new HarnessWorkspace(await buildRootfs());
    // A new ext4 claim after the kubelet applied fs_group: root-owned, group fs_group, g+rwxs.
    const fsGroup = Number(pod.podSecurity.fs_group);
    chownSync(w.volume, 0, fsGroup);
    chmodSync(w.volume, 0o2775);
    mkdirSync(join(w.volume, "lost+found"), { mode: 0o700 });
    start = await w.start(result.evaluated, {
      id: "id -u; id -un; id -Gn",
      home: 'stat -c "%u %g" "$HOME"',
    });
  }, 900_000);

  afterAll(async () => {
    w?.remove();
    await server?.close();
    if (fixtures) rmSync(fixtures, { recursive: true, force: true });
  });

  it("starts only the bootstrap as root; the pod's user is 1000 with fs_group 1000", () => {
    // The harness starts every entrypoint as root: that is what run_as_user = 0 on the container asks for.
    expect(pod.containerSecurity.run_as_user).toBe(0);
    expect(pod.containerSecurity.privileged).toBe(false);
    expect(pod.podSecurity).toMatchObject({ run_as_user: 1000, run_as_group: 1000, fs_group: 1000 });
    expect(pod.shareProcessNamespace).toBe(true);
    expect(Object.keys(pod.kvmResources)).toEqual(hasKvm ? ["devices.kubevirt.io/kvm"] : []);
  });

  it("runs the agent and every start script as uid 1000, each to exit 0, and the pod ends cleanly", () => {
    expect(start.results.uid).toBe(Number(pod.podSecurity.run_as_user));
    expect(start.results.user).toBe("coder");
    const exits = Object.fromEntries(Object.entries(start.results.scripts).map(([n, r]) => [n, r.exit]));
    expect(exits, start.logs).toEqual({ kvm_report: 0, code_server: 0, tools: 0, turbo_flow: 0 });
    for (const [key, run] of Object.entries(start.results.metadata))
      expect(run.exit, `${key}: ${run.output}`).toBe(0);
    const [uid, , groups] = start.results.checks.id!.output.split("\n");
    expect(uid).toBe("1000");
    // With KVM the device plugin's /dev/kvm is in the pod, and the bootstrap gave coder its group.
    if (hasKvm) expect(groups).toMatch(/\bkvm\b/);
    expect(start.status, start.logs).toBe(0);
  });

  it("leaves no zombie: the init of the shared process namespace reaps what runuser does not", () => {
    expect(start.results.zombies).toEqual([]);
    expect(start.results.leftovers).toEqual([]);
    // tini stands in for the pause container; without share_process_namespace runuser is PID 1.
    expect(start.results.pid1).toBe("tini");
  });

  it("makes the home claim the user's, every file in it but the file system's lost+found", () => {
    expect(start.results.checks.home!.output.trim()).toBe("1000 1000");
    expect(statSync(w.volume).uid).toBe(1000);
    expect(notOwnedBy(w.volume, 1000)).toEqual([join(w.volume, "lost+found")]);
    expect(existsSync(w.homeFile(".local/state/spt-flow/setup.status"))).toBe(true);
  });
});
