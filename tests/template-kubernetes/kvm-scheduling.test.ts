import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceSkip, block, findTool } from "../template/helpers/template.js";
import { kubernetesText, loadKubernetesTemplate, localsOf } from "./helpers/kubernetes-template.js";

// Terraform itself evaluates the template's KVM expressions and variable validations, in a
// configuration with no providers (which works offline): the real functions, not a model of them.
const terraform = findTool("terraform");
if (!terraform) announceSkip("the KVM scheduling expressions with terraform", "terraform is not on PATH");

const env = {
  ...process.env,
  TF_IN_AUTOMATION: "1",
  CHECKPOINT_DISABLE: "1",
  TF_CLI_CONFIG_FILE: "/dev/null",
};
let dir: string;

/** The source text of a top-level `variable "name"` block of main.tf. */
function variableSource(name: string): string {
  const text = kubernetesText("main.tf");
  const start = text.indexOf(`variable "${name}" {`);
  const end = text.indexOf("\n}\n", start);
  expect(start, name).toBeGreaterThanOrEqual(0);
  return text.slice(start, end + 3);
}

function unwrap(expression: unknown): string {
  const text = typeof expression === "string" ? expression : "";
  expect(
    text.startsWith(`\${`) && text.endsWith("}"),
    `not one expression: ${JSON.stringify(expression)}`,
  ).toBe(true);
  return text.slice(2, -1);
}

beforeAll(async () => {
  if (!terraform) return;
  const template = await loadKubernetesTemplate();
  const locals = localsOf(template);
  const pod = block(
    block(block(block(template, "resource", "kubernetes_deployment_v1", "workspace"), "spec"), "template"),
    "spec",
  );
  const gate = block(block(pod, "affinity"), "dynamic", "node_affinity").for_each;
  const capabilities = block(
    block(block(pod, "container"), "security_context"),
    "dynamic",
    "capabilities",
  ).for_each;
  dir = mkdtempSync(join(tmpdir(), "spt-k8s-kvm-"));
  const config = [
    variableSource("kvm_device_resource"),
    variableSource("kvm_node_labels"),
    variableSource("microvm_networking"),
    variableSource("tun_device_resource"),
    'variable "nested_virt" {\n  type = bool\n}',
    "locals {",
    "  nested_virt    = var.nested_virt",
    ...["kvm_passthrough", "kvm_resources", "kvm_node_terms", "microvm_networking", "tun_resources"].map(
      (name) => `  ${name} = ${unwrap(locals[name])}`,
    ),
    "}",
    `output "node_affinity" {\n  value = ${unwrap(gate)}\n}`,
    // The device resources the container requests besides cpu and memory.
    'output "resources" {\n  value = merge(local.kvm_resources, local.tun_resources)\n}',
    `output "capabilities" {\n  value = ${unwrap(capabilities)}\n}`,
  ].join("\n");
  writeFileSync(join(dir, "main.tf"), `${config}\n`);
  const init = spawnSync(terraform, ["init", "-input=false", "-no-color"], {
    cwd: dir,
    env,
    encoding: "utf8",
  });
  expect(init.status, init.stderr).toBe(0);
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Evaluated {
  ok: boolean;
  error: string;
  nodeAffinity?: { key: string; values: string[] }[][];
  resources?: Record<string, string>;
  capabilities?: string[];
}

function evaluate(vars: Record<string, string>): Evaluated {
  const args = ["apply", "-auto-approve", "-input=false", "-no-color"];
  for (const [name, value] of Object.entries(vars)) args.push(`-var=${name}=${value}`);
  const apply = spawnSync(terraform!, args, { cwd: dir, env, encoding: "utf8" });
  // Terraform wraps its diagnostics; one line reads better in a comparison.
  if (apply.status !== 0)
    return { ok: false, error: apply.stderr.replace(/[│╷╵]/g, "").replace(/\s+/g, " ") };
  const out = spawnSync(terraform!, ["output", "-json"], { cwd: dir, env, encoding: "utf8" });
  const outputs = JSON.parse(out.stdout) as Record<string, { value: unknown }>;
  return {
    ok: true,
    error: "",
    nodeAffinity: outputs.node_affinity!.value as Evaluated["nodeAffinity"],
    resources: outputs.resources!.value as Record<string, string>,
    capabilities: outputs.capabilities!.value as string[],
  };
}

describe.skipIf(!terraform)("KVM scheduling, evaluated by terraform", () => {
  it("by default asks for KubeVirt's device and a node with Intel VT-x or AMD-V (Node Feature Discovery)", () => {
    const result = evaluate({ nested_virt: "true" });
    expect(result.error).toBe("");
    expect(result.resources).toEqual({ "devices.kubevirt.io/kvm": "1" });
    expect(result.capabilities).toEqual([]);
    expect(result.nodeAffinity).toEqual([
      [
        { key: "feature.node.kubernetes.io/cpu-cpuid.VMX", values: ["true"] },
        { key: "feature.node.kubernetes.io/cpu-cpuid.SVM", values: ["true"] },
      ],
    ]);
  });

  it("asks for nothing KVM-related with nested virtualization off", () => {
    const result = evaluate({ nested_virt: "false" });
    expect(result.resources).toEqual({});
    expect(result.nodeAffinity).toEqual([]);
  });

  it("adds the tun device and NET_ADMIN with microvm_networking, and only to a workspace that requests KVM", () => {
    const on = evaluate({ nested_virt: "true", microvm_networking: "true" });
    expect(on.resources).toEqual({ "devices.kubevirt.io/kvm": "1", "devices.kubevirt.io/tun": "1" });
    expect(on.capabilities).toEqual(["NET_ADMIN"]);
    const smarter = evaluate({
      nested_virt: "true",
      microvm_networking: "true",
      kvm_device_resource: "smarter-devices/kvm",
      tun_device_resource: "smarter-devices/net_tun",
    });
    expect(smarter.resources).toEqual({ "smarter-devices/kvm": "1", "smarter-devices/net_tun": "1" });
    for (const vars of <Record<string, string>[]>[
      { nested_virt: "false", microvm_networking: "true" },
      { nested_virt: "true", microvm_networking: "true", kvm_device_resource: "" },
    ]) {
      const off = evaluate(vars);
      expect(off.resources, JSON.stringify(vars)).toEqual({});
      expect(off.capabilities, JSON.stringify(vars)).toEqual([]);
    }
    const bad = evaluate({ nested_virt: "true", tun_device_resource: "/dev/net/tun" });
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain("The tun_device_resource variable must be an extended resource name");
  });

  it("reads labels separated by commas as well as spaces", () => {
    const result = evaluate({ nested_virt: "true", kvm_node_labels: "a.io/x=1,b.io/y=2  c.io/z" });
    expect(result.nodeAffinity).toEqual([
      [
        { key: "a.io/x", values: ["1"] },
        { key: "b.io/y", values: ["2"] },
        { key: "c.io/z", values: [] },
      ],
    ]);
  });

  it("takes smarter-device-manager's resource and an admin's own label (present = KVM)", () => {
    const result = evaluate({
      nested_virt: "true",
      kvm_device_resource: "smarter-devices/kvm",
      kvm_node_labels: " example.com/kvm , ",
    });
    expect(result.resources).toEqual({ "smarter-devices/kvm": "1" });
    expect(result.nodeAffinity).toEqual([[{ key: "example.com/kvm", values: [] }]]);
  });

  it("leaves out the node affinity when no labels are set, and everything when no resource is set", () => {
    expect(evaluate({ nested_virt: "true", kvm_node_labels: "" }).nodeAffinity).toEqual([]);
    const none = evaluate({ nested_virt: "true", kvm_device_resource: "" });
    expect(none.resources).toEqual({});
    expect(none.nodeAffinity).toEqual([]);
  });

  it("rejects a malformed resource name or label list with the variable's own message", () => {
    const resource = evaluate({ nested_virt: "true", kvm_device_resource: "/dev/kvm" });
    expect(resource.ok).toBe(false);
    expect(resource.error).toContain("must be an extended resource name");
    const labels = evaluate({ nested_virt: "true", kvm_node_labels: "example.com/kvm=yes!" });
    expect(labels.ok).toBe(false);
    expect(labels.error).toContain("must be node labels separated by spaces or commas");
  });
});
