// Checks responses against openapi/coder.yaml, so tests can verify that the fake Coder server
// only says what the real one would (status, content type and JSON body shape).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";

/** Where the contract lives in this repository. */
export const CONTRACT_PATH = fileURLToPath(new URL("../../openapi/coder.yaml", import.meta.url));

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;
// Schemas are registered under this id and every `#/components/schemas/X` is rewritten to point into it.
const COMPONENTS_ID = "https://spt-coder.invalid/openapi/coder.yaml";

type Json = Record<string, unknown>;

interface MediaType {
  schema?: Json;
}

interface ResponseObject {
  $ref?: string;
  headers?: Record<string, { $ref?: string; required?: boolean }>;
  content?: Record<string, MediaType>;
}

interface Operation {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}

/** The parts of the contract document this module reads. */
export interface ContractDocument {
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, Json>;
    responses?: Record<string, ResponseObject>;
    headers?: Record<string, { required?: boolean }>;
  };
}

/** A request path resolved to one operation of the contract. */
export interface MatchedOperation {
  method: string;
  /** The templated path, e.g. `/api/v2/templateversions/{templateversion}/logs`. */
  template: string;
  operationId: string;
  /** Path parameters, decoded. */
  params: Record<string, string>;
}

/** A response as observed, to be checked against the contract. */
export interface ObservedResponse {
  method: string;
  /** The concrete request path; a query string is ignored. */
  path: string;
  status: number;
  /** The `Content-Type` header as sent, parameters included; absent for an empty body. */
  contentType?: string | null;
  /** Parsed JSON, or the raw text (JSON text is parsed before validation). */
  body?: unknown;
  /** When given, headers the contract marks required (X-Coder-Build-Version) must be present. */
  headers?: Headers | Record<string, string | undefined>;
}

/** Validates observed responses against openapi/coder.yaml. */
export interface ContractValidator {
  /** Problems with the response; `[]` when it is what the contract allows. */
  validateResponse(response: ObservedResponse): string[];
  /** The operation a concrete request path belongs to; literal segments win over parameters. */
  matchOperation(method: string, path: string): MatchedOperation | undefined;
}

/** Reads and parses the contract. */
export function loadContract(yamlPath: string = CONTRACT_PATH): ContractDocument {
  return parse(readFileSync(yamlPath, "utf8")) as ContractDocument;
}

interface Route {
  method: string;
  template: string;
  segments: string[];
  operation: Operation;
}

const splitPath = (path: string) => (path.split(/[?#]/, 1)[0] ?? "").split("/");
const isParam = (segment: string) => /^\{[^}]+\}$/.test(segment);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function routesOf(doc: ContractDocument): Route[] {
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation) routes.push({ method, template, segments: splitPath(template), operation });
    }
  }
  return routes;
}

/** -1 when `a` is the more specific route: the first segment where one is literal and the other a parameter decides. */
function bySpecificity(a: Route, b: Route): number {
  for (let i = 0; i < a.segments.length; i++) {
    const literalA = !isParam(a.segments[i] ?? "");
    const literalB = !isParam(b.segments[i] ?? "");
    if (literalA !== literalB) return literalA ? -1 : 1;
  }
  return 0;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      key === "$ref" && typeof inner === "string" && inner.startsWith("#/components/schemas/")
        ? `${COMPONENTS_ID}#/$defs/${inner.slice("#/components/schemas/".length)}`
        : rewriteRefs(inner);
  }
  return out;
}

const mediaTypeOf = (contentType: string) => contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
const isJsonMedia = (media: string) => media === "application/json" || media.endsWith("+json");
const isEmptyBody = (body: unknown) => body === undefined || body === null || body === "";

function headerValue(headers: ObservedResponse["headers"], name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || "(body)";
  const extra =
    error.keyword === "enum"
      ? ` ${JSON.stringify(error.params.allowedValues)}`
      : error.keyword === "additionalProperties"
        ? ` (${String(error.params.additionalProperty)})`
        : "";
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

// ajv-formats is CommonJS: its default import is `module.exports`, which carries the plugin as `.default` too.
const addFormats = addFormatsModule.default;

function createAjv(doc: ContractDocument): Ajv2020 {
  // Strict mode also catches contract mistakes, e.g. a `required` name with no property behind it.
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  // Keywords OpenAPI allows in schemas that JSON Schema 2020-12 does not define.
  ajv.addVocabulary(["example", "xml", "externalDocs", "discriminator"]);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(doc.components.schemas) as Json });
  return ajv;
}

/** Compiles every component schema of the contract; returns the errors (strict mode), `[]` when all compile. */
export function contractSchemaProblems(yamlPath: string = CONTRACT_PATH): string[] {
  const doc = loadContract(yamlPath);
  const ajv = createAjv(doc);
  const problems: string[] = [];
  for (const name of Object.keys(doc.components.schemas)) {
    try {
      ajv.getSchema(`${COMPONENTS_ID}#/$defs/${name}`);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

let shared: ContractValidator | undefined;

/**
 * The validator of openapi/coder.yaml, built once per worker: setup files run again for every test file, but this
 * module is loaded once per worker (vitest.config.ts: `isolate: false`), and parsing and compiling the contract
 * costs about a fifth of a second of CPU each time.
 */
export function sharedContractValidator(): ContractValidator {
  shared ??= createContractValidator();
  return shared;
}

/** Builds a validator for the contract at `yamlPath` (openapi/coder.yaml by default). Schemas compile lazily. */
export function createContractValidator(yamlPath: string = CONTRACT_PATH): ContractValidator {
  const doc = loadContract(yamlPath);
  const routes = routesOf(doc);
  const compiled = new Map<string, ValidateFunction>();
  let ajv: Ajv2020 | undefined;
  const getAjv = () => {
    ajv ??= createAjv(doc);
    return ajv;
  };

  const validatorFor = (key: string, schema: Json) => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = getAjv().compile(rewriteRefs(schema) as Json);
      compiled.set(key, validate);
    }
    return validate;
  };

  const deref = (response: ResponseObject): ResponseObject => {
    const name = response.$ref?.slice("#/components/responses/".length);
    return name ? (doc.components.responses?.[name] ?? response) : response;
  };

  const matchOperation = (method: string, path: string): MatchedOperation | undefined => {
    const wanted = method.toLowerCase();
    const segments = splitPath(path);
    const candidates = routes.filter(
      (route) =>
        route.method === wanted &&
        route.segments.length === segments.length &&
        route.segments.every((s, i) => isParam(s) || s === segments[i]),
    );
    const best = candidates.sort(bySpecificity)[0];
    if (!best) return undefined;
    const params: Record<string, string> = {};
    best.segments.forEach((s, i) => {
      if (isParam(s)) params[s.slice(1, -1)] = decode(segments[i] ?? "");
    });
    return {
      method: wanted.toUpperCase(),
      template: best.template,
      operationId: best.operation.operationId ?? `${wanted} ${best.template}`,
      params,
    };
  };

  const validateResponse = (observed: ObservedResponse): string[] => {
    const label = `${observed.method.toUpperCase()} ${observed.path} -> ${observed.status}`;
    const match = matchOperation(observed.method, observed.path);
    if (!match) return [`${label}: no operation in the contract matches this method and path`];
    const route = routes.find(
      (r) => r.template === match.template && r.method === match.method.toLowerCase(),
    );
    const responses = route?.operation.responses ?? {};
    // `default` stands for error statuses only: a success the contract does not list is a bug.
    const declared =
      responses[String(observed.status)] ?? (observed.status >= 400 ? responses.default : undefined);
    if (!declared) {
      const listed = Object.keys(responses).join(", ");
      return [
        `${label}: status ${observed.status} is not declared for ${match.operationId} (declared: ${listed})`,
      ];
    }
    const response = deref(declared);
    const problems: string[] = [];

    if (observed.headers) {
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        const definition = header.$ref
          ? doc.components.headers?.[header.$ref.slice("#/components/headers/".length)]
          : header;
        if (definition?.required && headerValue(observed.headers, name) === undefined) {
          problems.push(`${label}: required header ${name} is missing`);
        }
      }
    }

    const content = response.content;
    if (!content) {
      if (!isEmptyBody(observed.body))
        problems.push(`${label}: the contract declares no body, but one was sent`);
      return problems;
    }
    if (!observed.contentType)
      return [...problems, `${label}: no Content-Type for a response that has a body`];
    const media = mediaTypeOf(observed.contentType);
    const mediaObject = content[media];
    if (!mediaObject) {
      const listed = Object.keys(content).join(", ");
      return [...problems, `${label}: content type ${media} is not declared (declared: ${listed})`];
    }
    if (!isJsonMedia(media) || !mediaObject.schema) return problems;

    let body = observed.body;
    // The observer already parsed JSON bodies; a string left here is either text that failed to parse or a body
    // that is itself a JSON string (coderd's archive answers), which only a string schema accepts.
    const stringSchema = (mediaObject.schema as { type?: unknown }).type === "string";
    if (typeof body === "string" && !stringSchema) {
      try {
        body = JSON.parse(body);
      } catch {
        return [...problems, `${label}: the body is not valid JSON`];
      }
    }
    const validate = validatorFor(`${match.operationId} ${observed.status} ${media}`, mediaObject.schema);
    if (!validate(body)) {
      for (const error of validate.errors ?? []) problems.push(`${label}: ${describeError(error)}`);
    }
    return problems;
  };

  return { validateResponse, matchOperation };
}
