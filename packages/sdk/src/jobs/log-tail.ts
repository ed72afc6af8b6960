import type { ProvisionerJobLog } from "../types.js";

/** Keeps the last `size` log lines of a job, to quote them when it fails. */
export class LogTail {
  private readonly lines: string[] = [];
  constructor(private readonly size = 15) {}

  add(log: ProvisionerJobLog): void {
    this.lines.push(`${log.stage ? `[${log.stage}] ` : ""}${log.output}`);
    if (this.lines.length > this.size) this.lines.shift();
  }

  get all(): string[] {
    return [...this.lines];
  }
}
