import type { CoderClient } from "../coder-client.js";
import { CoderNotFoundError } from "../errors/base.js";
import { ParameterValidationError } from "../errors/flows.js";
import { resolveDynamicParameters } from "../parameters/dynamic.js";
import { resolveParameters } from "../parameters/index.js";
import { parameterSizeProblems } from "../parameters/limits.js";
import { applyPreset, choosePreset, type PresetChoice } from "../parameters/presets.js";
import { diagnosticText } from "../parameters/preview.js";
import type { Preset, WorkspaceBuildParameter } from "../types.js";
import type { FlowEventHandler } from "./events.js";

/** Options of {@link resolveBuild}. */
export interface ResolveBuildOptions {
  templateVersionId: string;
  /** The template's `use_classic_parameter_flow`; looked up from the version when undefined. */
  classic?: boolean | undefined;
  /** Values asked for, by name. */
  inputs: Record<string, string>;
  /** The last build's values (omit on create): immutability, monotonic rules, values carried over. */
  previous?: WorkspaceBuildParameter[] | undefined;
  /** A preset's name, `"none"`, or undefined for the default preset; `false` skips presets entirely. */
  preset?: PresetChoice | false;
  /**
   * The workspace's owner (`me`, a user name or a user's id): whose data the template sees
   * (`data.coder_workspace_owner`). `me` when undefined.
   */
  owner?: string | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: FlowEventHandler | undefined;
}

/** What a build sends: the resolved values, and the preset when one applies. */
export interface ResolvedBuild {
  values: WorkspaceBuildParameter[];
  /** The values asked for after the preset's were applied (what a start sends). */
  inputs: Record<string, string>;
  preset?: Preset | undefined;
  flow: "classic" | "dynamic";
}

/** Clients already told that their Coder lacks the evaluate endpoint (said once, not on every build). */
const toldClassicFallback = new WeakSet<CoderClient>();

/**
 * Resolves a build's parameters the way current Coder does, for create, start and update alike: picks the
 * preset (named, default or none) and lets its values win, reporting any value of the caller's it replaced; then
 * uses the template's flow. Classic templates follow coderd's classic rules against the version's
 * rich parameters; dynamic ones are rendered by the server (`dynamic-parameters/evaluate`) until the set of
 * parameters is stable. An older Coder without that endpoint (404) falls back to the classic rules, said once.
 * Every problem is reported at once in a {@link ParameterValidationError}; warnings arrive as events.
 */
export async function resolveBuild(
  client: CoderClient,
  options: ResolveBuildOptions,
): Promise<ResolvedBuild> {
  const { templateVersionId: id, signal, onEvent } = options;
  // Values no provisioner could start Terraform with are refused before anything is asked or sent.
  const oversized = parameterSizeProblems(options.inputs);
  if (oversized.length) throw new ParameterValidationError(oversized);
  const io = { signal };
  const preset = options.preset === false ? undefined : await pickPreset(client, id, options.preset, signal);
  const { inputs, overridden } = applyPreset(options.inputs, preset);
  if (preset)
    onEvent?.({
      type: "info",
      message: `Using preset "${preset.Name}"${preset.Default && options.preset === undefined ? " (the template's default)" : ""}.`,
    });
  for (const o of overridden) {
    onEvent?.({
      type: "warning",
      code: "preset-overrides-parameter",
      message: `Preset "${preset?.Name}" sets ${o.name}=${o.preset}, so the value given (${o.given}) is not used.`,
    });
  }
  const classic = options.classic ?? (await isClassic(client, id, signal));
  if (!classic) {
    const dynamic = await resolveDynamic(client, options, inputs).catch((error: unknown) => {
      if (!(error instanceof CoderNotFoundError)) throw error;
      if (!toldClassicFallback.has(client)) {
        toldClassicFallback.add(client);
        onEvent?.({
          type: "info",
          message:
            "This Coder has no dynamic-parameters evaluate endpoint (404); parameters are checked with the classic rules.",
        });
      }
      return undefined;
    });
    if (dynamic) return { values: dynamic, inputs, preset, flow: "dynamic" };
  }
  const params = await client.templateVersions.richParameters(id, io);
  const result = resolveParameters(params, inputs, options.previous);
  if (!result.ok) throw new ParameterValidationError(result.problems);
  return { values: result.values, inputs, preset, flow: "classic" };
}

async function resolveDynamic(
  client: CoderClient,
  options: ResolveBuildOptions,
  inputs: Record<string, string>,
): Promise<WorkspaceBuildParameter[]> {
  const { templateVersionId: id, signal, onEvent } = options;
  // coderd renders for the owner named by `owner_id`, never for the caller: without it the template is rendered
  // for the nil user, which does not exist (no parameters, an owner-not-found diagnostic).
  const owner_id = await ownerId(client, options.owner ?? "me", signal);
  const result = await resolveDynamicParameters(
    (values, round) =>
      client.templateVersions.evaluateDynamicParameters(
        id,
        { id: round, inputs: values, owner_id },
        { signal },
      ),
    inputs,
    options.previous,
  );
  for (const w of result.warnings) {
    const where = w.name ? `${w.name}: ` : "";
    onEvent?.({
      type: "warning",
      code: "parameter-diagnostic",
      message: `${where}${diagnosticText(w.diagnostic)}`,
    });
  }
  if (result.problems.length) throw new ParameterValidationError(result.problems);
  return result.values;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The owner's id: as given when it is one, otherwise looked up (`me` or a user name). */
async function ownerId(client: CoderClient, owner: string, signal: AbortSignal | undefined): Promise<string> {
  if (UUID.test(owner)) return owner;
  return (await client.users.get(owner, { signal })).id;
}

async function pickPreset(
  client: CoderClient,
  versionId: string,
  choice: PresetChoice,
  signal: AbortSignal | undefined,
): Promise<Preset | undefined> {
  if (choice === "none") return undefined;
  // A Coder older than presets answers 404: no presets, unless one was asked for by name.
  const presets = await client.templateVersions.presets(versionId, { signal }).catch((error: unknown) => {
    if (error instanceof CoderNotFoundError && choice === undefined) return [];
    throw error;
  });
  return choosePreset(presets, choice);
}

/** coderd's `template_id` of a version that belongs to no template: the nil UUID, never null or absent. */
const NO_TEMPLATE = "00000000-0000-0000-0000-000000000000";

/** The flow of the version's template (a version without a template is dynamic, as a new template would be). */
async function isClassic(
  client: CoderClient,
  versionId: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const version = await client.templateVersions.get(versionId, { signal });
  if (version.template_id === NO_TEMPLATE) return false;
  return (await client.templates.get(version.template_id, { signal })).use_classic_parameter_flow;
}
