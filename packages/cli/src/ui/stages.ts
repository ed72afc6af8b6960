import type { FlowEvent, ProvisionerJobLog } from "@spt-coder/sdk";
import type { Colors } from "./colors.js";
import type { LineSink } from "./lines.js";

/** Coder's stage durations: `[850ms]`, `[1.2s]`, `[2m5s]`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${s % 60}s`;
}

interface OpenStage {
  name: string;
  startedAt: number;
}

/** A job waiting for a provisioner daemon, until its first log line. */
interface Queued {
  source: string;
  text: string;
}

/**
 * Renders `up`'s events the way Coder's CLI renders provisioner jobs (cli/cliui/provisionerjob.go):
 * `==> ⧗ Planning infrastructure` when a stage starts, `=== ✔ Planning infrastructure [1.2s]` (or `=== ✘`) when
 * it ends. Flow stages come from `stage` events; provisioner stages from the `stage` field of log lines, where,
 * as in Coder, the log line that opens a stage is not printed itself. Trace/debug lines only with `verbose`.
 */
export class StageRenderer {
  private flowStages: OpenStage[] = [];
  private jobStage: (OpenStage & { source: string }) | undefined;
  private queued: Queued | undefined;
  private readonly sink: LineSink;
  private readonly colors: Colors;
  private readonly verbose: boolean;
  private readonly now: () => number;
  private readonly time: (iso: string) => string;

  constructor(opts: {
    sink: LineSink;
    colors: Colors;
    verbose?: boolean;
    now?: () => number;
    /** Formats a log timestamp; default local `HH:MM:SS`. */
    time?: (iso: string) => string;
  }) {
    this.sink = opts.sink;
    this.colors = opts.colors;
    this.verbose = opts.verbose ?? false;
    this.now = opts.now ?? Date.now;
    this.time = opts.time ?? localTime;
  }

  /** Handles one event from the SDK. */
  handle(event: FlowEvent): void {
    if (event.type === "stage") this.flowStage(event.label, event.state, event.durationMs);
    else if (event.type === "log") this.log(event.source, event.log);
    else if (event.type === "queued") this.waitInQueue(event.source, event.queue_position, event.queue_size);
    else if (event.type === "warning") this.sink.line(`${this.colors.yellow("WARN:")} ${event.message}`);
    else this.sink.line(event.message);
  }

  /** Ends whatever is open as failed (an error or Ctrl-C interrupted the flow) and stops the spinner. */
  fail(): void {
    this.endJobStage(false);
    for (const stage of this.flowStages.reverse())
      this.endLine(stage.name, false, this.now() - stage.startedAt);
    this.flowStages = [];
    this.sink.close();
  }

  /**
   * Stops the spinner; a job stage still open when the flow ended is closed as successful, at `at` (epoch ms)
   * when given: a build replayed after it finished ended then, not now.
   */
  close(at?: number): void {
    this.endJobStage(true, at);
    this.sink.close();
  }

  private flowStage(name: string, state: "start" | "done" | "failed", durationMs: number | undefined): void {
    this.queued = undefined; // a job canceled while it waited never logs: the next stage ends its wait
    if (state === "start") {
      this.endJobStage(true);
      this.flowStages.push({ name, startedAt: this.now() });
      this.startLine(name);
      return;
    }
    const index = this.flowStages.findLastIndex((s) => s.name === name);
    const open = index >= 0 ? this.flowStages.splice(index, 1)[0] : undefined;
    this.endJobStage(state === "done");
    this.endLine(name, state === "done", durationMs ?? (open ? this.now() - open.startedAt : 0));
    this.refreshStatus();
  }

  /**
   * A job waiting for a daemon has no logs to show, so its place in the queue is what is said: a line when it
   * starts waiting (captured output gets that one line), then the spinner's text follows the place.
   */
  private waitInQueue(source: string, position: number, size: number): void {
    const text = `Queued for a provisioner: position ${position} of ${size}`;
    if (this.queued?.source !== source) {
      this.queued = { source, text };
      this.sink.line(`${this.colors.dim("...")} ${text}`);
    }
    this.queued.text = text;
    this.refreshStatus();
  }

  private log(source: string, log: ProvisionerJobLog): void {
    if (this.queued?.source === source) this.queued = undefined; // a daemon took the job
    const stage = log.stage ?? "";
    if (this.jobStage && this.jobStage.source !== source) this.endJobStage(true);
    if (stage !== "" && stage !== this.jobStage?.name) {
      const at = Date.parse(log.created_at);
      this.endJobStage(true, at);
      this.jobStage = { name: stage, source, startedAt: Number.isNaN(at) ? this.now() : at };
      this.startLine(stage);
      return;
    }
    const level = log.log_level;
    if ((level === "trace" || level === "debug") && !this.verbose) return;
    const paint =
      level === "error" ? this.colors.red : level === "warn" ? this.colors.yellow : (text: string) => text;
    this.sink.line(`${this.colors.dim(this.time(log.created_at))} ${paint(log.output)}`);
  }

  private endJobStage(ok: boolean, at?: number): void {
    const stage = this.jobStage;
    if (!stage) return;
    this.jobStage = undefined;
    const end = at !== undefined && !Number.isNaN(at) ? at : this.now();
    this.endLine(stage.name, ok, end - stage.startedAt);
  }

  private startLine(name: string): void {
    this.sink.line(`${this.colors.cyan("==>")} ⧗ ${name}`);
    this.sink.status(name);
  }

  private endLine(name: string, ok: boolean, ms: number): void {
    const mark = ok ? this.colors.green("✔") : this.colors.red("✘");
    this.sink.line(
      `${this.colors.cyan("===")} ${mark} ${name} ${this.colors.dim(`[${formatDuration(ms)}]`)}`,
    );
    this.refreshStatus();
  }

  private refreshStatus(): void {
    if (this.queued) this.sink.status(this.queued.text, `queued ${this.queued.source}`);
    else this.sink.status(this.jobStage?.name ?? this.flowStages.at(-1)?.name);
  }
}

function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "--:--:--";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
