// Compares our hand-written OpenAPI 3.1 contract with upstream's Swagger 2.0 document and lists
// every difference as `kind location`. The contract test requires each one to be explained in
// openapi/DIFFERENCES.md (and each entry there to still match a difference).
//
// Only what we describe is compared: upstream operations, properties and parameters we leave
// out are not differences (an SDK may use a subset), but anything we add or type differently is.

/** A JSON-schema-ish node, loose enough for both OpenAPI 3.1 and Swagger 2.0. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  items?: SchemaNode;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
}

interface ParameterNode extends SchemaNode {
  $ref?: string;
  name: string;
  in: string;
  schema?: SchemaNode;
}

interface MediaNode {
  schema?: SchemaNode;
}

interface ResponseNode {
  $ref?: string;
  schema?: SchemaNode;
  content?: Record<string, MediaNode>;
}

interface OperationNode {
  parameters?: ParameterNode[];
  requestBody?: { content?: Record<string, MediaNode> };
  responses?: Record<string, ResponseNode>;
  security?: Record<string, string[]>[];
  consumes?: string[];
}

type PathItem = Record<string, OperationNode | ParameterNode[]>;

/** The parts of our OpenAPI 3.1 document the comparison reads. */
export interface OpenApiDoc {
  paths: Record<string, PathItem>;
  security?: Record<string, string[]>[];
  components: {
    schemas: Record<string, SchemaNode>;
    parameters?: Record<string, ParameterNode>;
    responses?: Record<string, ResponseNode>;
  };
}

/** The parts of upstream's Swagger 2.0 document the comparison reads. */
export interface SwaggerDoc {
  paths: Record<string, PathItem>;
  definitions: Record<string, SchemaNode>;
}

/** One difference found: `kind` and `location` must match a DIFFERENCES.md row. */
export interface Difference {
  kind: string;
  location: string;
  detail: string;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

/**
 * Our schema names are upstream's Go type names without `codersdk.`; Go generics are the
 * exception, because swaggo spells an instantiation `Name-codersdk_Arg`.
 */
export const UPSTREAM_NAME_OVERRIDES: Readonly<Record<string, string>> = {
  RegionsResponse: "codersdk.RegionsResponse-codersdk_Region",
};

const upstreamToOurName = new Map(Object.entries(UPSTREAM_NAME_OVERRIDES).map(([ours, up]) => [up, ours]));

interface Shape {
  /** Type signature without nullability, e.g. `string:uuid`, `array<ref:Workspace>`, `map<string>`. */
  sig: string;
  nullable: boolean;
  /** Enum values, of the node or (for arrays) of its items; `inline` when not only inherited from a named type. */
  enumeration?: { values: string[]; inline: boolean; items: boolean };
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

function primitiveSig(node: SchemaNode, type: string): string {
  // Integer and number formats are ignored: swaggo rarely emits them and they do not change the JSON type.
  if (type === "string" && node.format) return `string:${node.format}`;
  return type;
}

const isNamedPrimitive = (node: SchemaNode | undefined) =>
  node !== undefined && !node.properties && typeof node.type === "string" && node.type !== "object";

const enumValues = (values: unknown[]) => values.filter((v) => v !== null).map((v) => String(v));

/** Shape of a node in OUR document (OpenAPI 3.1: `type` arrays, `oneOf` with `null`). */
export function ourShape(node: SchemaNode, schemas: Record<string, SchemaNode>): Shape {
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives) {
    const nonNull = alternatives.filter((alt) => alt.type !== "null");
    if (nonNull.length === 1 && nonNull[0]) {
      return { ...ourShape(nonNull[0], schemas), nullable: nonNull.length < alternatives.length };
    }
    return {
      sig: `oneOf(${alternatives.map((alt) => ourShape(alt, schemas).sig).join(",")})`,
      nullable: false,
    };
  }
  if (node.$ref) {
    const name = refName(node.$ref);
    const target = schemas[name];
    if (target && isNamedPrimitive(target)) {
      const shape = ourShape(target, schemas);
      return { ...shape, enumeration: shape.enumeration && { ...shape.enumeration, inline: false } };
    }
    return { sig: `ref:${name}`, nullable: false };
  }
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  const nullable = types.includes("null");
  const type = types.find((t) => t !== "null");
  if (type === "array") {
    const items = ourShape(node.items ?? {}, schemas);
    return {
      sig: `array<${items.sig}>`,
      nullable,
      enumeration: items.enumeration && { ...items.enumeration, items: true },
    };
  }
  if (type === "object" || (!type && node.properties)) {
    const extra = node.additionalProperties;
    if (extra && typeof extra === "object") return { sig: `map<${ourShape(extra, schemas).sig}>`, nullable };
    return { sig: "object", nullable };
  }
  if (!type) return { sig: "any", nullable };
  const enumeration = node.enum ? { values: enumValues(node.enum), inline: true, items: false } : undefined;
  return { sig: primitiveSig(node, type), nullable, enumeration };
}

/** Shape of a node in UPSTREAM's document (Swagger 2.0: `allOf` wrappers, sibling `enum`s). */
export function upstreamShape(node: SchemaNode, definitions: Record<string, SchemaNode>): Shape {
  const own = node.enum ? enumValues(node.enum) : undefined;
  const wrapped = node.allOf?.length === 1 ? node.allOf[0] : undefined;
  const ref = node.$ref ?? wrapped?.$ref;
  if (ref) {
    const name = refName(ref);
    const target = definitions[name];
    if (target && isNamedPrimitive(target)) {
      const shape = upstreamShape(target, definitions);
      const inherited = shape.enumeration?.values;
      const values = own ?? inherited;
      return {
        sig: shape.sig,
        nullable: false,
        enumeration: values && { values, inline: own !== undefined, items: false },
      };
    }
    const plain = name.startsWith("codersdk.") ? name.slice("codersdk.".length) : name;
    return { sig: `ref:${upstreamToOurName.get(name) ?? plain}`, nullable: false };
  }
  const type = typeof node.type === "string" ? node.type : undefined;
  if (type === "array") {
    const items = upstreamShape(node.items ?? {}, definitions);
    return {
      sig: `array<${items.sig}>`,
      nullable: false,
      enumeration: items.enumeration && { ...items.enumeration, items: true },
    };
  }
  if (type === "object" || (!type && node.properties)) {
    const extra = node.additionalProperties;
    if (extra && typeof extra === "object") {
      return { sig: `map<${upstreamShape(extra, definitions).sig}>`, nullable: false };
    }
    return { sig: "object", nullable: false };
  }
  if (!type) return { sig: "any", nullable: false };
  return {
    sig: primitiveSig(node, type),
    nullable: false,
    enumeration: own && { values: own, inline: true, items: false },
  };
}

const normalisePath = (path: string) => path.replace(/\{[^}]+\}/g, "{}");
const pathParamNames = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");

function operationsOf(paths: Record<string, PathItem>) {
  const out: { method: string; path: string; op: OperationNode; shared: ParameterNode[] }[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const shared = (item.parameters as ParameterNode[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as OperationNode | undefined;
      if (op) out.push({ method, path, op, shared });
    }
  }
  return out;
}

function compareEnums(
  at: string,
  ours: Shape["enumeration"],
  theirs: Shape["enumeration"],
  add: (kind: string, location: string, detail: string) => void,
) {
  if (!ours || !theirs) return;
  const where = ours.items || theirs.items ? `${at}[]` : at;
  const show = (v: string) => (v === "" ? '""' : v);
  for (const value of ours.values) {
    if (!theirs.values.includes(value))
      add("enum-extra", `${where} ${show(value)}`, "value not in upstream's enum");
  }
  for (const value of theirs.values) {
    if (!ours.values.includes(value))
      add("enum-omitted", `${where} ${show(value)}`, "upstream value we leave out");
  }
}

/** Every difference between our contract and upstream's Swagger document. */
export function diffAgainstUpstream(ours: OpenApiDoc, upstream: SwaggerDoc): Difference[] {
  const found = new Map<string, Difference>();
  const add = (kind: string, location: string, detail: string) => {
    found.set(`${kind} ${location}`, { kind, location, detail });
  };
  const schemas = ours.components.schemas;
  const defs = upstream.definitions;
  const mine = (node: SchemaNode) => ourShape(node, schemas);
  const theirs = (node: SchemaNode) => upstreamShape(node, defs);
  const resolveParam = (p: ParameterNode) =>
    p.$ref ? (ours.components.parameters?.[refName(p.$ref)] ?? p) : p;
  const resolveResponse = (r: ResponseNode) =>
    r.$ref ? (ours.components.responses?.[refName(r.$ref)] ?? r) : r;

  const upstreamOps = new Map(
    operationsOf(upstream.paths).map((o) => [`${o.method} ${normalisePath(o.path)}`, o]),
  );

  for (const { method, path, op, shared } of operationsOf(ours.paths)) {
    const at = `${method.toUpperCase()} ${path}`;
    const match = upstreamOps.get(`${method} ${normalisePath(path)}`);
    if (!match) {
      add("operation-extra", at, "no upstream operation with this method and path");
      continue;
    }
    const up = match.op;

    // Parameters: path ones by position, query and header ones by name.
    const ourParams = [...shared, ...(op.parameters ?? [])].map(resolveParam);
    const upParams = up.parameters ?? [];
    const ourPathNames = pathParamNames(path);
    const upPathNames = pathParamNames(match.path);
    ourPathNames.forEach((name, i) => {
      const mineP = ourParams.find((p) => p.in === "path" && p.name === name);
      const theirP = upParams.find((p) => p.in === "path" && p.name === upPathNames[i]);
      if (!mineP?.schema || !theirP) return;
      const a = mine(mineP.schema);
      const b = theirs(theirP);
      if (a.sig !== b.sig) add("parameter-type", `${at} path.${name}`, `ours ${a.sig}, upstream ${b.sig}`);
    });
    for (const where of ["query", "header"]) {
      const ourNamed = ourParams.filter((p) => p.in === where);
      const upNamed = upParams.filter((p) => p.in === where);
      for (const p of ourNamed) {
        const other = upNamed.find((u) => u.name === p.name);
        const loc = `${at} ${where}.${p.name}`;
        if (!other) {
          add("parameter-extra", loc, "upstream does not document this parameter");
          continue;
        }
        const a = mine(p.schema ?? {});
        const b = theirs(other);
        if (a.sig !== b.sig) add("parameter-type", loc, `ours ${a.sig}, upstream ${b.sig}`);
        else compareEnums(loc, a.enumeration, b.enumeration, add);
      }
      for (const u of upNamed) {
        if (!ourNamed.some((p) => p.name === u.name)) {
          add("parameter-omitted", `${at} ${where}.${u.name}`, "upstream parameter we leave out");
        }
      }
    }

    // Request body, as `media=shape` pairs.
    const ourBody = Object.entries(op.requestBody?.content ?? {})
      .map(([media, m]) => `${media}=${m.schema ? mine(m.schema).sig : "-"}`)
      .sort()
      .join(" ");
    const consumes = up.consumes ?? ["application/json"];
    const bodyParam = upParams.find((p) => p.in === "body");
    const formParams = upParams.filter((p) => p.in === "formData");
    const upBodyShape = bodyParam?.schema
      ? theirs(bodyParam.schema).sig
      : formParams.length > 0
        ? `form(${formParams.map((p) => `${p.name}:${theirs(p).sig}`).join(",")})`
        : undefined;
    const upBody = upBodyShape
      ? consumes
          .map((media) => `${media}=${upBodyShape}`)
          .sort()
          .join(" ")
      : "";
    if (ourBody !== upBody) {
      add("request-body", `${at} requestBody`, `ours [${ourBody}], upstream [${upBody}]`);
    }

    // Statuses, and the JSON shape of statuses both declare.
    const ourResponses = op.responses ?? {};
    const upResponses = up.responses ?? {};
    for (const [code, raw] of Object.entries(ourResponses)) {
      if (code === "default") continue;
      const upResponse = upResponses[code];
      if (!upResponse) {
        add("status-extra", `${at} ${code}`, "upstream does not document this status");
        continue;
      }
      const json = resolveResponse(raw).content?.["application/json"]?.schema;
      const a = json ? mine(json) : undefined;
      const b = upResponse.schema ? theirs(upResponse.schema) : undefined;
      const ourSig = a ? `${a.sig}${a.nullable ? "|null" : ""}` : "-";
      const upSig = b ? b.sig : "-";
      if (ourSig !== upSig) add("response-type", `${at} ${code}`, `ours ${ourSig}, upstream ${upSig}`);
    }
    for (const code of Object.keys(upResponses)) {
      if (code !== "default" && !(code in ourResponses)) {
        add("status-omitted", `${at} ${code}`, "upstream status we do not declare");
      }
    }

    // Authentication required or not.
    const ourSecurity = op.security ?? ours.security ?? [];
    const ourAuth = ourSecurity.some((req) => Object.keys(req).length > 0);
    const upAuth = (up.security ?? []).some((req) => Object.keys(req).length > 0);
    if (ourAuth !== upAuth) {
      add(
        "security",
        at,
        `ours ${ourAuth ? "needs" : "needs no"} session, upstream ${upAuth ? "needs" : "needs no"} one`,
      );
    }
  }

  for (const [name, schema] of Object.entries(schemas)) {
    const upName = UPSTREAM_NAME_OVERRIDES[name] ?? `codersdk.${name}`;
    const upSchema = defs[upName];
    if (!upSchema) {
      add("schema-extra", name, `no upstream definition ${upName}`);
      continue;
    }
    if (isNamedPrimitive(schema)) {
      compareEnums(name, mine(schema).enumeration, theirs(upSchema).enumeration, add);
      continue;
    }
    for (const [prop, node] of Object.entries(schema.properties ?? {})) {
      const at = `${name}.${prop}`;
      const upProp = upSchema.properties?.[prop];
      if (!upProp) {
        add("property-extra", at, "upstream does not have this property");
        continue;
      }
      const a = mine(node);
      const b = theirs(upProp);
      if (a.sig !== b.sig) {
        add("property-type", at, `ours ${a.sig}${a.nullable ? "|null" : ""}, upstream ${b.sig}`);
        continue;
      }
      if (a.nullable !== b.nullable) add("property-nullable", at, "ours may be null, upstream never says so");
      // Named enum types are compared once, at the schema; here only where either side restricts inline.
      if (a.enumeration?.inline || b.enumeration?.inline) compareEnums(at, a.enumeration, b.enumeration, add);
    }
  }

  return [...found.values()].sort((x, y) =>
    `${x.kind} ${x.location}`.localeCompare(`${y.kind} ${y.location}`),
  );
}

/** One row of openapi/DIFFERENCES.md. */
export interface ListedDifference {
  kind: string;
  location: string;
  reason: string;
  line: number;
}

/** Reads the `| kind | location | reason |` rows of DIFFERENCES.md (header and separator rows skipped). */
export function parseDifferences(markdown: string): ListedDifference[] {
  const rows: ListedDifference[] = [];
  markdown.split("\n").forEach((text, index) => {
    // Cells are split on unescaped pipes, so a reason may write `\|`.
    const cells = text
      .trim()
      .match(/^\|(.*)\|$/)?.[1]
      ?.split(/(?<!\\)\|/);
    if (cells?.length !== 3) return;
    const [kind, location, reason] = cells.map((cell) =>
      cell.trim().replaceAll("\\|", "|").replace(/^`|`$/g, ""),
    );
    if (!kind || !location || kind === "kind" || /^-+$/.test(kind)) return;
    rows.push({ kind, location, reason: reason ?? "", line: index + 1 });
  });
  return rows;
}
