import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadContract } from "../support/contract.js";
import {
  type Difference,
  diffAgainstUpstream,
  type OpenApiDoc,
  parseDifferences,
  type SwaggerDoc,
} from "./upstream-diff.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const swaggerPath = path.resolve(repoRoot, "../shared/coder-api/swagger.json");
const differencesPath = path.join(repoRoot, "openapi/DIFFERENCES.md");
const hasUpstream = existsSync(swaggerPath);

if (!hasUpstream) {
  console.log(
    "contract: skipped, ../shared/coder-api/swagger.json not found (the upstream reference lives beside the checkout)",
  );
}

const keyOf = (d: { kind: string; location: string }) => `${d.kind} ${d.location}`;
const asRow = (d: Difference) => `| ${d.kind} | \`${d.location}\` | <why> (${d.detail}) |`;

describe.skipIf(!hasUpstream)("contract vs upstream swagger", () => {
  const ours = loadContract() as unknown as OpenApiDoc;
  const upstream = (hasUpstream ? JSON.parse(readFileSync(swaggerPath, "utf8")) : {}) as SwaggerDoc;
  const listed = parseDifferences(readFileSync(differencesPath, "utf8"));
  const found = hasUpstream ? diffAgainstUpstream(ours, upstream) : [];
  const listedKeys = new Set(listed.map(keyOf));
  const foundKeys = new Set(found.map(keyOf));

  it("explains every difference in openapi/DIFFERENCES.md", () => {
    const unlisted = found.filter((d) => !listedKeys.has(keyOf(d))).map(asRow);
    expect(
      unlisted,
      "add these rows to openapi/DIFFERENCES.md (with a real reason) or fix coder.yaml",
    ).toEqual([]);
  });

  it("has no stale rows in openapi/DIFFERENCES.md", () => {
    const stale = listed
      .filter((row) => !foundKeys.has(keyOf(row)))
      .map((row) => `line ${row.line}: ${keyOf(row)}`);
    expect(stale, "these rows no longer match a difference; remove or correct them").toEqual([]);
  });

  it("lists each difference once, with a reason", () => {
    const seen = new Set<string>();
    const problems = listed.flatMap((row) => {
      const out: string[] = [];
      if (seen.has(keyOf(row))) out.push(`line ${row.line}: duplicate ${keyOf(row)}`);
      if (row.reason.length < 10) out.push(`line ${row.line}: ${keyOf(row)} needs a reason`);
      seen.add(keyOf(row));
      return out;
    });
    expect(problems).toEqual([]);
  });
});

// The comparison itself, on tiny documents, so a broken comparison cannot pass silently.
describe("upstream comparison", () => {
  const upstream: SwaggerDoc = {
    paths: {
      "/api/v2/things/{thing}": {
        get: {
          parameters: [
            { name: "thing", in: "path", type: "string", format: "uuid" },
            { name: "before", in: "query", type: "integer" },
          ],
          responses: { "200": { schema: { $ref: "#/definitions/codersdk.Thing" } } },
          security: [{ CoderSessionToken: [] }],
        },
      },
    },
    definitions: {
      "codersdk.Thing": {
        type: "object",
        properties: {
          id: { type: "string", format: "uuid" },
          gone_at: { type: "string", format: "date-time" },
          owner_id: { allOf: [{ $ref: "#/definitions/uuid.NullUUID" }] },
          status: { enum: ["a"], allOf: [{ $ref: "#/definitions/codersdk.Status" }] },
        },
      },
      "codersdk.Status": { type: "string", enum: ["a", "b", "unknown"] },
      "uuid.NullUUID": {
        type: "object",
        properties: { uuid: { type: "string" }, valid: { type: "boolean" } },
      },
    },
  };

  const ours = (): OpenApiDoc => ({
    security: [{ CoderSessionToken: [] }],
    paths: {
      "/api/v2/things/{id}": {
        get: {
          parameters: [{ name: "id", in: "path", schema: { type: "string", format: "uuid" } }],
          responses: {
            "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            gone_at: { type: ["string", "null"], format: "date-time" },
            owner_id: { type: ["string", "null"], format: "uuid" },
            status: { $ref: "#/components/schemas/Status" },
          },
        },
        Status: { type: "string", enum: ["a", "b", "c"] },
      },
    },
  });

  const kinds = (doc: OpenApiDoc) => diffAgainstUpstream(doc, upstream).map(keyOf);

  it("reports nullability, NullUUID, enums and ignored parameters, and matches renamed path parameters", () => {
    expect(kinds(ours())).toEqual([
      "enum-extra Status c",
      "enum-extra Thing.status b",
      "enum-extra Thing.status c",
      "enum-omitted Status unknown",
      "parameter-omitted GET /api/v2/things/{id} query.before",
      "property-nullable Thing.gone_at",
      "property-type Thing.owner_id",
    ]);
  });

  it("reports a changed type, a new property, a new operation, a status and an auth change", () => {
    const doc = ours();
    const thing = doc.components.schemas.Thing?.properties ?? {};
    thing.id = { type: "integer" };
    thing.extra = { type: "string" };
    const get = doc.paths["/api/v2/things/{id}"]?.get as { responses: object; security?: unknown[] };
    get.responses = { ...get.responses, "201": {} };
    get.security = [];
    doc.paths["/api/v2/things/{id}/more"] = { post: { responses: { "200": {} } } };
    const found = kinds(doc);
    expect(found).toContain("property-type Thing.id");
    expect(found).toContain("property-extra Thing.extra");
    expect(found).toContain("operation-extra POST /api/v2/things/{id}/more");
    expect(found).toContain("status-extra GET /api/v2/things/{id} 201");
    expect(found).toContain("security GET /api/v2/things/{id}");
  });

  it("parses table rows, skipping headers, and unescapes pipes in reasons", () => {
    const rows = parseDifferences(
      [
        "| kind | location | reason |",
        "| --- | --- | --- |",
        "| property-type | `Workspace.task_id` | string \\| null on the wire |",
        "not a row",
      ].join("\n"),
    );
    expect(rows).toEqual([
      { kind: "property-type", location: "Workspace.task_id", reason: "string | null on the wire", line: 3 },
    ]);
  });
});
