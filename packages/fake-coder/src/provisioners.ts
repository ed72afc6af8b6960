/**
 * Provisioner capacity: a fixed set of daemons, each running one job at a time, as coderd's built-in provisioners
 * do (`CODER_PROVISIONER_DAEMONS`, default 3). A job no daemon is free for stays `pending`; daemons take waiting
 * jobs oldest first (coderd's `AcquireProvisionerJob` orders by `created_at`), and a job canceled while it waits
 * is never picked up.
 */
import { nowIso } from "./ids.js";
import type { JobRecord } from "./state.js";

/** How many daemons the fake runs when not told: coderd's default for built-in provisioner daemons. */
export const DEFAULT_PROVISIONER_DAEMONS = 3;

/** The key coderd's built-in daemons authenticate with (`codersdk.ProvisionerKeyIDBuiltIn`). */
export const BUILT_IN_KEY_ID = "00000000-0000-0000-0000-000000000001";

/** One provisioner daemon. */
export interface DaemonRecord {
  id: string;
  name: string;
  createdAt: string;
  /** The job it is running, if any. */
  currentJobId?: string;
  /** The last job it completed. */
  previousJobId?: string;
}

interface Waiting {
  job: JobRecord;
  resolve: (daemon: DaemonRecord | undefined) => void;
}

/** The daemons and the jobs waiting for one. */
export class ProvisionerPool {
  readonly daemons: DaemonRecord[];
  private readonly waiting: Waiting[] = [];

  /** `firstId` is the first daemon's id (the one worker id the fake used before capacity was modelled). */
  constructor(count: number, firstId: string) {
    const createdAt = nowIso();
    this.daemons = Array.from({ length: count }, (_, i) => ({
      id: i === 0 ? firstId : daemonId(i),
      name: count === 1 ? "fake-provisioner" : `fake-provisioner-${i + 1}`,
      createdAt,
    }));
  }

  /**
   * Resolves with the daemon that took `job`, once one is free and every job created before it has been taken;
   * with `undefined` when the job was completed (canceled) while it waited.
   */
  acquire(job: JobRecord): Promise<DaemonRecord | undefined> {
    return new Promise((resolve) => {
      this.waiting.push({ job, resolve });
      this.waiting.sort((a, b) => a.job.createdAt.localeCompare(b.job.createdAt));
      this.dispatch();
    });
  }

  /** The daemon running `job` is free again. */
  release(job: JobRecord): void {
    const daemon = this.daemons.find((d) => d.currentJobId === job.id);
    if (!daemon) return;
    delete daemon.currentJobId;
    daemon.previousJobId = job.id;
    this.dispatch();
  }

  private dispatch(): void {
    for (;;) {
      // Jobs canceled while pending were completed on the spot: nobody runs them.
      while (this.waiting[0]?.job.completedAt) this.waiting.shift()?.resolve(undefined);
      const free = this.daemons.find((d) => d.currentJobId === undefined);
      const next = this.waiting[0];
      if (!free || !next) return;
      this.waiting.shift();
      free.currentJobId = next.job.id;
      next.resolve(free);
    }
  }
}

function daemonId(index: number): string {
  return `f4e1c0de-0000-4000-8000-${(0xfa6e + index).toString(16).padStart(12, "0")}`;
}
