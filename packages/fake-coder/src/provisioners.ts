/**
 * Provisioner capacity: a fixed set of daemons, each running one job at a time, as coderd's built-in provisioners
 * do (`CODER_PROVISIONER_DAEMONS`, default 3). A job no daemon is free for stays `pending`; daemons take waiting
 * jobs oldest first (coderd's `AcquireProvisionerJob` orders by `created_at`), only those whose tags they carry
 * (`provisioner_tagset_contains`), and a job canceled while it waits is never picked up.
 */
import { nowIso } from "./ids.js";
import type { JobRecord } from "./state.js";

/** How many daemons the fake runs when not told: coderd's default for built-in provisioner daemons. */
export const DEFAULT_PROVISIONER_DAEMONS = 3;

/** The key coderd's built-in daemons authenticate with (`codersdk.ProvisionerKeyIDBuiltIn`). */
export const BUILT_IN_KEY_ID = "00000000-0000-0000-0000-000000000001";

/** The tags coderd's built-in daemons carry (`provisionersdk.MutateTags` of no tags). */
export const BUILT_IN_DAEMON_TAGS: Readonly<Record<string, string>> = { owner: "", scope: "organization" };

/**
 * `provisioner_tagset_contains`: a daemon takes a job whose tags are all among its own; an untagged job (only the
 * default tags) goes only to a daemon with exactly those tags.
 */
export function tagsetContains(daemon: Record<string, string>, job: Record<string, string>): boolean {
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  if (same(job, BUILT_IN_DAEMON_TAGS)) return same(job, daemon);
  return Object.entries(job).every(([k, v]) => daemon[k] === v);
}

/** One provisioner daemon. */
export interface DaemonRecord {
  id: string;
  name: string;
  createdAt: string;
  tags: Record<string, string>;
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
  constructor(count: number, firstId: string, tagged: Record<string, string>[] = []) {
    const createdAt = nowIso();
    this.daemons = Array.from({ length: count }, (_, i) => ({
      id: i === 0 ? firstId : daemonId(i),
      name: count === 1 ? "fake-provisioner" : `fake-provisioner-${i + 1}`,
      createdAt,
      tags: { ...BUILT_IN_DAEMON_TAGS },
    }));
    tagged.forEach((tags, i) => {
      const id = daemonId(count + i);
      this.daemons.push({
        id,
        name: `fake-provisioner-tagged-${i + 1}`,
        createdAt,
        tags: { ...BUILT_IN_DAEMON_TAGS, ...tags },
      });
    });
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

  /** The daemons that could ever run a job with these tags. */
  matching(tags: Record<string, string>): DaemonRecord[] {
    return this.daemons.filter((d) => tagsetContains(d.tags, tags));
  }

  private dispatch(): void {
    // Jobs canceled while pending were completed on the spot: nobody runs them.
    for (const gone of this.waiting.filter((w) => w.job.completedAt)) gone.resolve(undefined);
    this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => !w.job.completedAt));
    // Each free daemon takes the oldest job it matches; a job no daemon matches waits without blocking others.
    for (const free of this.daemons.filter((d) => d.currentJobId === undefined)) {
      const index = this.waiting.findIndex((w) => tagsetContains(free.tags, w.job.tags));
      if (index < 0) continue;
      const [next] = this.waiting.splice(index, 1);
      if (!next) continue;
      free.currentJobId = next.job.id;
      next.resolve(free);
    }
  }
}

function daemonId(index: number): string {
  return `f4e1c0de-0000-4000-8000-${(0xfa6e + index).toString(16).padStart(12, "0")}`;
}
