import { describe, expect, it } from "vitest";
import { resolveDynamicParameters } from "../../src/parameters/dynamic.js";
import type { DynamicParametersResponse, FriendlyDiagnostic, PreviewParameter } from "../../src/types.js";

function param(name: string, extra: Partial<PreviewParameter> = {}): PreviewParameter {
  return {
    name,
    type: "string",
    form_type: "input",
    mutable: true,
    ephemeral: false,
    required: false,
    value: { value: "", valid: true },
    default_value: { value: "", valid: true },
    options: [],
    validations: [],
    diagnostics: [],
    ...extra,
  };
}

/** A stand-in server: renders parameters from the inputs with `render`, and records what was sent. */
function server(
  render: (inputs: Record<string, string>) => PreviewParameter[],
  diagnostics: FriendlyDiagnostic[] = [],
) {
  const sent: Record<string, string>[] = [];
  const evaluate = async (
    inputs: Record<string, string>,
    round: number,
  ): Promise<DynamicParametersResponse> => {
    sent.push({ ...inputs });
    return { id: round, diagnostics, parameters: render(inputs) };
  };
  return { evaluate, sent };
}

const valued = (
  name: string,
  inputs: Record<string, string>,
  fallback: string,
  extra: Partial<PreviewParameter> = {},
) => param(name, { value: { value: inputs[name] ?? fallback, valid: true }, ...extra });

describe("resolveDynamicParameters", () => {
  it("reports the server's diagnostics, not every input as unknown, when nothing was rendered (null)", async () => {
    const ownerNotFound: FriendlyDiagnostic = {
      severity: "error",
      summary: "Failed to fetch workspace owner",
      detail: "Please check your permissions or the user may not exist.",
      extra: { code: "owner_not_found" },
    };
    let calls = 0;
    const result = await resolveDynamicParameters(
      async () => {
        calls += 1;
        return { id: 0, diagnostics: [ownerNotFound], parameters: null };
      },
      { a: "x", b: "y" },
    );
    expect(calls).toBe(1);
    expect(result.values).toEqual([]);
    expect(result.problems).toEqual([
      {
        name: "template",
        message: "Failed to fetch workspace owner: Please check your permissions or the user may not exist.",
        diagnostics: [ownerNotFound],
      },
    ]);
  });

  it("resolves in one evaluation when nothing carried over changes the set", async () => {
    const s = server((i) => [valued("a", i, ""), ...(i.a ? [valued("b", i, "")] : [])]);
    const result = await resolveDynamicParameters(s.evaluate, { a: "x", b: "y" });
    expect(result.values).toEqual([
      { name: "a", value: "x" },
      { name: "b", value: "y" },
    ]);
    expect(result.problems).toEqual([]);
    expect(s.sent).toEqual([{ a: "x", b: "y" }]);
  });

  it("evaluates again when a previous value turns out to be ephemeral, and stops when stable", async () => {
    const s = server((i) => [
      valued("mode", i, "fast", { ephemeral: true }),
      ...(i.mode === "debug" ? [valued("level", i, "1")] : []),
    ]);
    const result = await resolveDynamicParameters(s.evaluate, {}, [
      { name: "mode", value: "debug" },
      { name: "level", value: "3" },
    ]);
    // Round 1 carried the ephemeral value over; round 2 dropped it, so `level` stopped existing; round 3 no
    // longer carries `level` and sees the same set again.
    expect(s.sent).toEqual([{ mode: "debug", level: "3" }, { level: "3" }, {}]);
    expect(result.values).toEqual([{ name: "mode", value: "fast" }]);
    expect(result.rounds).toBe(3);
  });

  it("reports every problem at once: diagnostics, required, immutable, monotonic, unknown names", async () => {
    const error: FriendlyDiagnostic = {
      severity: "error",
      summary: "Value must be a valid option",
      detail: 'the value "x" must be defined as one of options',
    };
    const warning: FriendlyDiagnostic = { severity: "warning", summary: "Deprecated", detail: "use size" };
    const s = server((i) => [
      valued("region", i, "", {
        options: [{ name: "EU", value: { value: "eu", valid: true }, description: "", icon: "" }],
        diagnostics: [error, warning],
      }),
      param("token", { required: true, value: { value: "", valid: false } }),
      valued("image", i, "ubuntu", { mutable: false }),
      valued("disk", i, "10", {
        type: "number",
        validations: [
          {
            validation_error: "",
            validation_regex: null,
            validation_min: null,
            validation_max: null,
            validation_monotonic: "increasing",
          },
        ],
      }),
    ]);
    const result = await resolveDynamicParameters(
      s.evaluate,
      { region: "x", image: "debian", disk: "5", regoin: "eu" },
      [
        { name: "image", value: "ubuntu" },
        { name: "disk", value: "10" },
      ],
    );
    expect(result.problems.map((p) => [p.name, p.message])).toEqual([
      ["regoin", expect.stringContaining("Did you mean: region")],
      ["region", 'Value must be a valid option: the value "x" must be defined as one of options'],
      ["token", 'Parameter "token" is required but not provided'],
      ["image", `Parameter "image" is not mutable, so it can't be updated after creating a workspace.`],
      ["disk", "parameter value '5' must be equal or greater than previous value: 10"],
    ]);
    expect(result.problems.find((p) => p.name === "region")).toMatchObject({
      allowed: 'one of "eu"',
      diagnostics: [error],
    });
    expect(result.warnings).toEqual([{ name: "region", diagnostic: warning }]);
  });

  it("puts the template's own error diagnostics under `template`", async () => {
    const bad: FriendlyDiagnostic = {
      severity: "error",
      summary: "Module not loaded",
      detail: "run terraform init",
    };
    const s = server(() => [], [bad]);
    const result = await resolveDynamicParameters(s.evaluate, {});
    expect(result.problems).toEqual([
      { name: "template", message: "Module not loaded: run terraform init", diagnostics: [bad] },
    ]);
  });
});
