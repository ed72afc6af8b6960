import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ContractDocument, contractSchemaProblems, loadContract } from "../support/contract.js";

// The endpoints the SDK needs to push a template, create a workspace with rich parameters, follow
// logs, start/stop/delete and list (the numbered list in the Coder API reference notes), and run a command (`exec`).
const REQUIRED_OPERATIONS = [
  "GET /api/v2/buildinfo",
  "GET /api/v2/users/me",
  "GET /api/v2/users/me/organizations",
  "GET /api/v2/organizations",
  "GET /api/v2/organizations/{organization}",
  "POST /api/v2/files",
  "GET /api/v2/files/{fileID}",
  "GET /api/v2/organizations/{organization}/templates/{templatename}",
  "GET /api/v2/organizations/{organization}/templates",
  "POST /api/v2/organizations/{organization}/templateversions",
  "GET /api/v2/templateversions/{templateversion}",
  "GET /api/v2/templateversions/{templateversion}/logs",
  "PATCH /api/v2/templateversions/{templateversion}/cancel",
  "GET /api/v2/templateversions/{templateversion}/variables",
  "GET /api/v2/templateversions/{templateversion}/rich-parameters",
  "GET /api/v2/templateversions/{templateversion}/external-auth",
  "GET /api/v2/templateversions/{templateversion}/resources",
  "GET /api/v2/templateversions/{templateversion}/presets",
  "POST /api/v2/templateversions/{templateversion}/dynamic-parameters/evaluate",
  "POST /api/v2/templateversions/{templateversion}/dry-run",
  "GET /api/v2/templateversions/{templateversion}/dry-run/{jobID}",
  "GET /api/v2/templateversions/{templateversion}/dry-run/{jobID}/logs",
  "GET /api/v2/templateversions/{templateversion}/dry-run/{jobID}/resources",
  "PATCH /api/v2/templateversions/{templateversion}/dry-run/{jobID}/cancel",
  "POST /api/v2/organizations/{organization}/templates",
  "GET /api/v2/templates/{template}",
  "PATCH /api/v2/templates/{template}/versions",
  "GET /api/v2/templates/{template}/versions",
  "GET /api/v2/templates/{template}/versions/{templateversionname}",
  "DELETE /api/v2/templates/{template}",
  "POST /api/v2/users/{user}/workspaces",
  "GET /api/v2/workspaces",
  "GET /api/v2/workspaces/{workspace}",
  "GET /api/v2/users/{user}/workspace/{workspacename}",
  "GET /api/v2/workspaces/{workspace}/watch-ws",
  "POST /api/v2/workspaces/{workspace}/builds",
  "GET /api/v2/workspaces/{workspace}/builds",
  "GET /api/v2/workspacebuilds/{workspacebuild}",
  "GET /api/v2/workspacebuilds/{workspacebuild}/logs",
  "PATCH /api/v2/workspacebuilds/{workspacebuild}/cancel",
  "GET /api/v2/workspacebuilds/{workspacebuild}/parameters",
  "GET /api/v2/users/{user}/workspace/{workspacename}/builds/{buildnumber}",
  "GET /api/v2/workspaceagents/{workspaceagent}",
  "GET /api/v2/workspaceagents/{workspaceagent}/logs",
  "GET /api/v2/workspaceagents/{workspaceagent}/pty",
  "GET /api/v2/regions",
];

interface Operation {
  operationId?: string;
  responses?: Record<string, { $ref?: string; headers?: Record<string, unknown> }>;
  "x-spt-websocket"?: unknown;
}

const doc: ContractDocument = loadContract();
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ["get", "put", "post", "delete", "patch", "head", "options"].includes(method))
    .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as Operation })),
);
const keys = operations.map((o) => o.key);

describe("contract coverage", () => {
  it("describes every operation the SDK needs", () => {
    expect(REQUIRED_OPERATIONS).toHaveLength(46);
    expect(REQUIRED_OPERATIONS.filter((k) => !keys.includes(k))).toEqual([]);
  });

  it("gives every operation a unique camelCase operationId", () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(
      operations.filter((o) => !/^[a-z][a-zA-Z0-9]*$/.test(o.op.operationId ?? "")).map((o) => o.key),
    ).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives every operation a success response (2xx, or 101 for a WebSocket-only route) and a default error", () => {
    const lacking = operations.filter(({ op }) => {
      const codes = Object.keys(op.responses ?? {});
      const success = codes.some((c) => /^2\d\d$/.test(c) || (c === "101" && op["x-spt-websocket"]));
      return !success || !codes.includes("default");
    });
    expect(lacking.map((o) => o.key)).toEqual([]);
  });

  it("declares X-Coder-Build-Version on every response", () => {
    const missing: string[] = [];
    for (const { key, op } of operations) {
      for (const [code, raw] of Object.entries(op.responses ?? {})) {
        const name = raw.$ref?.slice("#/components/responses/".length);
        const response = name ? doc.components.responses?.[name] : raw;
        if (!response?.headers?.["X-Coder-Build-Version"]) missing.push(`${key} ${code}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("compiles every schema under strict JSON Schema 2020-12", () => {
    expect(contractSchemaProblems()).toEqual([]);
  });

  it("has a friendly alias in packages/sdk/src/types.ts for every schema", () => {
    const typesFile = fileURLToPath(new URL("../../packages/sdk/src/types.ts", import.meta.url));
    const source = readFileSync(typesFile, "utf8");
    const missing = Object.keys(doc.components.schemas).filter(
      (name) => !source.includes(`export type ${name} = Schemas["${name}"];`),
    );
    expect(missing).toEqual([]);
  });
});
