/**
 * template-kubernetes/main.tf evaluated for one pod start, in the shape the Docker harness
 * (tests/template/harness) starts containers from. Terraform evaluates every value (variables,
 * locals, the Deployment's container, the agent) in a provider-less configuration, as
 * tests/template/harness/evaluate.ts does for the Docker template; only references to data
 * sources and the agent's computed attributes are rewritten into variables with Coder's values.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Evaluated } from "../../template/harness/evaluate.js";
import { at, block, blocks, type HclObject } from "../../template/helpers/template.js";
import { K8S_TEMPLATE_DIR, loadKubernetesTemplate } from "./kubernetes-template.js";

/** What the pod's spec says beyond the container the harness starts. */
export interface PodFacts {
  podSecurity: Record<string, unknown>;
  containerSecurity: Record<string, unknown>;
  shareProcessNamespace: boolean;
  kvmResources: Record<string, string>;
  mounts: Array<{ name: string; mount_path: string }>;
}

const REFERENCES: Array<[RegExp, string]> = [
  [/\bdata\.coder_parameter\.([a-z0-9_]+)\.value\b/g, "var.param_$1"],
  [/\bdata\.coder_workspace_owner\.me\.([a-z_]+)\b/g, "var.owner_$1"],
  [/\bdata\.coder_workspace\.me\.([a-z_]+)\b/g, "var.workspace_$1"],
  [/\bcoder_agent\.main\.([a-z_]+)\b/g, "var.agent_$1"],
  [/\bpath\.module\b/g, JSON.stringify(K8S_TEMPLATE_DIR.replace(/\/$/, ""))],
];

const CODER_VALUES: Record<string, unknown> = {
  owner_name: "alice",
  owner_full_name: "Alice Example",
  owner_email: "alice@example.com",
  owner_id: "2f3c7a8e-0000-4000-8000-000000000001",
  workspace_id: "6d1e2a3b-0000-4000-8000-000000000002",
  workspace_name: "flow",
  workspace_start_count: 1,
  agent_token: "harness-agent-token",
  agent_id: "7a9b0c1d-0000-4000-8000-000000000003",
};

function substitute(value: unknown): unknown {
  if (typeof value === "string") return REFERENCES.reduce((text, [re, to]) => text.replace(re, to), value);
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  return value;
}

/** A block without its `dynamic` children, whose iterators mean nothing outside the resource. */
function withoutDynamic(node: HclObject): HclObject {
  const { dynamic: _dynamic, ...rest } = node;
  return rest;
}

/** Evaluates the Deployment's pod and the agent for one start (terraform must be on PATH). */
export async function evaluatePod(
  terraform: string,
  inputs: { parameters: Record<string, string>; variables: Record<string, unknown>; initScript: string },
): Promise<{ evaluated: Evaluated; pod: PodFacts }> {
  const template = substitute(await loadKubernetesTemplate()) as HclObject;
  const deployment = block(template, "resource", "kubernetes_deployment_v1", "workspace");
  const pod = block(block(block(deployment, "spec"), "template"), "spec");
  const container = block(pod, "container");
  const agent = block(template, "resource", "coder_agent", "main");
  const downward = block(
    children(pod, "volume").find((v) => v.name === "scripts"),
    "downward_api",
  );
  const coderScripts = at(template, "resource", "coder_script") as Record<string, HclObject[]>;
  const outputs: Record<string, unknown> = {
    command: container.command,
    env: container.env,
    container_security: withoutDynamic(block(container, "security_context")),
    pod_security: block(pod, "security_context"),
    share_process_namespace: pod.share_process_namespace ?? false,
    mounts: container.volume_mount,
    kvm_resources: `\${local.kvm_resources}`,
    script_files: `\${local.scripts}`,
    script_mode: downward.default_mode,
    agent_env: agent.env,
    agent_metadata: blocks(agent, "metadata"),
    coder_scripts: Object.fromEntries(
      Object.entries(coderScripts).map(([name, [s]]) => [
        name,
        { script: s!.script, timeout: s!.timeout, run_on_start: s!.run_on_start },
      ]),
    ),
  };
  const variable: HclObject = {};
  for (const [name, [v]] of Object.entries(at(template, "variable") as Record<string, HclObject[]>)) {
    variable[name] = [{ type: String(v!.type).replace(/^\$\{(.*)\}$/, "$1"), default: v!.default }];
  }
  const text = JSON.stringify({ locals: at(template, "locals"), outputs });
  const values: Record<string, unknown> = { ...inputs.variables };
  for (const [, name] of text.matchAll(/\bvar\.((?:param|owner|workspace|agent)_[a-z0-9_]+)/g)) {
    variable[name!] = [{}];
    if (name!.startsWith("param_")) values[name!] = inputs.parameters[name!.slice("param_".length)];
    else if (name === "agent_init_script") values[name] = inputs.initScript;
    else if (name! in CODER_VALUES) values[name!] = CODER_VALUES[name!];
    else throw new Error(`no value for ${name}: add one to CODER_VALUES`);
  }
  const config = {
    variable,
    locals: at(template, "locals"),
    output: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, [{ value }]])),
  };
  const dir = mkdtempSync(join(tmpdir(), "spt-k8s-pod-"));
  let out: Record<string, { value: unknown }>;
  try {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config));
    writeFileSync(join(dir, "terraform.tfvars.json"), JSON.stringify(values));
    const env = {
      ...process.env,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      TF_DATA_DIR: join(dir, ".tf"),
    };
    await run(terraform, ["init", "-input=false", "-no-color"], dir, env);
    await run(terraform, ["apply", "-auto-approve", "-input=false", "-no-color"], dir, env);
    out = JSON.parse(await run(terraform, ["output", "-json"], dir, env));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const value = <T>(name: string) => out[name]!.value as T;
  return { evaluated: toContainer(value), pod: facts(value) };
}

function children(node: HclObject, name: string): HclObject[] {
  return (node[name] as HclObject[] | undefined) ?? [];
}

function facts(value: <T>(name: string) => T): PodFacts {
  return {
    podSecurity: value<Record<string, unknown>>("pod_security"),
    containerSecurity: value<Record<string, unknown>>("container_security"),
    shareProcessNamespace: value<boolean>("share_process_namespace"),
    kvmResources: value<Record<string, string>>("kvm_resources"),
    mounts: value<PodFacts["mounts"]>("mounts"),
  };
}

/**
 * The pod as a container for HarnessWorkspace.start: the command (no image entrypoint in an
 * apt image), the env list, the home claim as the volume, the downward API files as root-owned
 * files of `default_mode`, /dev/kvm when the device plugin's resource is requested (KubeVirt's
 * plugin hands the node's /dev/kvm to the runtime as a device), and an init process in front
 * when the pod shares its process namespace (the pause container is then PID 1; Debian's tini
 * stands in for it, both reap orphans).
 */
function toContainer(value: <T>(name: string) => T): Evaluated {
  const mounts = value<Array<{ name: string; mount_path: string }>>("mounts");
  const mountOf = (name: string) => mounts.find((m) => m.name === name)!.mount_path;
  const files = value<Record<string, string>>("script_files");
  const env = value<Array<{ name: string; value: string }>>("env");
  const kvm = Object.keys(value<Record<string, string>>("kvm_resources")).length > 0;
  return {
    container: {
      hostname: "coder-6d1e2a3b-0000-4000-8000-000000000002-5d8f7c9b4-x2k8q",
      entrypoint: value<string[]>("command"),
      env: env.map((e) => `${e.name}=${e.value}`),
      init: value<boolean>("share_process_namespace"),
      volumes: [{ container_path: mountOf("home") }],
      upload: Object.entries(files).map(([name, content]) => ({
        file: `${mountOf("scripts")}/${name}`,
        content,
        permissions: value<string>("script_mode"),
      })),
    },
    dynamic: { devices: kvm ? [{ host_path: "/dev/kvm", container_path: "/dev/kvm" }] : [] },
    agentEnv: value<Record<string, string>>("agent_env"),
    metadata: value<Evaluated["metadata"]>("agent_metadata"),
    scripts: value<Evaluated["scripts"]>("coder_scripts"),
  };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`terraform ${args[0]} failed (${code}): ${stderr}`)),
    );
  });
}
