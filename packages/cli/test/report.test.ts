import {
  AgentNotReadyError,
  CoderAbortError,
  CoderApiError,
  CoderConnectionError,
  InvalidCoderUrlError,
  MissingTemplateVariablesError,
  NotCoderServerError,
  ParameterValidationError,
  ProvisionerJobError,
  TemplateArchiveError,
  TemplateUnavailableError,
  type TemplateVersionVariable,
} from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import { InterruptedError, UsageError } from "../src/errors.js";
import { ParameterInputError } from "../src/parameter-errors.js";
import { errorJson, formatErrorText, reportError } from "../src/report.js";
import { createColors } from "../src/ui/colors.js";
import { PromptCanceledError } from "../src/ui/prompt.js";

const plain = createColors(false);
const api = (status: number, extra: Partial<ConstructorParameters<typeof CoderApiError>[0]> = {}) =>
  CoderApiError.from({ status, message: `m${status}`, method: "GET", path: "/api/v2/x", ...extra });

describe("reportError", () => {
  it.each([
    [new UsageError("u"), 2, "usage"],
    [new InterruptedError(), 130, "interrupted"],
    [new PromptCanceledError("x"), 130, "interrupted"],
    [new CoderAbortError("aborted"), 130, "interrupted"],
    [new NotCoderServerError("html"), 2, "not_coder"],
    [
      new ParameterValidationError([{ name: "cpu", message: "too big", allowed: "1 to 8" }]),
      2,
      "invalid_parameters",
    ],
    [new TemplateUnavailableError("t", "o"), 4, "template_unavailable"],
    [new AgentNotReadyError("late", []), 5, "agent_not_ready"],
    [api(401), 3, "auth"],
    [api(403), 3, "auth"],
    [api(404), 4, "not_found"],
    [api(409), 1, "api"],
    [api(500), 1, "api"],
    [new CoderConnectionError("refused", "refused"), 1, "connection"],
    [new Error("boom"), 1, "internal"],
  ])("%s → exit %i", (error, exitCode, code) => {
    const report = reportError(error);
    expect(report.exitCode).toBe(exitCode);
    expect(report.code).toBe(code);
  });

  it("prints one block per bad parameter: the problem, the accepted values, the flag", () => {
    const error = new ParameterValidationError([
      { name: "cpu", message: 'value "64" is more than the maximum 8', allowed: "an integer from 1 to 8" },
      { name: "region", message: "must be one of the options", allowed: "eu, us" },
    ]);
    const text = formatErrorText(reportError(error), error, plain, false);
    expect(text).toBe(
      [
        "error: 2 parameter values were rejected before any build started:",
        "  cpu",
        '    value "64" is more than the maximum 8',
        "    accepted: an integer from 1 to 8",
        "    set with: --param cpu=<value>",
        "  region",
        "    must be one of the options",
        "    accepted: eu, us",
        "    set with: --param region=<value>",
        "Suggestion: Fix the values as shown and run the command again.",
        "",
      ].join("\n"),
    );
  });

  it("names the flag the value came from, and never repeats a regex the message already shows", () => {
    const cause = new ParameterValidationError([
      {
        name: "repo_url",
        message: 'an https URL (value "git@x" does not match "^https://")',
        allowed: "text matching ^https:// (an https URL)",
      },
    ]);
    const error = new ParameterInputError(cause, { repo_url: "--repo <git url>" });
    const text = formatErrorText(reportError(error), error, plain, false);
    expect(text).toContain(
      '  repo_url\n    an https URL (value "git@x" does not match "^https://")\n    set with: --repo <git url>\n',
    );
    expect(text.split("^https://")).toHaveLength(2);
  });

  it("prints Coder's message, detail and validations, then the suggestion", () => {
    const error = api(400, { detail: "d", validations: [{ field: "name", detail: "bad" }] });
    const text = formatErrorText(reportError(error), error, plain, false);
    expect(text).toBe("error: m400\nd\n1 validation error found\n  name: bad\n");
  });

  it("states a missing template as the SDK's fact and gives the CLI's commands as the suggestion", () => {
    const error = new TemplateUnavailableError("mine", "acme");
    const report = reportError(error);
    expect(report.message).toBe(
      'Template "mine" was not found in organization "acme", and no template folder was given to push it from.',
    );
    expect(report.suggestion).toBe(
      "Push it first (spt-coder push --template mine --template-dir <folder with main.tf>), pass --template-dir to let up push it, or pick an existing template with --template.",
    );
  });

  it("advises CODER_SESSION_TOKEN (never --token, seen in ps) for credentials in a URL, and --var for a bad variables file", () => {
    const url = reportError(new InvalidCoderUrlError("Invalid Coder URL", { credentials: true }));
    expect(url).toMatchObject({ exitCode: 2, code: "invalid_input" });
    expect(url.suggestion).toMatch(/CODER_SESSION_TOKEN \(or `spt-coder login <url> --token-stdin`\)/);
    expect(reportError(new InvalidCoderUrlError("Invalid Coder URL")).suggestion).toBeUndefined();
    const file = new TemplateArchiveError("too big", {
      dir: "/t",
      path: "terraform.tfvars",
      variablesFile: true,
    });
    expect(reportError(file).suggestion).toBe(
      "Fix terraform.tfvars, or move it out of the template folder and pass its values with --var name=value.",
    );
    expect(reportError(new TemplateArchiveError("no .tf", { dir: "/t" })).suggestion).toBeUndefined();
  });

  it("reports a ParameterInputError, a UsageError of the CLI's family, with its parameter blocks", () => {
    const cause = new ParameterValidationError([
      { name: "region", message: "not an option", allowed: "one of: eu, us" },
    ]);
    const error = new ParameterInputError(cause, { region: "--region <name>" });
    expect(error).toBeInstanceOf(UsageError);
    const report = reportError(error);
    expect(report).toMatchObject({ exitCode: 2, code: "invalid_parameters" });
    expect(report.parameters?.[0]?.flag).toBe("--region <name>");
  });

  it("says what a failed job already created", () => {
    const job = { status: "failed", error: "terraform exploded" } as ProvisionerJobError["job"];
    const error = new ProvisionerJobError("build", job, ["last line"], ["workspace w"]);
    const doc = errorJson(reportError(error));
    expect(doc.error).toMatchObject({ code: "build_failed", exit_code: 5, created: ["workspace w"] });
    expect(String(doc.error.message)).toContain("terraform exploded");
  });

  it("lists missing template variables", () => {
    const variable = {
      name: "region",
      type: "string",
      description: "Where",
      sensitive: false,
    } as TemplateVersionVariable;
    const report = reportError(new MissingTemplateVariablesError([variable], "v1", []));
    expect(report.exitCode).toBe(2);
    expect(report.validations).toEqual([{ field: "region", detail: "string: Where" }]);
  });

  it("adds the request and the stack only with --verbose", () => {
    const error = api(500);
    expect(formatErrorText(reportError(error), error, plain, false)).not.toContain("Status code");
    const verbose = formatErrorText(reportError(error), error, plain, true);
    expect(verbose).toContain('API request error to "GET:/api/v2/x". Status code 500');
    expect(verbose).toContain("at ");
  });
});
