import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseTemplateFiles, readVariables } from "../src/hcl.js";
import { jobStatus } from "../src/jobs/status.js";
import { generateVersionName, nameInvalidReason, versionNameInvalidReason } from "../src/names.js";
import { parameterDefinitionProblem } from "../src/parameters.js";
import { Presenter } from "../src/present.js";
import { FakeState, type JobRecord, type Transition, type WorkspaceBuildRecord } from "../src/state.js";
import { readTemplate } from "../src/template-read.js";

describe("names", () => {
  it.each([
    ["dev", undefined],
    ["a-b-c", undefined],
    ["A1", undefined],
    ["x".repeat(32), undefined],
    ["x".repeat(33), "must be <= 32 characters"],
    ["", "must be >= 1 character"],
    ["a_b", "must be alphanumeric with hyphens"],
    ["a--b", "must be alphanumeric with hyphens"],
    ["new", "cannot use reserved name"],
    ["create", "cannot use reserved name"],
  ])("NameValid(%j) → %s", (name, reason) => {
    expect(nameInvalidReason(name)).toBe(reason);
  });

  it.each([
    ["v1.2.3", undefined],
    ["my_version-2", undefined],
    ["a__b", "must be alphanumeric with underscores and dots"],
    ["x".repeat(65), "must be <= 64 characters"],
  ])("TemplateVersionNameValid(%j) → %s", (name, reason) => {
    expect(versionNameInvalidReason(name)).toBe(reason);
  });

  it("invents version names that are valid", () => {
    for (let i = 0; i < 50; i++) expect(versionNameInvalidReason(generateVersionName())).toBeUndefined();
  });
});

describe("workspace status (coder-api.md, section j)", () => {
  const table: Record<string, Record<Transition, string>> = {
    pending: { start: "pending", stop: "pending", delete: "pending" },
    running: { start: "starting", stop: "stopping", delete: "deleting" },
    succeeded: { start: "running", stop: "stopped", delete: "deleted" },
    canceling: { start: "canceling", stop: "canceling", delete: "canceling" },
    canceled: { start: "canceled", stop: "canceled", delete: "canceled" },
    failed: { start: "failed", stop: "failed", delete: "failed" },
  };
  const now = new Date().toISOString();
  const jobs: Record<string, Partial<JobRecord>> = {
    pending: {},
    running: { startedAt: now },
    succeeded: { startedAt: now, completedAt: now },
    canceling: { startedAt: now, canceledAt: now },
    canceled: { startedAt: now, canceledAt: now, completedAt: now },
    failed: { startedAt: now, completedAt: now, error: "x" },
  };

  for (const [status, fields] of Object.entries(jobs)) {
    for (const transition of ["start", "stop", "delete"] as const) {
      it(`${status} × ${transition} → ${table[status]![transition]}`, () => {
        const state = new FakeState();
        const job = {
          id: "job",
          type: "workspace_build",
          logs: [],
          resources: [],
          ...fields,
        } as unknown as JobRecord;
        state.jobs.set("job", job);
        expect(jobStatus(job)).toBe(status);
        const build = { jobId: "job", transition } as WorkspaceBuildRecord;
        expect(new Presenter(state).buildStatus(build)).toBe(table[status]![transition]);
      });
    }
  }

  it("reads a job with an error but no completed_at as failed, and a canceled one with an error as failed", () => {
    const base = { id: "j", logs: [], resources: [] } as unknown as JobRecord;
    expect(jobStatus({ ...base, startedAt: now, error: "x" })).toBe("failed");
    expect(jobStatus({ ...base, canceledAt: now, completedAt: now, error: "x" })).toBe("failed");
  });
});

describe("reading templates", () => {
  const file = (path: string, text: string) => ({ path, data: new TextEncoder().encode(text) });

  it("reads Terraform's JSON syntax too", async () => {
    const files = await parseTemplateFiles([
      file(
        "main.tf.json",
        JSON.stringify({
          variable: { size: { default: 3 } },
          data: { coder_parameter: { a: { name: "a", default: "x" } } },
        }),
      ),
    ]);
    const parsed = readTemplate(files, new Map([["size", "3"]]), "");
    expect(parsed.parameters.map((p) => [p.name, p.default_value])).toEqual([["a", "x"]]);
    expect(readVariables(files)).toEqual([
      {
        name: "size",
        description: "",
        type: "string",
        default_value: "3",
        required: false,
        sensitive: false,
      },
    ]);
  });

  it("gives every reader of a file pushed again a copy of its own, parsed under its own name", async () => {
    const source = `variable "size" {\n  default = 3\n}\n# ${Math.random()}\n`;
    const [first] = await parseTemplateFiles([file("main.tf", source)]);
    (first!.doc.variable as Record<string, unknown>).size = "changed by a caller";
    const [again] = await parseTemplateFiles([file("main.tf", source)]);
    expect(again!.doc.variable).toEqual({ size: [{ default: 3 }] });
    // The same text under another name is parsed for that name: Terraform's diagnostics carry it.
    const broken = "variable {";
    const errors = await Promise.all(
      ["a.tf", "b.tf", "a.tf"].map((path) =>
        parseTemplateFiles([file(path, broken)]).catch((e: Error) => e.message),
      ),
    );
    expect(errors[0]).toMatch(/^a\.tf:1,/);
    expect(errors[1]).toMatch(/^b\.tf:1,/);
    expect(errors[2]).toBe(errors[0]);
  });

  it("only reads top-level files", async () => {
    const files = await parseTemplateFiles([
      file("modules/x/main.tf", 'variable "inner" {}'),
      file("main.tf", ""),
    ]);
    expect(readVariables(files)).toEqual([]);
  });

  const templateDir = fileURLToPath(new URL("../../../template", import.meta.url));
  it.skipIf(!existsSync(join(templateDir, "main.tf")))("imports the project's own template", async () => {
    const names = readdirSync(templateDir).filter((n) => n.endsWith(".tf"));
    const files = await parseTemplateFiles(
      names.map((n) => file(n, readFileSync(join(templateDir, n), "utf8"))),
    );
    const variables = readVariables(files);
    const values = new Map(variables.map((v) => [v.name, v.default_value]));
    const parsed = readTemplate(files, values, "");
    expect(parsed.parameters.length).toBeGreaterThan(0);
    // The import would fail on a definition the provider rejects (defaults against options and validation).
    expect(parsed.parameters.map((p) => parameterDefinitionProblem(p)).filter(Boolean)).toEqual([]);
    const agent = parsed.agents[0]!;
    expect(agent.apps.map((a) => a.slug)).toContain("code-server");
    const host = parsed.resources.find((r) => r.agentNames.includes(agent.name))!;
    expect(host.startOnly).toBe(true);
  });
});
