import {
  CoderAbortError,
  type FlowEvent,
  type FlowEventHandler,
  PushInterruptedError,
  type StageId,
  TemplateImportCanceledError,
  UpInterruptedError,
} from "@spt-coder/sdk";
import type { Ctx } from "./command.js";
import { InterruptedError, interruptedBy } from "./errors.js";
import type { InterruptSignal } from "./exit-codes.js";
import { upInterruptAdvice } from "./interrupt-advice.js";
import { StageRenderer } from "./ui/stages.js";

/** What a long flow is doing, as far as Ctrl-C is concerned. */
type Phase = "other" | "import" | "build" | "agent";

/**
 * Runs one SDK flow with the CLI's plumbing: its events rendered as stage lines on stderr, and Ctrl-C handled
 * the way coder handles it. A template import is canceled on the server (the SDK does that when the signal
 * aborts); a workspace build is only no longer followed, it keeps running, and the message says how to follow
 * it again. SIGTERM and SIGHUP are handled the same way. A second Ctrl-C (or signal) exits at once with 130 (143,
 * 129). An interrupted `up` says what exists on the server afterwards, from the facts its error carries.
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
  const scope = ctx.trapInterrupts((signal) => {
    const again = ctx.colors.dim("(Ctrl-C again to exit now)");
    const got = signal === "SIGINT" ? "" : `${signal}: `;
    const text =
      phase === "import"
        ? "Canceling the template import on the server..."
        : phase === "other"
          ? "Stopping..."
          : "Stopping; the workspace build keeps running on the server.";
    ctx.stderr(`\n${got}${text} ${again}\n`);
  });
  try {
    const result = await work(scope.signal, onEvent);
    renderer.close();
    return result;
  } catch (error) {
    renderer.fail();
    if (error instanceof UpInterruptedError) throw upInterruptAdvice(error, scope.received);
    const facts = scope.interrupted && error instanceof CoderAbortError ? pushFacts(error) : undefined;
    if (facts)
      throw new InterruptedError(`${interruptedBy(scope.received)}: ${facts}`, { signal: scope.received });
    if (scope.interrupted) throw interrupted(phase, options.workspace, scope.received);
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

/**
 * What an interrupted push left on the server, from the SDK's facts (the phase alone cannot tell: an interrupt
 * while the version create is in flight cancels an import that never showed a stage, and a refused cancel leaves
 * one running); undefined for any other abort.
 */
export function pushFacts(error: CoderAbortError): string | undefined {
  if (error instanceof TemplateImportCanceledError) {
    return `the import of template version ${error.version.name} was canceled on the server.`;
  }
  if (error instanceof PushInterruptedError) return error.message;
  return undefined;
}

function interrupted(
  phase: Phase,
  workspace: string | undefined,
  signal: InterruptSignal | undefined,
): InterruptedError {
  const target = workspace ?? "<workspace>";
  const head = interruptedBy(signal);
  switch (phase) {
    case "import":
      return new InterruptedError(`${head}: the template import was canceled on the server.`, { signal });
    case "build":
      return new InterruptedError(
        `${head}: stopped following the build of ${target}; it keeps running on the server.`,
        { suggestion: `Follow it again with: spt-coder logs ${target}`, signal },
      );
    case "agent":
      return new InterruptedError(
        `${head} while waiting for the agent of ${target}; the workspace keeps starting.`,
        { suggestion: `Check it with: spt-coder status ${target}`, signal },
      );
    default:
      return new InterruptedError(`${head}.`, { signal });
  }
}
