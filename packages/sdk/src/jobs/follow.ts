import { clientInternals } from "../client/internals.js";
import { backoffDelay, sleep } from "../client/retry.js";
import type { CoderClient } from "../coder-client.js";
import {
  CoderAbortError,
  CoderConnectionError,
  CoderMalformedResponseError,
  CoderResponseTooLargeError,
} from "../errors/base.js";
import type { ProvisionerJob, ProvisionerJobLog, TemplateVersion, WorkspaceBuild } from "../types.js";
import { isJobTerminal } from "./job-status.js";
import { jobProblem, readLogs } from "./log-shape.js";
import { type LogSocket, openLogSocket, type SocketEnd } from "./log-socket.js";
import { AsyncQueue } from "./queue.js";

/** The job poll interval, as the coder CLI's (1 s). Log polling in the fallback uses the same pace. */
export const JOB_POLL_INTERVAL_MS = 1000;

/**
 * The job poll beside an open log socket once the job has left the queue: a backstop only. A started job's
 * stream ends by itself: its provisioner publishes the end of the logs when the job completes or fails (a canceled
 * one fails), and Coder's job reaper does for a job whose provisioner vanished. Only a job canceled while still
 * pending is completed without that message (Coder sets its `completed_at` directly), so the poll keeps
 * {@link JOB_POLL_INTERVAL_MS} while the job is pending.
 */
export const STARTED_JOB_POLL_INTERVAL_MS = 15_000;

/** Which provisioner job to follow: a template version's import or a workspace build. */
export interface JobRef {
  kind: "template-version" | "workspace-build";
  id: string;
}

/** Options of {@link followJobLogs}. */
export interface FollowJobLogsOptions {
  job: JobRef;
  /** Start after this log id (resume); default 0, the whole log. */
  after?: number;
  signal?: AbortSignal;
  /** Job (and fallback log) poll interval; default {@link JOB_POLL_INTERVAL_MS}. */
  pollIntervalMs?: number;
  /**
   * The job poll beside an open socket once the job has started; default {@link STARTED_JOB_POLL_INTERVAL_MS}
   * (never shorter than `pollIntervalMs`).
   */
  startedPollIntervalMs?: number;
  /** `auto` (default) tries the WebSocket and falls back to polling; the others force one way. */
  transport?: "auto" | "websocket" | "polling";
  /** How long to wait for the socket to close after the job is seen finished; default 2 s. */
  closeGraceMs?: number;
  /** How long the WebSocket upgrade may take before polling takes over; default 30 s. */
  handshakeTimeoutMs?: number;
  /** How long an open WebSocket may stay silent (no frame, no ping) before it is reconnected; default 60 s. */
  idleTimeoutMs?: number;
  /** Called with every fresh copy of the job. */
  onJob?: (job: ProvisionerJob) => void;
}

/** The logs of one provisioner job as an `AsyncIterable`; `job` holds the last state seen. */
export interface JobLogStream extends AsyncIterable<ProvisionerJobLog> {
  /** The job as last fetched; after the loop ends it is finished (succeeded, failed or canceled). */
  readonly job: ProvisionerJob | undefined;
  /** The template version or workspace build as last fetched (with `job`), to spare the caller a request. */
  readonly latest: TemplateVersion | WorkspaceBuild | undefined;
  /** How logs arrived last: over the WebSocket or by polling `?after=`. */
  readonly via: "websocket" | "polling" | undefined;
  /** Stops following: closes the socket and ends the loop. Leaving a `for await` loop does the same. */
  close(): void;
}

const MAX_SOCKET_RECONNECTS = 5;

/**
 * Logs read ahead of a reader that is behind (a stalled terminal): past this many the socket is paused and no
 * poll is sent, so memory stays bounded whatever the log's length.
 */
const READ_AHEAD_LOGS = 10_000;

/**
 * Follows the logs of a provisioner job until it finishes, as the coder CLI does: the WebSocket follow stream
 * plus a job poll alongside. The poll matters because canceling a still-pending job never publishes
 * end-of-logs, so the socket could stay open forever. After a dropped socket it reconnects with `after=<last id>`
 * (no duplicate, no gap); when the socket cannot be used at all (a proxy without upgrades, an in-process mock) it
 * polls `GET .../logs?after=` instead. Works on Node 20 and 24 (it uses the `ws` package, not a global).
 */
export function followJobLogs(client: CoderClient, options: FollowJobLogsOptions): JobLogStream {
  const { kind, id } = options.job;
  const interval = options.pollIntervalMs ?? JOB_POLL_INTERVAL_MS;
  const startedInterval = Math.max(interval, options.startedPollIntervalMs ?? STARTED_JOB_POLL_INTERVAL_MS);
  const graceMs = options.closeGraceMs ?? 2000;
  const internals = clientInternals(client);
  const queue = new AsyncQueue<ProvisionerJobLog>(READ_AHEAD_LOGS);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let lastId = options.after ?? 0;
  let job: ProvisionerJob | undefined;
  let latest: TemplateVersion | WorkspaceBuild | undefined;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  let via: "websocket" | "polling" | undefined;
  let socket: LogSocket | undefined;
  let paused = false;

  const accept = (log: ProvisionerJobLog) => {
    if (log.id <= lastId) return; // a resumed socket may repeat what we already have
    lastId = log.id;
    if (queue.push(log) || !socket || paused) return;
    // The reader is behind: read no further until it has caught up (the server's own buffers hold the rest).
    const behind = socket;
    paused = true;
    behind.pause();
    void queue.room().then(() => {
      paused = false;
      behind.resume();
    });
  };

  const malformed = (where: string, problem: string) =>
    new CoderMalformedResponseError({ where: `GET ${where}`, problem });

  /**
   * Fetches the job. `paced` (the polling loops): never sooner than `interval` after the previous fetch of it (the
   * documented pace). Unpaced: the read beside an open socket, which sleeps its interval first anyway, and the one
   * read after the stream ended by itself, which would otherwise wait out the pace with the job already done.
   */
  const fetchJob = async (paced = true) => {
    const wait = lastFetchAt + interval - performance.now();
    if (paced && wait > 0) await sleep(wait, signal);
    const fetched =
      kind === "template-version"
        ? await client.templateVersions.get(id, { signal })
        : await client.builds.get(id, { signal });
    const problem = jobProblem(fetched);
    if (problem) throw malformed(`/api/v2/${route}/${id}`, problem);
    latest = fetched;
    lastFetchAt = performance.now(); // counted from the answer, so two sends are never closer than `interval`
    job = latest.job;
    options.onJob?.(job);
    return job;
  };

  const pollLogs = async () => {
    await queue.room(); // no poll while the reader is behind
    const answer: unknown =
      kind === "template-version"
        ? await client.templateVersions.logs(id, lastId, { signal })
        : await client.builds.logs(id, lastId, { signal });
    const read = readLogs(answer, true);
    if ("problem" in read) throw malformed(`/api/v2/${route}/${id}/logs`, read.problem);
    for (const log of read.logs) accept(log);
  };

  const route = kind === "template-version" ? "templateversions" : "workspacebuilds";
  const socketPath = () => `/api/v2/${route}/${encodeURIComponent(id)}/logs?follow&after=${lastId}`;

  /** Follows over WebSocket; returns false when polling must take over. */
  const followSocket = async (): Promise<boolean> => {
    let failures = 0;
    let everOpened = false;
    while (!signal.aborted) {
      socket = openLogSocket(
        internals,
        socketPath(),
        (log) => {
          via = "websocket";
          accept(log);
        },
        { handshakeTimeoutMs: options.handshakeTimeoutMs, idleTimeoutMs: options.idleTimeoutMs },
      );
      const end = await Promise.race([socket.finished, closeWhenJobEnds(socket)]);
      socket = undefined;
      if (end.kind === "done") return true;
      if (signal.aborted) return true;
      if (end.kind === "too-large") {
        const path = `/api/v2/${route}/${id}/logs`;
        throw new CoderResponseTooLargeError({ limitBytes: end.limitBytes, method: "WebSocket", path });
      }
      if (end.kind === "malformed") return false; // the stream is broken: polling may still work
      if (end.opened) everOpened = true;
      if (!everOpened) return false; // never worked: the socket is not usable here
      if (isJobTerminal(job)) return false; // finished while dropped: one poll collects the rest
      if (++failures > MAX_SOCKET_RECONNECTS) return false;
      await sleep(backoffDelay(failures - 1), signal).catch(() => {});
    }
    return true;
  };

  /**
   * Polls the job beside an open socket (briskly while it is pending, then as a backstop); closes the socket when
   * the job ended but the stream did not.
   */
  const closeWhenJobEnds = async (open: LogSocket): Promise<SocketEnd> => {
    let settled = false;
    open.finished.then(() => {
      settled = true;
    });
    while (!settled && !signal.aborted) {
      const started = job !== undefined && job.status !== "pending";
      await sleep(started ? startedInterval : interval, signal).catch(() => {});
      if (settled || signal.aborted) break;
      if (isJobTerminal(await fetchJob(false))) {
        // The stream gets a grace period to end on its own; one that still brings logs, or is paused because its
        // reader is behind, is not cut off: only a grace period without a new log ends it.
        for (let seen = -1; !settled && !signal.aborted && seen !== lastId; ) {
          seen = lastId;
          await queue.room();
          await Promise.race([open.finished, sleep(graceMs, signal).catch(() => {})]);
        }
        if (!settled) open.close();
        break;
      }
    }
    return open.finished;
  };

  const pollUntilDone = async () => {
    via = "polling";
    for (;;) {
      // The job state is read before the log poll, so logs written before it finished are never missed.
      const finished = isJobTerminal(job);
      await pollLogs();
      if (finished) return;
      await fetchJob(); // paced to the poll interval
    }
  };

  const run = async () => {
    // An abort must also end a socket that would otherwise stay open (a pending job never ends its stream).
    signal.addEventListener("abort", () => socket?.close(), { once: true });
    try {
      // No fetch up front: the socket itself tells when the job is done (Coder sends the backlog and closes with
      // 1000 at once for a finished job), so the job is read only alongside and at the end.
      if (options.transport === "polling") {
        await fetchJob();
        await pollUntilDone();
      } else if (await followSocket()) {
        if (!isJobTerminal(job)) await fetchJob(false);
        if (!isJobTerminal(job)) await pollUntilDone();
      } else {
        if (!isJobTerminal(job)) await fetchJob();
        // Asked for the socket only, and it would not open (a proxy without WebSocket support): a connection failure.
        if (options.transport === "websocket")
          throw new CoderConnectionError("The log WebSocket could not be used", "websocket");
        await pollUntilDone();
      }
      if (signal.aborted) throw signal.reason;
      queue.end();
    } catch (error) {
      if (options.signal?.aborted) queue.fail(new CoderAbortError("Following the job logs was aborted"));
      else if (stop.signal.aborted)
        queue.end(); // the consumer left the loop: nothing to report
      else queue.fail(error);
    } finally {
      socket?.close();
    }
  };

  let started = false;
  const close = () => {
    stop.abort();
    socket?.close();
    queue.end();
  };

  return {
    get job() {
      return job;
    },
    get via() {
      return via;
    },
    get latest() {
      return latest;
    },
    close,
    async *[Symbol.asyncIterator]() {
      if (!started) {
        started = true;
        void run();
      }
      try {
        yield* queue;
      } finally {
        close();
      }
    },
  };
}
