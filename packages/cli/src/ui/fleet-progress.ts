/**
 * Progress of `fleet apply` on stderr. On a terminal: a live block redrawn in place, one line per item in flight
 * (its stage, or `queued` while its build waits for a provisioner) and a total line, with finished items printed
 * above it. Elsewhere (CI logs, pipes): plain lines, one per stage an item enters and one when it ends.
 */
import type { FleetEvent, FleetItemResult, StageId } from "@spt-coder/sdk";
import type { Colors } from "./colors.js";

const UP = (n: number) => `\u001b[${n}A`;
const CLEAR_LINE = "\r\u001b[2K";
const REDRAW_MS = 100;

interface InFlight {
  /** The stage it is in (none while it is only picked up), and the stage's text. */
  stage?: StageId;
  label: string;
  since: number;
  /** True while the build stage has seen no log line yet: the job waits for a provisioner daemon. */
  waiting: boolean;
  /** Its place in the provisioner queue (`3 of 12`), when the server said. */
  place?: string;
}

/** Renders {@link FleetEvent}s; `close()` clears the live block. */
export class FleetProgress {
  private readonly inFlight = new Map<string, InFlight>();
  private done = 0;
  private failed = 0;
  private drawn = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly opts: {
      write: (text: string) => void;
      /** Our cursor moves, past the output sanitiser; default `write`. */
      control?: (sequence: string) => void;
      tty: boolean;
      colors: Colors;
      total: number;
    },
  ) {
    if (opts.tty) {
      this.timer = setInterval(() => this.redraw(), REDRAW_MS);
      this.timer.unref?.(); // never keeps the process alive
    }
  }

  handle(event: FleetEvent): void {
    if (event.type === "fleet") {
      const mark =
        event.level === "warning" ? this.opts.colors.yellow("WARN:") : this.opts.colors.dim("fleet");
      this.print(`${mark} ${event.message}`);
      return;
    }
    if (event.type === "item") {
      if (event.state === "start") {
        this.inFlight.set(event.item, { label: "starting", since: Date.now(), waiting: false });
        if (!this.opts.tty) this.print(`${event.item}: picked up`);
      } else {
        this.inFlight.delete(event.item);
        this.done++;
        if (!["created", "started", "reused"].includes(event.result.outcome)) this.failed++;
        this.print(this.finished(event.result));
      }
      this.redraw();
      return;
    }
    const item = this.inFlight.get(event.item);
    if (!item) return;
    const e = event.event;
    if (e.type === "stage" && e.state === "start") {
      item.stage = e.stage;
      item.label = e.label;
      item.waiting = e.stage === "build";
      item.place = undefined;
      if (!this.opts.tty) this.print(`${event.item}: ${e.label}`);
    } else if (e.type === "queued") {
      item.place = `${e.queue_position} of ${e.queue_size}`;
    } else if (e.type === "log" && item.waiting) {
      item.waiting = false;
    } else if (e.type === "warning") {
      this.print(`${this.opts.colors.yellow("WARN:")} ${event.item}: ${e.message}`);
    }
  }

  /** Clears the live block and stops redrawing. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.erase();
  }

  private finished(result: FleetItemResult): string {
    const { colors } = this.opts;
    const ok = ["created", "started", "reused"].includes(result.outcome);
    const mark = ok ? colors.green("✔") : colors.red("✘");
    const time = result.durationMs ? colors.dim(` (${(result.durationMs / 1000).toFixed(1)} s)`) : "";
    const why = result.error ? `: ${result.error.message.split("\n")[0]}` : "";
    return `${mark} ${result.name} ${result.outcome}${time}${why}`;
  }

  private print(line: string): void {
    this.erase();
    this.opts.write(`${line}\n`);
    this.redraw();
  }

  private erase(): void {
    if (!this.opts.tty || this.drawn === 0) return;
    (this.opts.control ?? this.opts.write)(
      `${UP(this.drawn)}${`${CLEAR_LINE}\n`.repeat(this.drawn)}${UP(this.drawn)}`,
    );
    this.drawn = 0;
  }

  private redraw(): void {
    if (!this.opts.tty || this.timer === undefined) return;
    const { colors } = this.opts;
    const now = Date.now();
    const lines = [...this.inFlight].map(([name, s]) => {
      const place = s.place ? `: ${s.place}` : "";
      const stage = s.waiting ? `${s.label} ${colors.dim(`(queued for a provisioner${place})`)}` : s.label;
      return `  ${colors.cyan("⋯")} ${name}  ${stage} ${colors.dim(`${Math.round((now - s.since) / 1000)} s`)}`;
    });
    const building = [...this.inFlight.values()].filter((s) => s.stage === "build").length;
    lines.push(
      colors.bold(
        `${this.done}/${this.opts.total} done · ${this.inFlight.size} in flight (${building} building) · ${this.failed} failed`,
      ),
    );
    this.erase();
    const control = this.opts.control ?? this.opts.write;
    for (const line of lines) {
      control(CLEAR_LINE);
      this.opts.write(`${line}\n`);
    }
    this.drawn = lines.length;
  }
}
