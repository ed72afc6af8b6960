/**
 * The fleet declaration (`fleet.yaml`, or the same as JSON): defaults at the top, one entry per workspace under
 * `workspaces`. Every problem is reported at once, each with the line it is on, before anything is sent.
 */
import { dirname, resolve } from "node:path";
import type { FleetSpec } from "@spt-coder/sdk";
import type { Document, LineCounter, Node, Pair, Scalar, YAMLMap } from "yaml";
import { UsageError } from "./errors.js";
import { readInputFile } from "./input-file.js";
import { hasTerraformFiles } from "./template-dir.js";

/** A declaration read and checked. */
export interface FleetFile {
  /** The fleet's name, if given; `<name>-` is the default prune prefix. */
  name: string | undefined;
  /** `prune_prefix`, if given. */
  prunePrefix: string | undefined;
  specs: FleetSpec[];
}

const ITEM_KEYS = ["name", "template", "template_dir", "preset", "parameters", "variables", "owner"];
const TOP_KEYS = ["name", "prune_prefix", "workspaces", ...ITEM_KEYS.filter((k) => k !== "name")];

interface Problem {
  line: number;
  where: string;
  message: string;
  /** A YAML syntax error: its column, and the parser's excerpt of the lines around it with a caret. */
  syntax?: { column: number; excerpt: string[] };
}

type YamlModule = typeof import("yaml");

/** Reads and checks `path`; throws a {@link UsageError} listing every problem with its line. */
export async function readFleetFile(
  path: string,
  nameProblem: (name: string) => string | undefined,
): Promise<FleetFile> {
  const text = await readInputFile(path, {
    flag: "-f",
    expected: "a fleet declaration in YAML or JSON",
    suggestion: "Give the path of a fleet declaration (YAML or JSON), e.g. -f fleet.yaml.",
  });
  // yaml is CommonJS: from a code-split bundle its exports arrive on `default`.
  const imported = (await import("yaml")) as Partial<YamlModule> & { default?: YamlModule };
  const yaml = (imported.parseDocument ? imported : imported.default) as YamlModule;
  const lines = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map(syntaxProblem);
  const reader = new Reader(yaml, lines, problems, dirname(resolve(path)), nameProblem);
  const file = problems.length === 0 ? reader.file(doc) : undefined;
  if (problems.length > 0 || !file) {
    const shown = problems.sort((a, b) => a.line - b.line).map((p) => problemText(path, p));
    const suggestion = problems.some((p) => p.syntax)
      ? "The file is not valid YAML there: indent with spaces (never tabs), and close every {, [ and quote. `spt-coder fleet apply --help` shows a declaration."
      : "Fix each line shown; `spt-coder fleet apply --help` shows a declaration and its keys.";
    throw new UsageError(
      `${path} is not a valid fleet declaration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${shown.join("\n")}`,
      { suggestion },
    );
  }
  return file;
}

/**
 * A parser error as `line:column: what`, with the excerpt the parser draws under it. Its message says
 * "… at line 6, column 3:" and then the excerpt: the position moves to the front, the excerpt below.
 */
function syntaxProblem(error: {
  message: string;
  linePos?: [{ line: number; col: number }, ...unknown[]];
}): Problem {
  const [first = "", ...rest] = error.message.split("\n");
  const at = error.linePos?.[0];
  return {
    line: at?.line ?? 1,
    where: "",
    message: first.replace(/ at line \d+, column \d+:?$/, ""),
    syntax: { column: at?.col ?? 1, excerpt: rest.filter((l) => l.trim() !== "") },
  };
}

function problemText(path: string, p: Problem): string {
  if (p.syntax) {
    const excerpt = p.syntax.excerpt.map((l) => `\n    ${l}`).join("");
    return `  ${path}:${p.line}:${p.syntax.column}: YAML syntax: ${p.message}${excerpt}`;
  }
  return `  ${path}:${p.line}: ${p.where ? `${p.where}: ` : ""}${p.message}`;
}

/** Walks the document, noting problems instead of stopping at the first. */
class Reader {
  constructor(
    private readonly yaml: YamlModule,
    private readonly lines: LineCounter,
    private readonly problems: Problem[],
    private readonly base: string,
    private readonly nameProblem: (name: string) => string | undefined,
  ) {}

  file(doc: Document): FleetFile | undefined {
    const root = doc.contents;
    if (!this.yaml.isMap(root)) {
      this.note(root, "", "the file must be a map with a `workspaces` list");
      return undefined;
    }
    const top = this.map(root, TOP_KEYS, "");
    const defaults = this.item(top, "", undefined);
    const list = top.get("workspaces");
    if (!list) {
      this.note(root, "", "`workspaces` is missing: list the workspaces under it");
      return undefined;
    }
    if (!this.yaml.isSeq(list)) {
      this.note(list, "workspaces", "must be a list of workspaces");
      return undefined;
    }
    const specs: FleetSpec[] = [];
    for (const [i, entry] of list.items.entries()) {
      const where = `workspaces[${i}]`;
      if (!this.yaml.isMap(entry)) {
        this.note(entry as Node, where, "must be a map with at least `name`");
        continue;
      }
      const item = this.item(this.map(entry, ITEM_KEYS, where), where, entry);
      if (item) specs.push(merge(defaults ?? { workspace: "" }, item));
    }
    const name = this.string(top.get("name"), "name");
    if (name !== undefined) this.checkName(top.get("name"), "name", name);
    return { name, prunePrefix: this.string(top.get("prune_prefix"), "prune_prefix"), specs };
  }

  /** The keys of a map (unknown keys noted). */
  private map(node: YAMLMap, allowed: string[], where: string): Map<string, Node> {
    const out = new Map<string, Node>();
    for (const pair of node.items as Pair<Node, Node>[]) {
      const key = this.yaml.isScalar(pair.key) ? String(pair.key.value) : "";
      const at = where ? `${where}.${key}` : key;
      if (!allowed.includes(key)) {
        this.note(pair.key, at, `unknown key; use one of: ${allowed.join(", ")}`);
        continue;
      }
      out.set(key, pair.value ?? (pair.key as Node));
    }
    return out;
  }

  /** One workspace entry (`entry`), or the file's defaults when there is no entry. */
  private item(keys: Map<string, Node>, where: string, entry: Node | undefined): FleetSpec | undefined {
    const at = (key: string) => (where ? `${where}.${key}` : key);
    const name = entry ? this.string(keys.get("name"), at("name")) : undefined;
    if (entry && !keys.has("name")) {
      this.note(entry, where, "`name` is missing");
      return undefined;
    }
    if (name !== undefined) this.checkName(keys.get("name"), at("name"), name);
    const template = this.string(keys.get("template"), at("template"));
    if (template !== undefined) this.checkName(keys.get("template"), at("template"), template);
    const dir = this.string(keys.get("template_dir"), at("template_dir"));
    const templateDir = dir === undefined ? undefined : resolve(this.base, dir);
    if (templateDir && !hasTerraformFiles(templateDir))
      this.note(keys.get("template_dir"), at("template_dir"), `${templateDir} has no .tf or .tf.json files`);
    return {
      workspace: name ?? "",
      template,
      templateDir,
      preset: this.string(keys.get("preset"), at("preset")),
      owner: this.string(keys.get("owner"), at("owner")),
      parameters: this.values(keys.get("parameters"), at("parameters")),
      variables: this.values(keys.get("variables"), at("variables")),
    };
  }

  private string(node: Node | undefined, where: string): string | undefined {
    if (node === undefined) return undefined;
    if (this.yaml.isScalar(node) && (typeof node.value === "string" || typeof node.value === "number"))
      return String(node.value);
    this.note(node, where, "must be a string");
    return undefined;
  }

  /** A map of names to scalar values (lists become JSON arrays, as `--param-file` does). */
  private values(node: Node | undefined, where: string): Record<string, string> | undefined {
    if (node === undefined) return undefined;
    if (!this.yaml.isMap(node)) {
      this.note(node, where, "must be a map of names to values");
      return undefined;
    }
    // Entries, then fromEntries: an assignment would drop a `__proto__` name, which must be refused as unknown.
    const out: [string, string][] = [];
    for (const pair of node.items as Pair<Scalar, Node>[]) {
      const key = String(pair.key?.value ?? "");
      const value = pair.value?.toJSON?.() ?? null;
      if (["string", "number", "boolean"].includes(typeof value)) out.push([key, String(value)]);
      else if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object"))
        out.push([key, JSON.stringify(value.map((v) => (v === null ? "" : String(v))))]);
      else
        this.note(
          pair.value ?? pair.key,
          `${where}.${key}`,
          "use a string, number, boolean or a list of them",
        );
    }
    return Object.fromEntries(out);
  }

  private checkName(node: Node | undefined, where: string, name: string) {
    const problem = this.nameProblem(name);
    if (problem) this.note(node, where, `"${name}" is not a valid name: ${problem}`);
  }

  private note(node: Node | undefined | null, where: string, message: string) {
    const offset = node?.range?.[0] ?? 0;
    this.problems.push({ line: this.lines.linePos(offset).line, where, message });
  }
}

/** A workspace entry over the file's defaults; parameter and variable maps are merged key by key. */
function merge(defaults: FleetSpec, item: FleetSpec): FleetSpec {
  const pick = <K extends keyof FleetSpec>(key: K) => item[key] ?? defaults[key];
  return {
    workspace: item.workspace,
    template: pick("template"),
    templateDir: pick("templateDir"),
    preset: pick("preset"),
    owner: pick("owner"),
    parameters: { ...defaults.parameters, ...item.parameters },
    variables: { ...defaults.variables, ...item.variables },
  };
}
