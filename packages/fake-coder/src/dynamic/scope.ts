/**
 * The names a template's expressions see while parameters render: `data.coder_parameter.*`,
 * `data.coder_workspace_owner.*`, `data.coder_workspace.*`, `data.coder_provisioner.*`, `local.*` and `var.*`.
 * Everything is resolved lazily and memoised, as Terraform's graph would order it.
 */
import {
  evaluateRaw,
  memo,
  Namespace,
  type Scope,
  UnsupportedConstruct,
  type Value,
} from "../expressions/index.js";
import { blocks } from "../hcl.js";

type Json = Record<string, unknown>;

/** The owner's data as `data.coder_workspace_owner` exposes it. */
export interface OwnerData {
  id: string;
  name: string;
  full_name: string;
  email: string;
  groups: string[];
}

/** The workspace as `data.coder_workspace` exposes it (a preview has no workspace yet: empty name). */
export interface WorkspaceData {
  id: string;
  name: string;
  transition: "start" | "stop" | "delete";
}

/** What the scope needs from the caller: the parameter namespace is built by the renderer. */
export interface ScopeInput {
  docs: Json[];
  variables: Map<string, string>;
  owner: OwnerData;
  workspace: WorkspaceData;
  parameter: (label: string) => Value | undefined;
  parameterLabels: string[];
}

function variableValue(text: string, body: Json | undefined): Value {
  const type = typeof body?.type === "string" ? body.type.replace(/^\$\{(.*)\}$/, "$1") : "string";
  if (type === "string") return text;
  try {
    return JSON.parse(text) as Value;
  } catch {
    return text;
  }
}

/** Builds the root scope. Unknown data sources are refused by name rather than guessed. */
export function rootScope(input: ScopeInput): Scope {
  const localExprs = new Map<string, unknown>();
  for (const doc of input.docs)
    for (const block of (doc.locals as Json[] | undefined) ?? [])
      for (const [k, v] of Object.entries(block)) localExprs.set(k, v);
  const localCache = new Map<string, () => Value>();
  const variableBodies = new Map(blocks(input.docs, "variable"));
  let scope: Scope = () => undefined;

  const local = new Namespace(
    "local",
    (name) => {
      if (!localExprs.has(name)) return undefined;
      let get = localCache.get(name);
      if (!get) {
        get = memo(`local.${name}`, () => evaluateRaw(localExprs.get(name), scope));
        localCache.set(name, get);
      }
      return get();
    },
    () => [...localExprs.keys()],
    "local value",
  );
  const variable = new Namespace(
    "var",
    (name) => {
      const text = input.variables.get(name);
      return text === undefined ? undefined : variableValue(text, variableBodies.get(name));
    },
    () => [...input.variables.keys()],
    "input variable",
  );
  const declared = (type: string) =>
    input.docs.flatMap((d) => Object.keys(((d.data as Json | undefined)?.[type] as Json | undefined) ?? {}));
  const fixed = (type: string, value: Value) =>
    new Namespace(
      `data.${type}`,
      (label) => (declared(type).includes(label) ? value : undefined),
      () => declared(type),
    );
  const owner = input.owner;
  const data = new Namespace(
    "data",
    (type) => {
      switch (type) {
        case "coder_parameter":
          return new Namespace("data.coder_parameter", input.parameter, () => input.parameterLabels);
        case "coder_workspace_owner":
          return fixed(type, { ...owner, groups: owner.groups, rbac_roles: [], login_type: "password" });
        case "coder_workspace":
          return fixed(type, {
            ...input.workspace,
            start_count: input.workspace.transition === "start" ? 1 : 0,
          });
        case "coder_provisioner":
          return fixed(type, { id: "", os: "linux", arch: "amd64" });
        default:
          if (declared(type).length > 0) throw new UnsupportedConstruct(`The data source "${type}"`);
          return undefined;
      }
    },
    () => ["coder_parameter", "coder_workspace_owner", "coder_workspace", "coder_provisioner"],
  );
  scope = (name) =>
    name === "data" ? data : name === "local" ? local : name === "var" ? variable : undefined;
  return scope;
}
