/**
 * The hashicorp/kubernetes provider's schema as `@cdktf/provider-kubernetes` ships it: the package is generated
 * from the provider's own schema, and its jsii assembly (`.jsii`, 47 MB of JSON) lists every resource's
 * configuration struct with each attribute and nested block, whether it is optional, and a link to the
 * registry docs whose anchor is the attribute's Terraform name. The checker walks hcl2json's output against it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const PACKAGE = "@cdktf/provider-kubernetes";

interface JsiiType {
  fqn: string;
  kind: string;
  datatype?: boolean;
  docs?: { summary?: string };
  initializer?: { parameters?: { name: string; type: JsiiTypeRef }[] };
  properties?: {
    name: string;
    optional?: boolean;
    type: JsiiTypeRef;
    docs?: { summary?: string; remarks?: string };
  }[];
}
interface JsiiTypeRef {
  fqn?: string;
  primitive?: string;
  collection?: { kind: string; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}

/** One attribute or nested block of a schema object. */
export interface SchemaField {
  kind: "attribute" | "block";
  required: boolean;
  /** A block that may appear at most once (cdktf types it as one struct, not a list). */
  single: boolean;
  /** The nested block's struct. */
  struct?: string;
}

/** The provider version the package was generated from, e.g. 2.38.0. */
export interface KubernetesSchema {
  providerVersion: string;
  /** The configuration struct of `resource "<type>"`. */
  resource(type: string): string | undefined;
  /** The configuration struct of `provider "kubernetes"`. */
  provider(): string;
  fields(struct: string): Map<string, SchemaField>;
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Loads the schema from the installed package (about a second: the assembly is large). */
export function loadKubernetesSchema(): KubernetesSchema {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve(`${PACKAGE}/package.json`));
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    cdktf?: { provider?: { name?: string; version?: string } };
  };
  const assembly = JSON.parse(readFileSync(join(dir, ".jsii"), "utf8")) as {
    types: Record<string, JsiiType>;
  };
  const types = assembly.types;
  const isStruct = (ref: JsiiTypeRef | undefined) =>
    ref?.fqn !== undefined && types[ref.fqn]?.kind === "interface" && types[ref.fqn]?.datatype === true;

  // "Represents a {@link https://registry.terraform.io/.../docs/resources/deployment_v1 kubernetes_deployment_v1}."
  const resources = new Map<string, string>();
  for (const type of Object.values(types)) {
    const match = /\/docs\/resources\/\S+ (kubernetes_[a-z0-9_]+)\}/.exec(type.docs?.summary ?? "");
    const config = type.initializer?.parameters?.find((p) => p.name === "config")?.type.fqn;
    if (type.kind === "class" && match && config) resources.set(match[1]!, config);
  }
  const providerConfig = `${PACKAGE}.provider.KubernetesProviderConfig`;
  if (!types[providerConfig]) throw new Error(`${providerConfig} is not in the assembly`);

  const cache = new Map<string, Map<string, SchemaField>>();
  const fields = (struct: string): Map<string, SchemaField> => {
    const known = cache.get(struct);
    if (known) return known;
    const type = types[struct];
    if (!type) throw new Error(`${struct} is not in the assembly`);
    const out = new Map<string, SchemaField>();
    for (const prop of type.properties ?? []) {
      const docs = `${prop.docs?.summary ?? ""} ${prop.docs?.remarks ?? ""}`;
      const name = /#([a-z0-9_]+) [A-Za-z0-9]+#\1\}/.exec(docs)?.[1] ?? snake(prop.name);
      const list = [prop.type, ...(prop.type.union?.types ?? [])].find(
        (t) => t.collection?.kind === "array" && isStruct(t.collection.elementtype),
      );
      const required = prop.optional !== true;
      if (isStruct(prop.type))
        out.set(name, { kind: "block", required, single: true, struct: prop.type.fqn! });
      else if (list)
        out.set(name, { kind: "block", required, single: false, struct: list.collection!.elementtype.fqn! });
      else out.set(name, { kind: "attribute", required, single: false });
    }
    cache.set(struct, out);
    return out;
  };

  return {
    providerVersion: pkg.cdktf?.provider?.version ?? "unknown",
    resource: (type) => resources.get(type),
    provider: () => providerConfig,
    fields,
  };
}

type Body = Record<string, unknown>;

const isBody = (v: unknown): v is Body => typeof v === "object" && v !== null && !Array.isArray(v);
const isBlockList = (v: unknown): v is Body[] => Array.isArray(v) && v.length > 0 && v.every(isBody);

/** Terraform's meta-arguments, allowed on every resource and checked by Terraform itself. */
const RESOURCE_META = new Set(["count", "for_each", "depends_on", "provider", "lifecycle"]);
const DYNAMIC_KEYS = new Set(["for_each", "iterator", "labels", "content"]);

/**
 * Every problem of one block body against a struct: unknown names, a block written as an attribute or the other
 * way round, a single block given twice, a required attribute or block missing. `dynamic "x"` blocks are checked
 * as the block `x` with their `content`.
 */
export function schemaProblems(
  schema: KubernetesSchema,
  struct: string,
  body: Body,
  path: string,
  meta: Set<string> = new Set(),
): string[] {
  const fields = schema.fields(struct);
  const problems: string[] = [];
  const dynamic = isBody(body.dynamic) ? body.dynamic : {};
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key) || key === "dynamic") continue;
    const field = fields.get(key);
    if (!field) {
      problems.push(`${path}.${key}: not an attribute or block of ${struct.split(".").pop()}`);
    } else if (field.kind === "attribute") {
      if (isBlockList(value))
        problems.push(`${path}.${key}: an attribute, written as a block (use ${key} = ...)`);
    } else if (!isBlockList(value)) {
      problems.push(`${path}.${key}: a block, written as an attribute (use ${key} { ... })`);
    } else {
      if (field.single && value.length > 1)
        problems.push(`${path}.${key}: at most one block, found ${value.length}`);
      value.forEach((child, i) => {
        problems.push(...schemaProblems(schema, field.struct!, child, `${path}.${key}[${i}]`));
      });
    }
  }
  for (const [key, entries] of Object.entries(dynamic)) {
    const field = fields.get(key);
    if (field?.kind !== "block") {
      problems.push(`${path}.dynamic.${key}: not a nested block of ${struct.split(".").pop()}`);
      continue;
    }
    for (const [i, entry] of (entries as Body[]).entries()) {
      const where = `${path}.dynamic.${key}[${i}]`;
      for (const k of Object.keys(entry))
        if (!DYNAMIC_KEYS.has(k)) problems.push(`${where}.${k}: not allowed in dynamic`);
      const content = (entry.content as Body[] | undefined)?.[0];
      if (content) problems.push(...schemaProblems(schema, field.struct!, content, `${where}.content`));
      else problems.push(`${where}: has no content block`);
    }
  }
  for (const [key, field] of fields) {
    if (field.required && !(key in body) && !(key in dynamic))
      problems.push(`${path}.${key}: required, missing`);
  }
  return problems;
}

/** {@link schemaProblems} for a top-level `resource` body, whose meta-arguments Terraform owns. */
export function resourceProblems(schema: KubernetesSchema, type: string, body: Body, path: string): string[] {
  const struct = schema.resource(type);
  if (!struct)
    return [`${path}: ${type} is not a resource of hashicorp/kubernetes ${schema.providerVersion}`];
  return schemaProblems(schema, struct, body, path, RESOURCE_META);
}
