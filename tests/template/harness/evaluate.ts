import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { at, block, blocks, type HclObject, loadTemplate, TEMPLATE_DIR } from "../helpers/template.js";

/**
 * What Terraform makes of main.tf for one workspace start: the docker_container's attributes and
 * dynamic blocks, the agent's env and metadata, and the coder_scripts, all as plain values.
 *
 * Terraform itself evaluates them (no expression is restated here): the template's variables
 * and locals go into a provider-less configuration, the data sources and the agent's computed
 * attributes become variables with the values Coder would give, and each value the harness needs
 * becomes an output. That configuration runs the way Coder's packaged provisioner runs, with
 * systemd's PrivateDevices=yes: a private /dev that has no kvm.
 */
export interface Evaluated {
  container: Record<string, unknown>;
  /** Each dynamic block of the container, expanded: one object per for_each element. */
  dynamic: Record<string, Array<Record<string, unknown>>>;
  agentEnv: Record<string, string>;
  metadata: Array<{ key: string; script: string; timeout: number }>;
  scripts: Record<string, { script: string; timeout: number; run_on_start: boolean }>;
}

/** Values Coder gives the data sources and the agent's computed attributes. */
export interface CoderInputs {
  parameters: Record<string, string>;
  variables?: Record<string, unknown>;
  initScript: string;
}

const REFERENCES: Array<[RegExp, string]> = [
  [/\bdata\.coder_parameter\.([a-z0-9_]+)\.value\b/g, "var.param_$1"],
  [/\bdata\.coder_workspace_owner\.me\.([a-z_]+)\b/g, "var.owner_$1"],
  [/\bdata\.coder_workspace\.me\.([a-z_]+)\b/g, "var.workspace_$1"],
  [/\bdata\.coder_provisioner\.me\.([a-z_]+)\b/g, "var.provisioner_$1"],
  [/\bcoder_agent\.main\.([a-z_]+)\b/g, "var.agent_$1"],
  [/\bdocker_volume\.home_volume\.([a-z_]+)\b/g, "var.volume_$1"],
  [/\bpath\.module\b/g, JSON.stringify(TEMPLATE_DIR.replace(/\/$/, ""))],
];

function substitute(value: unknown): unknown {
  if (typeof value === "string") return REFERENCES.reduce((text, [re, to]) => text.replace(re, to), value);
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  return value;
}

/** Index of the `}` closing the `${` at `start`, skipping quoted strings inside; -1 if none. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/** An hcl2json string as HCL: "${x}" alone is the expression x; anything else a quoted template. */
function stringToHcl(text: string): string {
  if (text.startsWith("${") && closingBrace(text, 1) === text.length - 1) return `(${text.slice(2, -1)})`;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("${", i)) {
      const end = closingBrace(text, i + 1);
      out += text.slice(i, end + 1);
      i = end;
    } else {
      const c = text[i]!;
      out += c === '"' || c === "\\" ? `\\${c}` : c === "\n" ? "\\n" : c;
    }
  }
  return `"${out}"`;
}

/** An hcl2json value as HCL expression text. */
function toHcl(value: unknown): string {
  if (typeof value === "string") return stringToHcl(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(toHcl).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k} = ${toHcl(Array.isArray(v) && isBlockList(v) ? v[0] : v)}`)
      .join(", ")} }`;
  }
  throw new Error(`cannot write ${String(value)} as HCL`);
}

function isBlockList(value: unknown[]): boolean {
  return value.length === 1 && typeof value[0] === "object" && value[0] !== null && !Array.isArray(value[0]);
}

const DATA_DEFAULTS: Record<string, unknown> = {
  owner_name: "alice",
  owner_full_name: "Alice Example",
  owner_email: "alice@example.com",
  owner_id: "2f3c7a8e-0000-4000-8000-000000000001",
  workspace_id: "6d1e2a3b-0000-4000-8000-000000000002",
  workspace_name: "flow",
  workspace_start_count: 1,
  provisioner_arch: "amd64",
  agent_token: "harness-agent-token",
  agent_id: "7a9b0c1d-0000-4000-8000-000000000003",
  volume_name: "coder-6d1e2a3b-home",
};

/** Builds the provider-less configuration from main.tf; returns it with the variable names it needs. */
async function configuration(): Promise<{ config: HclObject; needs: Set<string> }> {
  const template = substitute(await loadTemplate()) as HclObject;
  const container = block(template, "resource", "docker_container", "workspace");
  const agent = block(template, "resource", "coder_agent", "main");
  const output: HclObject = {};
  for (const [name, value] of Object.entries(container)) {
    if (name === "dynamic" || name === "lifecycle") continue;
    output[`container_${name}`] = [{ value }];
  }
  for (const [name, list] of Object.entries(at(container, "dynamic") as HclObject)) {
    const dyn = (list as HclObject[])[0]!;
    const content = toHcl((dyn.content as HclObject[])[0]).replace(
      new RegExp(`\\b${name}\\.(value|key)\\b`, "g"),
      "each_item",
    );
    output[`dynamic_${name}`] = [{ value: `\${[for each_item in ${toHcl(dyn.for_each)} : ${content}]}` }];
  }
  output.agent_env = [{ value: agent.env }];
  output.agent_metadata = [{ value: blocks(agent, "metadata") }];
  const scripts = at(template, "resource", "coder_script") as HclObject;
  output.scripts = [
    {
      value: Object.fromEntries(
        Object.entries(scripts).map(([name, list]) => {
          const { script, timeout, run_on_start } = (list as HclObject[])[0]!;
          return [name, { script, timeout, run_on_start }];
        }),
      ),
    },
  ];
  const variable: HclObject = {};
  for (const [name, list] of Object.entries(at(template, "variable") as HclObject)) {
    const { type, default: fallback } = (list as HclObject[])[0]!;
    variable[name] = [{ type: String(type).replace(/^\$\{(.*)\}$/, "$1"), default: fallback }];
  }
  const text = JSON.stringify({ locals: at(template, "locals"), output });
  const needs = new Set(
    [...text.matchAll(/\bvar\.((?:param|owner|workspace|provisioner|agent|volume)_[a-z0-9_]+)/g)].map(
      (m) => m[1]!,
    ),
  );
  for (const name of needs) variable[name] = [{}];
  return { config: { variable, locals: at(template, "locals"), output }, needs };
}

/** The commands, run in a mount namespace whose /dev is as PrivateDevices=yes leaves it. */
const PRIVATE_DEVICES = `set -e
mount -t tmpfs -o mode=0755,nosuid tmpfs /dev
for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<<"$spec"; mknod -m 0666 "/dev/$name" c "$major" "$minor"
done
mkdir /dev/pts /dev/shm
[ ! -e /dev/kvm ] || { echo "PrivateDevices stand-in still shows /dev/kvm" >&2; exit 1; }
cd "$1"; shift
"$@" init -input=false -no-color >/dev/null
"$@" apply -auto-approve -input=false -no-color >/dev/null
"$@" output -json`;

/** Evaluates main.tf for one start with Terraform (which must be on PATH). */
export async function evaluateTemplate(terraform: string, inputs: CoderInputs): Promise<Evaluated> {
  const { config, needs } = await configuration();
  const dir = mkdtempSync(join(tmpdir(), "spt-flow-eval-"));
  try {
    const values: Record<string, unknown> = { ...inputs.variables };
    for (const name of needs) {
      if (name.startsWith("param_")) {
        const parameter = name.slice("param_".length);
        if (!(parameter in inputs.parameters)) throw new Error(`no value for parameter ${parameter}`);
        values[name] = inputs.parameters[parameter];
      } else if (name === "agent_init_script") {
        values[name] = inputs.initScript;
      } else if (name in DATA_DEFAULTS) {
        values[name] = DATA_DEFAULTS[name];
      } else {
        throw new Error(`the harness has no value for ${name}: add one to DATA_DEFAULTS`);
      }
    }
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config, null, 1));
    writeFileSync(join(dir, "terraform.tfvars.json"), JSON.stringify(values));
    const out = await run(
      "unshare",
      ["--mount", "bash", "-c", PRIVATE_DEVICES, "private-devices", dir, terraform],
      {
        ...process.env,
        TF_IN_AUTOMATION: "1",
        CHECKPOINT_DISABLE: "1",
        TF_DATA_DIR: join(dir, ".tf"),
      },
    );
    const outputs = JSON.parse(out) as Record<string, { value: unknown }>;
    const value = (name: string) => outputs[name]?.value;
    const container: Record<string, unknown> = {};
    const dynamic: Evaluated["dynamic"] = {};
    for (const [name, { value: v }] of Object.entries(outputs)) {
      if (name.startsWith("container_")) container[name.slice("container_".length)] = v;
      if (name.startsWith("dynamic_"))
        dynamic[name.slice("dynamic_".length)] = v as Array<Record<string, unknown>>;
    }
    return {
      container,
      dynamic,
      agentEnv: value("agent_env") as Record<string, string>,
      metadata: value("agent_metadata") as Evaluated["metadata"],
      scripts: value("scripts") as Evaluated["scripts"],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`terraform evaluation failed (${code}): ${stderr}${stdout}`)),
    );
  });
}
