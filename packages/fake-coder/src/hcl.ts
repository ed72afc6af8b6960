/**
 * Reads the top-level Terraform files of a template with a real HCL parser (`@cdktf/hcl2json`, HashiCorp's parser
 * compiled to WASM) and turns Coder's blocks into the API's shapes. Expressions are not evaluated, apart from
 * `var.x` references and `jsonencode([...])` of literals in parameter defaults.
 */
import type { ArchiveFile } from "./archive.js";
import type {
  ParameterOption,
  ParsedTemplate,
  TemplateAgent,
  TemplateApp,
  TemplateParameter,
  TemplateResource,
  TemplateVariable,
} from "./template-model.js";

/** A Terraform syntax error; `message` reads like Terraform's diagnostic (`file:line,col: summary; detail`). */
export class HclSyntaxError extends Error {}

type Json = Record<string, unknown>;
type HclParse = (filename: string, contents: string) => Promise<Json>;

let parser: Promise<HclParse> | undefined;

/** The WASM parser costs ~300 ms to load, so it is loaded on first use: the bin must start in under a second. */
function loadParser(): Promise<HclParse> {
  parser ??= import("@cdktf/hcl2json").then((m) => m.parse as HclParse);
  return parser;
}

/** True for files Terraform reads as the root module: `.tf` / `.tf.json` at the top level of the archive. */
export function isTopLevelTerraform(path: string): boolean {
  return !path.includes("/") && (path.endsWith(".tf") || path.endsWith(".tf.json"));
}

/** Parses one file into hcl2json's shape (blocks as arrays of bodies). */
async function parseFile(file: ArchiveFile): Promise<Json> {
  const source = Buffer.from(file.data).toString("utf8");
  if (file.path.endsWith(".tf.json")) {
    try {
      return normaliseJsonSyntax(JSON.parse(source) as Json);
    } catch (err) {
      throw new HclSyntaxError(`${file.path}: Invalid JSON; ${(err as Error).message}`);
    }
  }
  const parse = await loadParser();
  try {
    return await parse(file.path, source);
  } catch (err) {
    // hcl2json reports "parse config: [<diagnostics>]"; keep Terraform's own diagnostic text.
    const message = String((err as Error).message ?? err).replace(/^parse config: \[(.*)\]$/s, "$1");
    throw new HclSyntaxError(message);
  }
}

/** Terraform's JSON syntax writes a single block body as an object; hcl2json always uses arrays. */
function normaliseJsonSyntax(doc: Json): Json {
  const wrap = (v: unknown) => (Array.isArray(v) ? v : [v]);
  const out: Json = {};
  for (const [kind, value] of Object.entries(doc)) {
    if (kind === "variable" || kind === "module" || kind === "output") {
      out[kind] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, wrap(v)]));
    } else if (kind === "resource" || kind === "data") {
      out[kind] = Object.fromEntries(
        Object.entries(value as Json).map(([type, byName]) => [
          type,
          Object.fromEntries(Object.entries(byName as Json).map(([k, v]) => [k, wrap(v)])),
        ]),
      );
    } else {
      out[kind] = value;
    }
  }
  return out;
}

/** One parsed Terraform file. */
export interface ParsedFile {
  path: string;
  source: string;
  doc: Json;
}

/** Parses every top-level Terraform file, in name order; throws {@link HclSyntaxError} on bad syntax. */
export async function parseTemplateFiles(files: ArchiveFile[]): Promise<ParsedFile[]> {
  const parsed: ParsedFile[] = [];
  const terraform = files
    .filter((f) => isTopLevelTerraform(f.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  for (const file of terraform) {
    parsed.push({
      path: file.path,
      source: Buffer.from(file.data).toString("utf8"),
      doc: await parseFile(file),
    });
  }
  return parsed;
}

/** Every block of a kind (`variable`, `module`, ...) as `[label, body]`, across files. */
export function blocks(docs: Json[], kind: string): [string, Json][] {
  const out: [string, Json][] = [];
  for (const doc of docs) {
    const group = doc[kind] as Record<string, Json[]> | undefined;
    for (const [label, bodies] of Object.entries(group ?? {}))
      for (const body of bodies) out.push([label, body]);
  }
  return out;
}

/** Every `resource` or `data` block of one type as `[name, body]`, across files. */
export function typedBlocks(docs: Json[], kind: "resource" | "data", type: string): [string, Json][] {
  const out: [string, Json][] = [];
  for (const doc of docs) {
    const group = (doc[kind] as Record<string, Record<string, Json[]>> | undefined)?.[type];
    for (const [label, bodies] of Object.entries(group ?? {}))
      for (const body of bodies) out.push([label, body]);
  }
  return out;
}

const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === "boolean" ? v : fallback);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const firstBlock = (v: unknown): Json | undefined => (Array.isArray(v) ? (v[0] as Json) : undefined);

/** Terraform variable values as Coder hands them over: strings as they are, anything else JSON-encoded. */
function variableText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Where a block starts in its file: hcl2json loses source order, which Coder keeps for variables. */
function position(files: ParsedFile[], kind: string, name: string): [number, number] {
  const re = new RegExp(`(^|\\n)\\s*${kind}\\s+"${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`);
  for (let i = 0; i < files.length; i++) {
    const m = re.exec(files[i]!.source);
    if (m) return [i, m.index];
  }
  return [files.length, 0];
}

/**
 * Reads `variable` blocks as `convertTerraformVariable` does (required exactly when there is no default), sorted
 * by file and position as the provisioner does.
 */
export function readVariables(files: ParsedFile[]): TemplateVariable[] {
  const docs = files.map((f) => f.doc);
  const variables = blocks(docs, "variable").map(([name, body]): TemplateVariable => {
    const hasDefault = "default" in body && body.default !== null;
    const rawType = str(body.type).replace(/^\$\{(.*)\}$/, "$1");
    const type: TemplateVariable["type"] = rawType === "number" || rawType === "bool" ? rawType : "string";
    return {
      name,
      description: str(body.description),
      type,
      default_value: hasDefault ? variableText(body.default) : "",
      required: !hasDefault,
      sensitive: bool(body.sensitive, false),
    };
  });
  const key = (v: TemplateVariable) => position(files, "variable", v.name);
  return variables.sort((a, b) => {
    const [fa, pa] = key(a);
    const [fb, pb] = key(b);
    return fa - fb || pa - pb;
  });
}

/** Evaluates the few default expressions templates commonly use; anything else stays as written. */
function evaluateDefault(value: unknown, variables: Map<string, string>): string {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  const text = str(value);
  const varRef = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(text);
  if (varRef && variables.has(varRef[1]!)) return variables.get(varRef[1]!)!;
  const encoded = /^\$\{jsonencode\((.*)\)\}$/s.exec(text);
  if (encoded) {
    try {
      return JSON.stringify(JSON.parse(encoded[1]!));
    } catch {
      return text;
    }
  }
  return text;
}

/** Resolves `${var.x}` and `${local.x}` in a string when they name literal values; the rest stays as written. */
type Interpolate = (value: unknown) => string;

function interpolator(docs: Json[], variables: Map<string, string>): Interpolate {
  const locals = new Map<string, unknown>();
  for (const doc of docs)
    for (const block of (doc.locals as Json[] | undefined) ?? [])
      for (const [k, v] of Object.entries(block)) locals.set(k, v);
  const resolve = (text: string, depth: number): string =>
    text.replace(/\$\{(var|local)\.([A-Za-z0-9_-]+)\}/g, (whole, kind: string, name: string) => {
      if (depth > 5) return whole;
      const value = kind === "var" ? variables.get(name) : locals.get(name);
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      return typeof value === "string" ? resolve(value, depth + 1) : whole;
    });
  return (value) =>
    typeof value === "string" ? resolve(value, 0) : value === undefined ? "" : variableText(value);
}

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
      });
  }
  return resources;
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
