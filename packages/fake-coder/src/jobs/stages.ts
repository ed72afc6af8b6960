/**
 * What a job runs: a list of named stages, each with its work and its provisioner output, and the resources a
 * template plans for a transition.
 */
import { newId, nowIso } from "../ids.js";
import type { ResourceRecord, Transition } from "../state.js";
import type { ParsedTemplate } from "../template-model.js";

/** Why a job failed: the `error` and `error_code` it ends with, and the error lines it logs (default: `error`). */
export interface Failure {
  error: string;
  code?: string;
  logs?: string[];
}

/** One stage of a job (a log stage name in Coder's output). */
export interface Stage {
  name: string;
  /** Work done at the start of the stage; a returned failure fails the job. */
  run?: () => Promise<Failure | undefined> | Failure | undefined;
  /** Provisioner output lines logged after `run`; a {@link Pause} between them is time the step takes. */
  lines?: () => (string | Pause)[];
}

/** Time a stage spends between two lines (a resource being created); a cancel ends it early. */
export interface Pause {
  pauseMs: number;
}

/** A job's stages and what it stores once they all passed. */
export interface JobPlan {
  stages: Stage[];
  complete: () => void;
}

/** The template's resources a transition creates: none on delete, no start-only ones on stop. */
export function plannedResources(parsed: ParsedTemplate | undefined, transition: Transition) {
  if (!parsed || transition === "delete") return [];
  return parsed.resources.filter((r) => !r.never && (transition === "start" || !r.startOnly));
}

/** How many resources the plan adds for a transition. */
export function countResources(parsed: ParsedTemplate | undefined, transition: Transition): number {
  return plannedResources(parsed, transition).length;
}

/** A new resource record of a job. */
export function resourceRecord(
  jobId: string,
  transition: Transition,
  type: string,
  name: string,
): ResourceRecord {
  return {
    id: newId(),
    createdAt: nowIso(),
    jobId,
    transition,
    type,
    name,
    hide: false,
    icon: "",
    dailyCost: 0,
    agentIds: [],
  };
}
