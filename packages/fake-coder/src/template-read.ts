/**
 * Coder's blocks of a parsed template turned into the fake's model: parameters (`coder_parameter`), agents and
 * their apps (`coder_agent`, `coder_app`, the code-server module), resources, and the README.
 */

import {
  blocks,
  bool,
  evaluateDefault,
  firstBlock,
  type Interpolate,
  interpolator,
  type Json,
  num,
  type ParsedFile,
  readVariables,
  str,
  typedBlocks,
} from "./hcl.js";
import type {
  ParameterOption,
  ParsedTemplate,
  TemplateAgent,
  TemplateApp,
  TemplateParameter,
  TemplateResource,
} from "./template-model.js";

/** Markdown to plain text, roughly as `parameter.PlaintextFromMarkdown` renders it. */
function plaintext(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`#>]+/g, "")
    .replace(/\s+\n/g, "\n")
    .trim();
}

/** The provider's default `form_type` for a type with or without options (terraform-provider-coder formtype.go). */
export function defaultFormType(type: string, hasOptions: boolean): string {
  if (type === "bool") return hasOptions ? "radio" : "checkbox";
  if (type === "list(string)") return hasOptions ? "radio" : "tag-select";
  return hasOptions ? "radio" : "input";
}

interface ParameterWithOrder extends TemplateParameter {
  order: number;
  label: string;
}

/** Reads `data "coder_parameter"` blocks; `required` means "no default" as in the provider. */
export function readParameters(docs: Json[], variables: Map<string, string>): TemplateParameter[] {
  const params: ParameterWithOrder[] = typedBlocks(docs, "data", "coder_parameter").map(([label, body]) => {
    const options: ParameterOption[] = ((body.option as Json[] | undefined) ?? []).map((o) => ({
      name: str(o.name),
      description: str(o.description),
      value: evaluateDefault(o.value, variables),
      icon: str(o.icon),
    }));
    const type = (str(body.type) || "string") as TemplateParameter["type"];
    const hasDefault = "default" in body && body.default !== null;
    const description = str(body.description);
    const param: ParameterWithOrder = {
      name: str(body.name, label),
      description,
      description_plaintext: plaintext(description),
      type,
      form_type: str(body.form_type) || defaultFormType(type, options.length > 0),
      mutable: bool(body.mutable, false),
      default_value: hasDefault ? evaluateDefault(body.default, variables) : "",
      icon: str(body.icon),
      options,
      required: !hasDefault,
      ephemeral: bool(body.ephemeral, false),
      order: num(body.order) ?? 0,
      label,
    };
    if (typeof body.display_name === "string" && body.display_name !== "")
      param.display_name = body.display_name;
    const validation = firstBlock(body.validation);
    if (validation) {
      if (typeof validation.error === "string" && validation.error) param.validation_error = validation.error;
      if (typeof validation.regex === "string" && validation.regex) param.validation_regex = validation.regex;
      const min = num(validation.min);
      const max = num(validation.max);
      if (min !== undefined) param.validation_min = min;
      if (max !== undefined) param.validation_max = max;
      if (validation.monotonic === "increasing" || validation.monotonic === "decreasing") {
        param.validation_monotonic = validation.monotonic;
      } else if (typeof validation.monotonic === "string" && validation.monotonic) {
        param.validation_monotonic = validation.monotonic as "increasing";
      }
    }
    return param;
  });
  // The provisioner reads data sources in address order, then sorts stably by `order`.
  params.sort((a, b) => a.label.localeCompare(b.label));
  params.sort((a, b) => a.order - b.order);
  return params.map(({ order: _order, label: _label, ...rest }) => rest);
}

const AGENT_REF = /coder_agent\.([A-Za-z0-9_-]+)\./g;

function agentRefs(body: unknown): string[] {
  return [...JSON.stringify(body).matchAll(AGENT_REF)].map((m) => m[1]!);
}

function readApp(body: Json, interpolate: Interpolate): TemplateApp {
  const healthcheck = firstBlock(body.healthcheck);
  const app: TemplateApp = {
    slug: str(body.slug),
    displayName: str(body.display_name),
    icon: str(body.icon),
    subdomain: bool(body.subdomain, false),
    share: (str(body.share) || "owner") as TemplateApp["share"],
    external: bool(body.external, false),
    hidden: bool(body.hidden, false),
    openIn: str(body.open_in) === "tab" ? "tab" : "slim-window",
    order: num(body.order) ?? 0,
  };
  if (typeof body.url === "string") app.url = interpolate(body.url);
  if (typeof body.command === "string") app.command = body.command;
  if (typeof body.group === "string") app.group = body.group;
  if (healthcheck) {
    app.healthcheck = {
      url: interpolate(healthcheck.url),
      interval: num(healthcheck.interval) ?? 0,
      threshold: num(healthcheck.threshold) ?? 0,
    };
  }
  return app;
}

/** The app that registry.coder.com's code-server module creates, with the module's defaults. */
function codeServerApp(body: Json): TemplateApp {
  const port = num(body.port) ?? 13337;
  const folder = str(body.folder);
  const slug = str(body.slug) || "code-server";
  return {
    slug,
    displayName: str(body.display_name) || "code-server",
    url: `http://localhost:${port}/${folder ? `?folder=${folder}` : ""}`,
    icon: "/icon/code.svg",
    subdomain: bool(body.subdomain, false),
    share: (str(body.share) || "owner") as TemplateApp["share"],
    healthcheck: { url: `http://localhost:${port}/healthz`, interval: 5, threshold: 6 },
    external: false,
    hidden: false,
    openIn: str(body.open_in) === "tab" ? "tab" : "slim-window",
    order: num(body.order) ?? 0,
    ...(typeof body.group === "string" ? { group: body.group } : {}),
  };
}

const DEFAULT_DISPLAY_APPS = { vscode: true, vscode_insiders: false, web_terminal: true, ssh_helper: true };

function readAgents(docs: Json[], interpolate: Interpolate): TemplateAgent[] {
  const agents = typedBlocks(docs, "resource", "coder_agent").map(([name, body]): TemplateAgent => {
    const display = {
      ...DEFAULT_DISPLAY_APPS,
      port_forwarding_helper: true,
      ...firstBlock(body.display_apps),
    };
    const env = typeof body.env === "object" && body.env !== null && !Array.isArray(body.env) ? body.env : {};
    return {
      name,
      os: str(body.os, "linux"),
      arch: str(body.arch).startsWith("${") || !body.arch ? "amd64" : str(body.arch),
      dir: interpolate(body.dir),
      env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v)])),
      connectionTimeoutSeconds: num(body.connection_timeout) ?? 120,
      troubleshootingUrl: str(body.troubleshooting_url),
      startupScript: str(body.startup_script),
      displayApps: Object.entries(display)
        .filter(([, on]) => on === true)
        .map(([key]) => key),
      apps: [],
    };
  });
  const byName = new Map(agents.map((a) => [a.name, a]));
  for (const [, body] of typedBlocks(docs, "resource", "coder_app")) {
    const agent = byName.get(agentRefs(body.agent_id)[0] ?? "");
    agent?.apps.push(readApp(body, interpolate));
  }
  for (const [, body] of blocks(docs, "module")) {
    if (!/code-server/.test(str(body.source))) continue;
    byName.get(agentRefs(body.agent_id)[0] ?? "")?.apps.push(codeServerApp(body));
  }
  for (const agent of agents) agent.apps.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  return agents;
}

function readResources(docs: Json[], agents: TemplateAgent[]): TemplateResource[] {
  const resources: TemplateResource[] = [];
  for (const doc of docs) {
    for (const [type, byName] of Object.entries(
      (doc.resource as Record<string, Record<string, Json[]>>) ?? {},
    )) {
      if (type.startsWith("coder_")) continue;
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of bodies) {
          const count = body.count;
          resources.push({
            type,
            name,
            startOnly: typeof count === "string" && count.includes("start_count"),
            never: count === 0,
            agentNames: [...new Set(agentRefs(body))].filter((a) => agents.some((g) => g.name === a)),
            createMs: sleepMs(body.provisioner),
          });
        }
      }
    }
  }
  // An agent no resource refers to still needs a home; Coder would show it on the first resource.
  for (const agent of agents) {
    if (resources.some((r) => r.agentNames.includes(agent.name))) continue;
    const host = resources.find((r) => !r.never);
    if (host) host.agentNames.push(agent.name);
    else
      resources.push({
        type: "coder_agent",
        name: agent.name,
        startOnly: true,
        never: false,
        agentNames: [agent.name],
        createMs: 0,
      });
  }
  return resources;
}

/** The seconds slept by the create-time `local-exec` provisioners whose command is only `sleep <n>`, in ms. */
function sleepMs(provisioners: unknown): number {
  const blocks = (provisioners as Record<string, Json[]> | undefined)?.["local-exec"] ?? [];
  let ms = 0;
  for (const block of blocks) {
    if (block.when !== undefined) continue; // `when = destroy`
    const match = /^\s*sleep\s+(\d+(?:\.\d+)?)\s*$/.exec(str(block.command));
    if (match) ms += Number(match[1]) * 1000;
  }
  return ms;
}

/** Turns parsed files into what a template import records. `values` are the resolved variable values. */
export function readTemplate(
  files: ParsedFile[],
  values: Map<string, string>,
  readme: string,
): ParsedTemplate {
  const docs = files.map((f) => f.doc);
  const agents = readAgents(docs, interpolator(docs, values));
  return {
    parameters: readParameters(docs, values),
    variables: readVariables(files),
    resources: readResources(docs, agents),
    agents,
    readme,
  };
}
