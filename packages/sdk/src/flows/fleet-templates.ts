import type { CoderClient } from "../coder-client.js";
import { CoderConflictError } from "../errors/base.js";
import { TemplateUnavailableError } from "../errors/flows.js";
import { DEFAULT_TEMPLATE } from "../names.js";
import type { Organization } from "../types.js";
import type { FleetEvent, FleetSpec, FleetTemplateResult } from "./fleet-types.js";
import { pushIntoOrganization } from "./push.js";

/** A template the fleet uses; `error` when its items cannot run. */
export interface TemplateState {
  result: FleetTemplateResult;
  error?: Error | undefined;
}

/** The template name a spec uses. */
export function templateOf(spec: FleetSpec): string {
  return spec.template ?? DEFAULT_TEMPLATE;
}

/**
 * Looks up each distinct template once and pushes the missing ones from their folder, once each, as `up()` would
 * for a single workspace (an existing template is used as it is). A failed push fails the items of that template
 * only; a template missing with no folder fails them with {@link TemplateUnavailableError}.
 */
export async function prepareTemplates(
  client: CoderClient,
  org: Organization,
  specs: FleetSpec[],
  options: { dryRun: boolean; signal: AbortSignal | undefined; emit: (event: FleetEvent) => void },
): Promise<Map<string, TemplateState>> {
  const wanted = new Map<string, FleetSpec>();
  for (const spec of specs) {
    const name = templateOf(spec);
    const known = wanted.get(name);
    if (!known || (!known.templateDir && spec.templateDir)) wanted.set(name, spec);
  }
  const states = new Map<string, TemplateState>();
  await Promise.all(
    [...wanted].map(async ([name, spec]) => {
      states.set(name, await prepare(client, org, name, spec, options));
    }),
  );
  return states;
}

async function prepare(
  client: CoderClient,
  org: Organization,
  name: string,
  spec: FleetSpec,
  options: { dryRun: boolean; signal: AbortSignal | undefined; emit: (event: FleetEvent) => void },
): Promise<TemplateState> {
  const { signal, emit } = options;
  const dir = spec.templateDir;
  try {
    const existing = await client.templates.getByName(org.id, name, { signal });
    if (existing) return { result: { name, dir, outcome: "existing" } };
    if (!dir) {
      const error = new TemplateUnavailableError(name, org.name);
      return { result: { name, outcome: "missing", error }, error };
    }
    if (options.dryRun) return { result: { name, dir, outcome: "would-push" } };
    emit({
      type: "fleet",
      level: "info",
      message: `Template "${name}" is missing; pushing it once from ${dir}`,
    });
    await pushIntoOrganization(client, org, undefined, {
      name,
      dir,
      variables: spec.variables,
      signal,
      onEvent: (event) => {
        if (event.type === "warning") emit({ type: "fleet", level: "warning", message: event.message });
      },
    });
    return { result: { name, dir, outcome: "pushed" } };
  } catch (caught) {
    // Another run of the same declaration made the template between the lookup and the push (Coder's 409 on
    // the name): use that one. The version this push imported stays behind, unattached, as `push` leaves it.
    if (caught instanceof CoderConflictError) {
      const made = await client.templates.getByName(org.id, name, { signal }).catch(() => undefined);
      if (made) {
        emit({
          type: "fleet",
          level: "info",
          message: `Template "${name}" was created meanwhile by another run; using it`,
        });
        return { result: { name, dir, outcome: "existing" } };
      }
    }
    const error = caught as Error;
    emit({ type: "fleet", level: "warning", message: `Template "${name}" is not usable: ${error.message}` });
    return { result: { name, dir, outcome: "failed", error }, error };
  }
}
