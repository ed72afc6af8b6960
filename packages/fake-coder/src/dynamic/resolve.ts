/**
 * Build-time resolution for dynamic templates, in the order of coderd's `dynamicparameters.ResolveParameters`:
 * previous values, then the request's, then the preset's (each overriding the last); ephemeral values are not
 * carried over; the template is rendered with the result, and every parameter's error diagnostics and immutable
 * changes are collected into one error keyed by parameter name. Monotonic rules are not checked here (coderd
 * neither): the plan fails them (`jobs/plan-validation.ts`).
 */
import type { FriendlyDiagnostic } from "../api-types.js";
import { errorDiagnostic } from "./diagnostics.js";
import { type DynamicSource, renderParameters } from "./render.js";
import type { OwnerData, WorkspaceData } from "./scope.js";

/** One `{name, value}` pair. */
export interface NamedValue {
  name: string;
  value: string;
}

/** What a dynamic build resolves from. */
export interface DynamicBuildInput {
  owner: OwnerData;
  workspace: WorkspaceData;
  firstBuild: boolean;
  previous: NamedValue[];
  build: NamedValue[];
  preset: NamedValue[];
}

/** The values to store, or the diagnostics per parameter (and template-wide ones). */
export type DynamicBuildResult =
  | { ok: true; values: NamedValue[] }
  | { ok: false; parameters: Map<string, FriendlyDiagnostic[]>; diagnostics: FriendlyDiagnostic[] };

type Source = "previous" | "build" | "preset" | "default";

/** Resolves the parameter values of a build of a dynamic template. */
export function resolveDynamicBuild(source: DynamicSource, input: DynamicBuildInput): DynamicBuildResult {
  const values = new Map<string, { value: string; from: Source }>();
  for (const v of input.previous) values.set(v.name, { value: v.value, from: "previous" });
  for (const v of input.build) values.set(v.name, { value: v.value, from: "build" });
  for (const v of input.preset) values.set(v.name, { value: v.value, from: "preset" });
  const previous = new Map(input.previous.map((v) => [v.name, v.value]));
  const render = (map: Map<string, { value: string }>) =>
    renderParameters(source, {
      inputs: Object.fromEntries([...map].map(([k, v]) => [k, v.value])),
      owner: input.owner,
      workspace: input.workspace,
    });

  // The form as the previous build saw it decides which values are ephemeral.
  for (const p of render(new Map(input.previous.map((v) => [v.name, v]))).parameters) {
    if (p.ephemeral && values.get(p.name)?.from === "previous") values.delete(p.name);
  }
  const output = render(values);
  const problems = new Map<string, FriendlyDiagnostic[]>();
  const add = (name: string, d: FriendlyDiagnostic[]) =>
    problems.set(name, [...(problems.get(name) ?? []), ...d]);
  for (const p of output.parameters) {
    const value = p.value.value;
    const before = previous.get(p.name);
    if (!input.firstBuild && !p.mutable && before !== undefined && value !== before) {
      add(p.name, [
        errorDiagnostic(
          "Immutable parameter changed",
          `Parameter "${p.name}" is not mutable, so it can't be updated after creating a workspace.`,
        ),
      ]);
    }
    const errors = (p.diagnostics ?? []).filter((d) => d.severity === "error");
    if (errors.length) add(p.name, errors);
    if (!values.has(p.name) && p.value.valid) values.set(p.name, { value, from: "default" });
  }
  const names = new Set(output.parameters.map((p) => p.name));
  if (input.workspace.transition === "start")
    for (const k of values.keys()) if (!names.has(k)) values.delete(k);
  if (problems.size > 0) return { ok: false, parameters: problems, diagnostics: output.diagnostics };
  // Stored in the template's order; leftovers (kept on stop and delete) after.
  const order = output.parameters.map((p) => p.name);
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return {
    ok: true,
    values: [...values]
      .map(([name, v]) => ({ name, value: v.value }))
      .sort((a, b) => rank(a.name) - rank(b.name)),
  };
}
