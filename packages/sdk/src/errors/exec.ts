import type { WorkspaceStatus, WorkspaceTransition } from "../types.js";
import { CoderError, CoderInvalidInputError, CoderTimeoutError } from "./base.js";

/**
 * Why a command run with `exec` has no exit status:
 * - `not_started`: the terminal closed before the script ran (the agent could not start `/bin/sh`, e.g. on
 *   Windows, or `stty` for a long command), or the connection ended then;
 * - `no_exit_status`: the script started, and the terminal closed before it printed the status (the shell was
 *   killed, the agent stopped, or the connection ended: coderd closes a finished session without a close frame,
 *   so the two look alike);
 * - `agent_unreachable`: coderd could not reach the agent (it closed the socket with 1011);
 * - `connection_lost`: no upgrade or no frame within the deadlines, or a socket error;
 * - `refused`: coderd answered the upgrade with an error page instead of a terminal.
 *
 * In every case but `not_started` and `refused` the command may have run, and may still be running.
 */
export type ExecFailureReason =
  | "not_started"
  | "no_exit_status"
  | "agent_unreachable"
  | "connection_lost"
  | "refused";

/** A command run in a workspace ended without an exit status; `output` holds what it printed until then. */
export class ExecError extends CoderError {
  override name = "ExecError";
  readonly reason: ExecFailureReason;
  readonly output: string;
  /** The WebSocket close code, when the server closed the connection. */
  readonly closeCode: number | undefined;
  /** The HTTP status of a refused upgrade. */
  readonly status: number | undefined;
  constructor(
    message: string,
    init: { reason: ExecFailureReason; output: string; closeCode?: number; status?: number },
  ) {
    super(message);
    this.reason = init.reason;
    this.output = init.output;
    this.closeCode = init.closeCode;
    this.status = init.status;
  }
}

/** The command did not finish within `timeoutMs`; it was sent Ctrl-C. `output` holds what it printed. */
export class ExecTimeoutError extends CoderTimeoutError {
  override name = "ExecTimeoutError";
  readonly timeoutMs: number;
  readonly output: string;
  constructor(message: string, timeoutMs: number, output: string) {
    super(message);
    this.timeoutMs = timeoutMs;
    this.output = output;
  }
}

/** A command can only run in a started workspace: its latest build is not a start that succeeded. */
export class WorkspaceNotRunningError extends CoderError {
  override name = "WorkspaceNotRunningError";
  /** `owner/name`. */
  readonly workspace: string;
  readonly status: WorkspaceStatus;
  readonly transition: WorkspaceTransition;
  constructor(workspace: string, status: WorkspaceStatus, transition: WorkspaceTransition) {
    super(`Workspace ${workspace} is ${status} (its latest build is a ${transition}), not running.`);
    this.workspace = workspace;
    this.status = status;
    this.transition = transition;
  }
}

/**
 * Which agent to run a command on could not be decided: the workspace has none (`none`), the named one is not
 * there (`unknown`), or it has several and none was named (`ambiguous`). `agents` lists the names there are.
 */
export class AgentChoiceError extends CoderInvalidInputError {
  override name = "AgentChoiceError";
  readonly reason: "none" | "unknown" | "ambiguous";
  readonly workspace: string;
  readonly agents: string[];
  readonly requested: string | undefined;
  constructor(init: {
    reason: "none" | "unknown" | "ambiguous";
    workspace: string;
    agents: string[];
    requested?: string | undefined;
  }) {
    const names = init.agents.join(", ");
    super(
      init.reason === "none"
        ? `Workspace ${init.workspace} has no agent to run a command on.`
        : init.reason === "unknown"
          ? `Workspace ${init.workspace} has no agent named "${init.requested}"; its agents: ${names}.`
          : `Workspace ${init.workspace} has ${init.agents.length} agents (${names}); name the one to use.`,
    );
    this.reason = init.reason;
    this.workspace = init.workspace;
    this.agents = init.agents;
    this.requested = init.requested;
  }
}
