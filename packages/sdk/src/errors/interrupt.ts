import type { Workspace } from "../types.js";
import { CoderAbortError } from "./base.js";

/** A template import this call started was canceled on the server because the caller aborted. */
export class TemplateImportCanceledError extends CoderAbortError {
  override name = "TemplateImportCanceledError";
  /** The template version whose import job was canceled. */
  readonly version: { id: string; name: string };
  constructor(version: { id: string; name: string }, options?: { cause?: unknown }) {
    super(`The template import was canceled on the server (version ${version.name}).`, options);
    this.version = version;
  }
}

/**
 * A push stopped because the caller aborted, leaving a template version whose import is not known to be canceled:
 * the server refused the cancel (the import may have finished), or whether the version create that the abort cut
 * off was made could not be checked.
 */
export class PushInterruptedError extends CoderAbortError {
  override name = "PushInterruptedError";
  /** The version: our name for it, and its id once it was found. */
  readonly version: { name: string; id: string | undefined };
  constructor(
    message: string,
    version: { name: string; id: string | undefined },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.version = version;
  }
}

/**
 * Where `up` was when its signal aborted: `prepare` (checking, looking up, waiting for another build, resolving
 * values: nothing sent that makes anything), `push` (the template push and its import), `create` (the workspace
 * create request was sent), `start` (a build request on an existing workspace was sent), `build` (following the
 * build), `agent` (waiting for the agents).
 */
export type UpStep = "prepare" | "push" | "create" | "start" | "build" | "agent";

/** What {@link UpInterruptedError} knows. */
export interface UpInterruptFacts {
  step: UpStep;
  /** The workspace's name as given to `up`, and its owner (`me` by default). */
  target: { owner: string; name: string };
  workspace: Workspace | undefined;
  workspaceCreated: boolean;
  canceledImport: { id: string; name: string } | undefined;
  lookupError: Error | undefined;
}

/**
 * `up` stopped because its signal aborted. It states what exists on the server afterwards, as facts a caller turns
 * into advice: the step it was at, the template import it canceled, and the workspace with its latest build as
 * looked up again after the interrupt (a create whose answer the abort cut off may have been made all the same;
 * a build that was started keeps running, as with the coder CLI).
 */
export class UpInterruptedError extends CoderAbortError {
  override name = "UpInterruptedError";
  readonly step: UpStep;
  /** The workspace `up` was asked for: owner (`me` by default) and name. */
  readonly target: { owner: string; name: string };
  /**
   * The workspace as the server has it after the interrupt, with its `latest_build`; undefined when it does not
   * exist. When {@link lookupError} is set it is the last copy seen before the interrupt, if any.
   */
  readonly workspace: Workspace | undefined;
  /** This call sent the request that created {@link workspace}. */
  readonly workspaceCreated: boolean;
  /** The template version whose import this call canceled on the server, if the push was under way. */
  readonly canceledImport: { id: string; name: string } | undefined;
  /** The look at the server after the interrupt failed: what exists is not known. */
  readonly lookupError: Error | undefined;
  constructor(facts: UpInterruptFacts, options?: { cause?: unknown }) {
    super(describe(facts), options);
    this.step = facts.step;
    this.target = facts.target;
    this.workspace = facts.workspace;
    this.workspaceCreated = facts.workspaceCreated;
    this.canceledImport = facts.canceledImport;
    this.lookupError = facts.lookupError;
  }
}

function describe(facts: UpInterruptFacts): string {
  const parts = [`up was interrupted (step: ${facts.step})`];
  if (facts.canceledImport)
    parts.push(`the import of template version ${facts.canceledImport.name} was canceled`);
  const ws = facts.workspace;
  if (facts.lookupError) {
    parts.push(`whether the workspace exists could not be checked: ${facts.lookupError.message}`);
  } else if (ws) {
    const build = ws.latest_build;
    parts.push(
      `workspace ${ws.owner_name}/${ws.name} ${facts.workspaceCreated ? "was created" : "exists"}, its ${build.transition} build #${build.build_number} is ${build.job.status}`,
    );
  } else {
    parts.push(`workspace ${facts.target.name} does not exist`);
  }
  return `${parts.join("; ")}.`;
}
