import { describe, expect, it } from "vitest";
import { createContractValidator } from "../support/contract.js";

const validator = createContractValidator();
const versionId = "5f1c2a4e-8d3b-4c6f-9a7e-1b2c3d4e5f60";
const json = "application/json; charset=utf-8";

const log = {
  id: 1,
  created_at: "2026-08-22T10:00:00Z",
  log_source: "provisioner",
  log_level: "info",
  stage: "Planning Infrastructure",
  output: "Terraform 1.9.0",
};

describe("createContractValidator", () => {
  it("matches concrete paths, preferring literal segments over parameters", () => {
    expect(validator.matchOperation("GET", `/api/v2/templateversions/${versionId}/logs?follow`)).toEqual({
      method: "GET",
      template: "/api/v2/templateversions/{templateversion}/logs",
      operationId: "getTemplateVersionLogs",
      params: { templateversion: versionId },
    });
    expect(validator.matchOperation("get", "/api/v2/users/me")?.operationId).toBe("getUserMe");
    expect(validator.matchOperation("get", "/api/v2/users/first")?.operationId).toBe("checkFirstUser");
    expect(validator.matchOperation("get", "/api/v2/users/alice")?.params).toEqual({ user: "alice" });
    expect(validator.matchOperation("delete", "/api/v2/users/me")).toBeUndefined();
  });

  it("accepts a body that fits the schema", () => {
    const problems = validator.validateResponse({
      method: "GET",
      path: `/api/v2/templateversions/${versionId}/logs`,
      status: 200,
      contentType: json,
      body: [log],
      headers: { "X-Coder-Build-Version": "v2.36.1+abc1234" },
    });
    expect(problems).toEqual([]);
  });

  it("accepts JSON null where the contract allows it, and an error body under default", () => {
    const presets = `/api/v2/templateversions/${versionId}/presets`;
    expect(
      validator.validateResponse({
        method: "GET",
        path: presets,
        status: 200,
        contentType: json,
        body: "null",
      }),
    ).toEqual([]);
    expect(
      validator.validateResponse({
        method: "GET",
        path: presets,
        status: 404,
        contentType: json,
        body: { message: "Resource not found or you do not have access to this resource" },
      }),
    ).toEqual([]);
  });

  it("reports a body that does not fit the schema", () => {
    const problems = validator.validateResponse({
      method: "GET",
      path: `/api/v2/templateversions/${versionId}/logs`,
      status: 200,
      contentType: json,
      body: [{ ...log, id: "1", log_level: "notice" }],
    });
    expect(problems.join("\n")).toMatch(/\/0\/id must be integer/);
    expect(problems.join("\n")).toMatch(/\/0\/log_level must be equal to one of the allowed values/);
  });

  it("reports a missing required property, such as a null-but-present field left out", () => {
    const problems = validator.validateResponse({
      method: "GET",
      path: "/api/v2/buildinfo",
      status: 200,
      contentType: json,
      body: { version: "v2.36.1" },
    });
    expect(problems.some((p) => p.includes("must have required property 'dashboard_url'"))).toBe(true);
  });

  it("reports an undeclared status, and a success status that only `default` would cover", () => {
    const [problem] = validator.validateResponse({
      method: "POST",
      path: "/api/v2/organizations/default/templates",
      status: 200,
      contentType: json,
      body: {},
    });
    expect(problem).toMatch(/status 200 is not declared for createTemplate \(declared: 201, 409, default\)/);
  });

  it("reports an undeclared content type, an unknown operation and a missing build-version header", () => {
    const upload = validator.validateResponse({
      method: "POST",
      path: "/api/v2/files",
      status: 201,
      contentType: "text/html",
      body: "<html></html>",
      headers: {},
    });
    expect(upload).toEqual([
      "POST /api/v2/files -> 201: required header X-Coder-Build-Version is missing",
      "POST /api/v2/files -> 201: content type text/html is not declared (declared: application/json)",
    ]);
    expect(validator.validateResponse({ method: "GET", path: "/healthz", status: 200 })).toEqual([
      "GET /healthz -> 200: no operation in the contract matches this method and path",
    ]);
  });

  it("accepts the plain-text 426 of a follow request without an upgrade", () => {
    const problems = validator.validateResponse({
      method: "GET",
      path: `/api/v2/templateversions/${versionId}/logs?follow`,
      status: 426,
      contentType: "text/plain; charset=utf-8",
      body: "WebSocket protocol violation: Connection header does not contain Upgrade",
    });
    expect(problems).toEqual([]);
  });
});
