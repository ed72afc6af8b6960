import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { at, block, children, expandLocals, type HclObject } from "../template/helpers/template.js";
import {
  K8S_TEMPLATE_DIR,
  kubernetesScriptFiles,
  kubernetesText,
  loadDockerTemplate,
  loadKubernetesTemplate,
  localsOf,
} from "./helpers/kubernetes-template.js";

const SEED_PARAMETERS = [
  "enable_nested_virt",
  "workspace_image",
  "repo_url",
  "setup_script",
  "install_wasm_tools",
];

async function parameter(name: string): Promise<HclObject> {
  return block(await loadKubernetesTemplate(), "data", "coder_parameter", name);
}
async function locals(): Promise<Record<string, unknown>> {
  return localsOf(await loadKubernetesTemplate());
}
async function deployment(): Promise<HclObject> {
  return block(await loadKubernetesTemplate(), "resource", "kubernetes_deployment_v1", "workspace");
}
async function podSpec(): Promise<HclObject> {
  return block(block(block(await deployment(), "spec"), "template"), "spec");
}
async function container(): Promise<HclObject> {
  return block(await podSpec(), "container");
}
/** An expression with every local spelled out, so a test sees what it really depends on. */
async function expanded(expression: unknown): Promise<string> {
  return expandLocals(String(expression), await locals());
}

describe("providers and admin variables", () => {
  it("pins coder/coder and hashicorp/kubernetes to version ranges", async () => {
    const terraform = block(await loadKubernetesTemplate(), "terraform");
    const providers = block(terraform, "required_providers");
    expect(at(providers, "coder", "source")).toBe("coder/coder");
    expect(at(providers, "kubernetes", "source")).toBe("hashicorp/kubernetes");
    for (const name of ["coder", "kubernetes"]) {
      expect(String(at(providers, name, "version")), name).toMatch(/>=.*,\s*</);
    }
  });

  it("has use_kubeconfig and namespace as the official kubernetes template does (namespace required)", async () => {
    const template = await loadKubernetesTemplate();
    const useKubeconfig = block(template, "variable", "use_kubeconfig");
    expect(useKubeconfig.type).toBe(`\${bool}`);
    expect(useKubeconfig.default).toBe(false);
    expect(block(template, "provider", "kubernetes").config_path).toBe(
      `\${var.use_kubeconfig ? "~/.kube/config" : null}`,
    );
    const namespace = block(template, "variable", "namespace");
    expect(namespace.type).toBe(`\${string}`);
    expect("default" in namespace, "the namespace must exist, so the admin names it").toBe(false);
  });

  it("has only string, number and bool variables, the types Coder accepts", async () => {
    const variables = at(await loadKubernetesTemplate(), "variable") as Record<string, HclObject[]>;
    for (const [name, [variable]] of Object.entries(variables)) {
      expect([`\${string}`, `\${number}`, `\${bool}`], name).toContain(variable!.type);
      expect(String(variable!.description ?? ""), `${name}.description`).not.toBe("");
    }
  });

  it("uses the Docker template's tool versions, so both variants install the same workspace", async () => {
    const docker = at(await loadDockerTemplate(), "variable") as Record<string, HclObject[]>;
    const kubernetes = at(await loadKubernetesTemplate(), "variable") as Record<string, HclObject[]>;
    const versions = Object.keys(docker).filter((name) => /_version$|^rust_toolchain$/.test(name));
    expect(versions.length).toBeGreaterThan(5);
    for (const name of versions) expect(kubernetes[name]?.[0]?.default, name).toBe(docker[name]![0]!.default);
  });

  it("has every other admin variable of the Docker template (downloads, setup timeout, microVM networking), same type and default", async () => {
    const docker = at(await loadDockerTemplate(), "variable") as Record<string, HclObject[]>;
    const kubernetes = at(await loadKubernetesTemplate(), "variable") as Record<string, HclObject[]>;
    // Docker's daemon, its network and its /dev/kvm passthrough have Kubernetes counterparts of their own
    // (use_kubeconfig and namespace; kvm_device_resource and kvm_node_labels).
    const dockerOnly = ["docker_socket", "kvm_passthrough", "network_mode"];
    const shared = Object.keys(docker).filter((name) => !dockerOnly.includes(name));
    expect(shared).toEqual(
      expect.arrayContaining(["setup_timeout_seconds", "github_api_url", "microvm_networking"]),
    );
    for (const name of shared) {
      const theirs = docker[name]![0]!;
      const mine = kubernetes[name]?.[0];
      expect(mine, name).toBeDefined();
      expect([mine!.type, mine!.default], name).toEqual([theirs.type, theirs.default]);
    }
  });
});

describe("workspace parameters", () => {
  it("has the Docker template's five parameters, block for block apart from the description", async () => {
    const docker = await loadDockerTemplate();
    for (const name of SEED_PARAMETERS) {
      const { description: _d, ...mine } = await parameter(name);
      const { description: _e, ...theirs } = block(docker, "data", "coder_parameter", name);
      expect(mine, name).toEqual(theirs);
    }
  });

  it("adds cpu, memory (changeable, with options) and home_disk_size (fixed, min/max)", async () => {
    const names = Object.keys(at(await loadKubernetesTemplate(), "data", "coder_parameter") as HclObject);
    expect(names.sort()).toEqual([...SEED_PARAMETERS, "cpu", "memory", "home_disk_size"].sort());
    for (const name of ["cpu", "memory"]) {
      const param = await parameter(name);
      expect(param.type, name).toBe("number");
      expect(param.mutable, name).toBe(true);
      const values = children(param, "option").map((o) => o.value);
      expect(values, name).toContain(param.default);
      expect(values.every((v) => typeof v === "number" && v >= 2)).toBe(true);
    }
    const disk = await parameter("home_disk_size");
    expect(disk.type).toBe("number");
    expect(disk.mutable).toBe(false);
    const validation = block(disk, "validation");
    expect(validation.min).toBeLessThanOrEqual(disk.default as number);
    expect(validation.max).toBeGreaterThanOrEqual(disk.default as number);
    expect(disk.default).toBeGreaterThanOrEqual(20);
  });

  it("gives each a distinct order and reads booleans with tobool()", async () => {
    const params = await Promise.all(
      Object.keys(at(await loadKubernetesTemplate(), "data", "coder_parameter") as HclObject).map(parameter),
    );
    expect(new Set(params.map((p) => p.order)).size).toBe(params.length);
    const text = kubernetesText("main.tf") + kubernetesText("shared.tf");
    expect(text).not.toMatch(/coder_parameter\.[a-z_]+\.value\s*==\s*true/);
    expect(text).toContain("tobool(data.coder_parameter.enable_nested_virt.value)");
  });
});

describe("home volume claim", () => {
  it("is ReadWriteOnce, sized by home_disk_size, not waited for, and kept through template changes", async () => {
    const claim = block(
      await loadKubernetesTemplate(),
      "resource",
      "kubernetes_persistent_volume_claim_v1",
      "home",
    );
    expect(claim.count, "the claim outlives stops").toBeUndefined();
    expect(claim.wait_until_bound).toBe(false);
    const spec = block(claim, "spec");
    expect(spec.access_modes).toEqual(["ReadWriteOnce"]);
    expect(String(at(block(spec, "resources"), "requests", "storage"))).toBe(
      `\${data.coder_parameter.home_disk_size.value}Gi`,
    );
    expect(block(claim, "lifecycle").ignore_changes).toBe(`\${all}`);
    expect(String(block(claim, "metadata").namespace)).toBe(`\${var.namespace}`);
  });

  it("carries the com.coder.* labels of the official template", async () => {
    const labels = (await locals()).labels as Record<string, string>;
    expect(Object.keys(labels)).toEqual(
      expect.arrayContaining([
        "com.coder.resource",
        "com.coder.workspace.id",
        "com.coder.workspace.name",
        "com.coder.user.id",
        "com.coder.user.username",
      ]),
    );
    const claim = block(
      await loadKubernetesTemplate(),
      "resource",
      "kubernetes_persistent_volume_claim_v1",
      "home",
    );
    expect(block(claim, "metadata").labels).toBe(`\${local.labels}`);
    expect(block(await deployment(), "metadata").labels).toBe(`\${local.labels}`);
  });
});

describe("deployment", () => {
  it("exists once per start with one replica, Recreate, and no wait for the rollout", async () => {
    const workspace = await deployment();
    expect(workspace.count).toBe(`\${data.coder_workspace.me.start_count}`);
    expect(workspace.wait_for_rollout).toBe(false);
    const spec = block(workspace, "spec");
    expect(spec.replicas).toBe(1);
    expect(block(spec, "strategy").type).toBe("Recreate");
  });

  it("selects its pods with labels the pod template carries, none of which can change", async () => {
    const all = await locals();
    const selector = all.selector_labels as Record<string, string>;
    const labels = all.labels as Record<string, string>;
    expect(String(block(block(await deployment(), "spec"), "selector").match_labels)).toBe(
      `\${local.selector_labels}`,
    );
    expect(block(block(block(await deployment(), "spec"), "template"), "metadata").labels).toBe(
      `\${local.labels}`,
    );
    for (const [key, value] of Object.entries(selector)) {
      expect(labels[key], key).toBe(value);
      expect(value, `${key}: a renamed workspace would break the selector`).not.toMatch(/\.name\}/);
    }
  });

  it("runs the pod as the workspace user (uid and fs_group 1000), the bootstrap alone starting as root", async () => {
    const pod = block(await podSpec(), "security_context");
    const all = await locals();
    expect(all.uid).toBe(1000);
    for (const key of ["run_as_user", "run_as_group", "fs_group"])
      expect(pod[key], key).toBe(`\${local.uid}`);
    expect(pod.fs_group_change_policy).toBe("OnRootMismatch");
    const own = block(await container(), "security_context");
    expect(own.run_as_user).toBe(0);
    const bootstrap = kubernetesText("scripts/bootstrap.sh");
    expect(bootstrap).toMatch(/exec runuser -u "\$SPT_USER" -- sh -c "\$init_script"/);
    const env = children(await container(), "env");
    expect(env.find((e) => e.name === "SPT_UID")?.value).toBe(`\${tostring(local.uid)}`);
    expect(env.find((e) => e.name === "SPT_USER")?.value).toBe(`\${local.username}`);
  });

  it("has a PID 1 that reaps orphans: the pause container of a shared process namespace (Docker: init = true)", async () => {
    // The bootstrap's runuser stays between PID 1 and the agent and waits for its own child only.
    expect(kubernetesText("scripts/bootstrap.sh")).toMatch(/exec runuser /);
    expect((await podSpec()).share_process_namespace).toBe(true);
    expect(
      children(await podSpec(), "container"),
      "one container: the shared namespace shows nothing else",
    ).toHaveLength(1);
  });

  it("hands the agent's init script to the bootstrap and passes the agent token", async () => {
    const dev = await container();
    const command = dev.command as string[];
    expect(command).toEqual([
      "/bin/bash",
      `\${local.scripts_dir}/bootstrap.sh`,
      `\${coder_agent.main.init_script}`,
    ]);
    expect(children(dev, "env")).toContainEqual({
      name: "CODER_AGENT_TOKEN",
      value: `\${coder_agent.main.token}`,
    });
  });

  it("mounts the claim on the home folder and the scripts, executable, where the agent runs them", async () => {
    const mounts = children(await container(), "volume_mount");
    const home = mounts.find((m) => m.name === "home");
    expect(home?.mount_path).toBe(`\${local.home}`);
    expect((await locals()).home).toBe("/home/coder");
    const scripts = mounts.find((m) => m.name === "scripts");
    expect(scripts?.mount_path).toBe(`\${local.scripts_dir}`);
    const volumes = children(await podSpec(), "volume");
    const claim = block(volumes.find((v) => v.name === "home")!, "persistent_volume_claim");
    expect(String(claim.claim_name)).toContain("kubernetes_persistent_volume_claim_v1.home.metadata[0].name");
    // The agent runs `exec /opt/spt-flow/x.sh` as uid 1000: the files must be executable for it.
    const downward = block(volumes.find((v) => v.name === "scripts")!, "downward_api");
    expect(downward.default_mode).toBe("0755");
    const items = block(downward, "dynamic", "items");
    expect(items.for_each).toBe(`\${local.scripts}`);
    const item = block(items, "content");
    expect(item.path).toBe(`\${items.key}`);
    expect(block(item, "field_ref").field_path).toBe(`metadata.annotations['spt-flow/\${items.key}']`);
    // Each script is an annotation of the pod template, under the key the item reads.
    const podMetadata = block(block(block(await deployment(), "spec"), "template"), "metadata");
    expect(podMetadata.annotations).toBe(
      `\${{ for name, text in local.scripts : "spt-flow/\${name}" => text }}`,
    );
    const resources = Object.keys(at(await loadKubernetesTemplate(), "resource") as HclObject);
    expect(resources.filter((type) => type.startsWith("kubernetes_")).sort()).toEqual([
      "kubernetes_deployment_v1",
      "kubernetes_persistent_volume_claim_v1",
    ]);
    expect(String((await locals()).scripts)).toContain('fileset(path.module, "scripts/*.sh")');
  });

  it("sizes the container from the cpu and memory parameters", async () => {
    const resources = block(await container(), "resources");
    for (const key of ["requests", "limits"]) {
      const text = await expanded(resources[key]);
      expect(text, key).toContain("data.coder_parameter.cpu.value");
      expect(text, key).toContain("data.coder_parameter.memory.value");
    }
    expect(String(resources.limits)).toContain(`memory = "\${local.memory}Gi"`);
  });
});

describe("KVM through a device plugin", () => {
  it("requests the device resource (a variable, KubeVirt's by default) only with enable_nested_virt", async () => {
    const template = await loadKubernetesTemplate();
    expect(block(template, "variable", "kvm_device_resource").default).toBe("devices.kubevirt.io/kvm");
    const resources = block(await container(), "resources");
    for (const key of ["requests", "limits"]) {
      expect(String(resources[key]), key).toContain("local.kvm_resources");
      expect(String(resources[key]), key).toContain("local.tun_resources");
    }
    expect(await expanded("local.tun_resources")).toContain("var.microvm_networking");
    const kvm = await expanded("local.kvm_resources");
    expect(kvm).toContain("data.coder_parameter.enable_nested_virt.value");
    expect(kvm).toMatch(/\? \{ \(var\.kvm_device_resource\) = "1" \} : \{\}/);
  });

  it("accepts KubeVirt's and smarter-device-manager's resource names in its validation", async () => {
    const validation = block(
      block(await loadKubernetesTemplate(), "variable", "kvm_device_resource"),
      "validation",
    );
    const regex = /regex\("([^"]+)"/.exec(String(validation.condition))?.[1];
    expect(regex).toBeDefined();
    const re = new RegExp(regex!.replace(/\\\\/g, "\\"));
    for (const name of ["devices.kubevirt.io/kvm", "smarter-devices/kvm"]) expect(name).toMatch(re);
    for (const name of ["kvm", "/dev/kvm", "devices.kubevirt.io/", "a b/kvm"]) expect(name).not.toMatch(re);
  });

  it("adds a node affinity for KVM-capable nodes only with enable_nested_virt", async () => {
    const affinity = block(await podSpec(), "affinity");
    expect(affinity.node_affinity, "no unconditional node affinity").toBeUndefined();
    const nodeAffinity = block(affinity, "dynamic", "node_affinity");
    const gate = await expanded(nodeAffinity.for_each);
    expect(gate).toContain("data.coder_parameter.enable_nested_virt.value");
    expect(gate).toContain("var.kvm_node_labels");
    const term = block(
      block(block(nodeAffinity, "content"), "required_during_scheduling_ignored_during_execution"),
      "dynamic",
      "node_selector_term",
    );
    expect(block(block(term, "content"), "match_expressions").key).toBe(`\${node_selector_term.value.key}`);
    const labels = String(block(await loadKubernetesTemplate(), "variable", "kvm_node_labels").default);
    expect(labels).toContain("feature.node.kubernetes.io/cpu-cpuid.VMX=true");
    expect(labels).toContain("feature.node.kubernetes.io/cpu-cpuid.SVM=true");
  });

  it("is never privileged and mounts no host path (no /dev/kvm hostPath, no host devices)", async () => {
    const text = kubernetesText("main.tf");
    expect(text).not.toMatch(/privileged\s*=\s*true/);
    expect(block(await container(), "security_context").privileged).toBe(false);
    expect(text).not.toMatch(
      /host_path|host_pid|host_ipc|host_network|allow_privilege_escalation\s*=\s*true/,
    );
    // No capability but NET_ADMIN, and that one only for microVM networking with KVM.
    const own = block(await container(), "security_context");
    expect(own.capabilities).toBeUndefined();
    const capabilities = block(own, "dynamic", "capabilities");
    expect(capabilities.for_each).toBe(`\${local.microvm_networking ? ["NET_ADMIN"] : []}`);
    expect(block(capabilities, "content").add).toEqual([`\${capabilities.value}`]);
    const gate = await expanded("local.microvm_networking");
    expect(gate).toContain("data.coder_parameter.enable_nested_virt.value");
    expect(gate).toContain("var.kvm_device_resource");
    expect(gate).toContain("var.microvm_networking");
  });

  it("tells the bootstrap and the scripts whether KVM was requested", async () => {
    const env = children(await container(), "env");
    expect(env.find((e) => e.name === "SPT_NESTED_VIRT")?.value).toBe(`\${tostring(local.nested_virt)}`);
    expect(env.find((e) => e.name === "SPT_KVM_PASSTHROUGH")?.value).toBe(
      `\${tostring(local.kvm_passthrough)}`,
    );
    const agentEnv = at(
      block(await loadKubernetesTemplate(), "resource", "coder_agent", "main"),
      "env",
    ) as HclObject;
    expect(agentEnv.SPT_KVM_PASSTHROUGH).toBe(`\${tostring(local.kvm_passthrough)}`);
  });
});

describe("agent, start scripts and app: the Docker template's", () => {
  it("shows the same KVM metadata item (kvm-ok and the probe, via kvm-report.sh --short) and the rest", async () => {
    const metadataOf = async (template: Promise<HclObject>) =>
      children(block(await template, "resource", "coder_agent", "main"), "metadata");
    const mine = await metadataOf(loadKubernetesTemplate());
    expect(mine).toEqual(await metadataOf(loadDockerTemplate()));
    const kvm = mine.find((m) => String(m.script).includes("kvm-report.sh"));
    expect(kvm?.display_name).toBe("KVM");
    expect(String(kvm?.script)).toContain("--short");
  });

  it("runs the same start scripts and serves the same code-server app", async () => {
    const docker = await loadDockerTemplate();
    const kubernetes = await loadKubernetesTemplate();
    for (const type of ["coder_script", "coder_app"]) {
      expect(at(kubernetes, "resource", type), type).toEqual(at(docker, "resource", type));
    }
    expect((await locals()).scripts_dir).toBe(localsOf(docker).scripts_dir);
  });

  it("gives the agent the same environment, every variable the scripts require among it", async () => {
    const envOf = (template: HclObject) =>
      at(block(template, "resource", "coder_agent", "main"), "env") as HclObject;
    const env = envOf(await loadKubernetesTemplate());
    const docker = await loadDockerTemplate();
    expect(Object.keys(env).sort()).toEqual(Object.keys(envOf(docker)).sort());
    // The same values too, apart from how KVM reaches the workspace (a device plugin here).
    const differs = ["SPT_KVM_PASSTHROUGH", "SPT_KVM_PASSTHROUGH_MODE"];
    for (const [name, value] of Object.entries(envOf(docker))) {
      if (!differs.includes(name)) expect(env[name], name).toBe(value);
    }
    // Tool folders in front of the agent's own PATH, which keeps its `coder` binary reachable.
    expect((await locals()).path).toBe(localsOf(docker).path);
    expect(String((await locals()).path)).toMatch(/"\$PATH",?\s*\]\)\}$/);
    const required = new Set<string>();
    for (const file of kubernetesScriptFiles().filter((f) => !f.endsWith("bootstrap.sh"))) {
      for (const match of readFileSync(file, "utf8").matchAll(/\$\{(SPT_[A-Z_]+):\?/g))
        required.add(match[1]!);
    }
    expect(required.size).toBeGreaterThan(5);
    for (const name of required) expect(Object.keys(env), name).toContain(name);
  });
});

describe("template folder as a whole", () => {
  it("declares every block name once", async () => {
    const template = await loadKubernetesTemplate();
    for (const kind of ["resource", "data"]) {
      for (const [type, named] of Object.entries(at(template, kind) as HclObject)) {
        for (const [name, list] of Object.entries(named as HclObject)) {
          expect((list as unknown[]).length, `${kind}.${type}.${name}`).toBe(1);
        }
      }
    }
    for (const [name, list] of Object.entries(at(template, "variable") as HclObject)) {
      expect((list as unknown[]).length, `variable.${name}`).toBe(1);
    }
  });

  it("packs by Coder's rules and its scripts fit the pod's annotations (256 KiB in all)", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        expect(entry.isSymbolicLink(), `${path}: Coder's archive drops symlinks`).toBe(false);
        if (entry.isDirectory()) walk(path);
        else files.push(relative(K8S_TEMPLATE_DIR, path));
      }
    };
    walk(K8S_TEMPLATE_DIR);
    expect(files.filter((f) => f.endsWith(".tf") && !f.includes("/")).sort()).toEqual([
      "main.tf",
      "shared.tf",
    ]);
    expect(files.filter((f) => f.split("/").some((part) => part.startsWith(".")))).toEqual([]);
    const scripts = files.filter((f) => f.startsWith("scripts/"));
    expect(scripts.sort()).toEqual(kubernetesScriptFiles().map((f) => relative(K8S_TEMPLATE_DIR, f)));
    // Kubernetes refuses an object whose annotations, keys and values, exceed 256 KiB; leave room for others.
    const bytes = scripts.reduce((sum, f) => sum + statSync(join(K8S_TEMPLATE_DIR, f)).size + f.length, 0);
    expect(bytes).toBeLessThan(192 * 1024);
  });

  it("has a README with what the cluster needs, a manual push and the spt-coder up command", async () => {
    const readme = kubernetesText("README.md");
    for (const name of [...SEED_PARAMETERS, "cpu", "memory", "home_disk_size"])
      expect(readme).toContain(`\`${name}\``);
    for (const word of [
      "devices.kubevirt.io/kvm",
      "smarter-devices/kvm",
      "StorageClass",
      "nested virtualization",
      "VMX",
      "SVM",
      "coder templates push",
      "spt-coder up --template spt-flow-kubernetes --template-dir template-kubernetes",
      "pnpm sync-templates",
      "use_kubeconfig",
      "namespace",
      "kvm_node_labels",
    ]) {
      expect(readme).toContain(word);
    }
    const variables = Object.keys(at(await loadKubernetesTemplate(), "variable") as HclObject);
    for (const name of variables) expect(readme, name).toContain(`\`${name}\``);
  });
});
