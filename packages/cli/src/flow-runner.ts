import type { FlowEvent, FlowEventHandler, StageId } from "@spt-coder/sdk";
import type { Ctx } from "./command.js";
import { InterruptedError } from "./errors.js";
import { StageRenderer } from "./ui/stages.js";

/** What a long flow is doing, as far as Ctrl-C is concerned. */
type Phase = "other" | "import" | "build" | "agent";

/**
 * Runs one SDK flow with the CLI's plumbing: its events rendered as stage lines on stderr, and Ctrl-C handled
 * the way coder handles it. A template import is canceled on the server (the SDK does that when the signal
 * aborts); a workspace build is only no longer followed, it keeps running, and the message says how to follow
 * it again. A second Ctrl-C exits at once with 130.
 */
export async function runFlow<T>(
  ctx: Ctx,
  options: { workspace?: string | undefined },
  work: (signal: AbortSignal, onEvent: FlowEventHandler) => Promise<T>,
): Promise<T> {
  const renderer = new StageRenderer({ sink: ctx.lines(), colors: ctx.colors, verbose: ctx.verbose });
  let phase: Phase = "other";
  // The SDK awaits what a log event returns: a stalled reader of stderr holds the flow's reading of the logs.
  const onEvent = (event: FlowEvent) => {
    phase = nextPhase(phase, event);
    renderer.handle(event);
    return ctx.drained();
  };
  const scope = ctx.trapInterrupts(() => {
    const again = ctx.colors.dim("(Ctrl-C again to exit now)");
    const text =
      phase === "import"
        ? "Canceling the template import on the server..."
        : phase === "other"
          ? "Stopping..."
          : "Stopping; the workspace build keeps running on the server.";
    ctx.stderr(`\n${text} ${again}\n`);
  });
  try {
    const result = await work(scope.signal, onEvent);
    renderer.close();
    return result;
  } catch (error) {
    renderer.fail();
    if (scope.interrupted) throw interrupted(phase, options.workspace);
    throw error;
  } finally {
    scope.dispose();
  }
}

/** The phase each stage puts a flow in: what is running on the server while it lasts. */
const PHASES: Record<StageId, Phase> = {
  check_server: "other",
  find_template: "other",
  pack: "other",
  upload: "other",
  import: "import",
  create_template: "other",
  promote: "other",
  create_workspace: "other",
  start: "build",
  stop: "build",
  delete: "build",
  build: "build",
  agent: "agent",
};

function nextPhase(current: Phase, event: FlowEvent): Phase {
  if (event.type === "log") return event.source === "import" ? "import" : "build";
  if (event.type !== "stage" || event.state !== "start") return current;
  return PHASES[event.stage];
}

function interrupted(phase: Phase, workspace: string | undefined): InterruptedError {
  const target = workspace ?? "<workspace>";
  switch (phase) {
    case "import":
      return new InterruptedError("Interrupted: the template import was canceled on the server.");
    case "build":
      return new InterruptedError(
        `Interrupted: stopped following the build of ${target}; it keeps running on the server.`,
        { suggestion: `Follow it again with: spt-coder logs ${target}` },
      );
    case "agent":
      return new InterruptedError(
        `Interrupted while waiting for the agent of ${target}; the workspace keeps starting.`,
        { suggestion: `Check it with: spt-coder status ${target}` },
      );
    default:
      return new InterruptedError("Interrupted.");
  }
}
