/**
 * Faults tests switch on: failing, slowing or dropping requests, cutting log streams, and steering jobs and agents
 * to outcomes real Coder can produce. Every rule is used up after `times` matches (default 1; `Infinity` allowed).
 */
import type { JobType, Transition } from "./state.js";

/** Which requests a rule applies to. `path` is the URL path (no query); `*` matches within one segment. */
export interface RouteMatcher {
  method?: string;
  path: string | RegExp;
  times?: number;
}

/** Answer matching requests with this status (and body) instead of handling them. */
export interface FailRule extends RouteMatcher {
  status: number;
  /** JSON body; default `{"message": "Injected fault: <status>."}`. A string is sent as text/plain. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Handle matching requests only after `ms` milliseconds. */
export interface DelayRule extends RouteMatcher {
  ms: number;
}

/** Break the connection: before any response byte, or after the headers and half of the body. */
export interface DropRule extends RouteMatcher {
  when?: "before-response" | "mid-response";
}

/** Cut a WebSocket log stream (no close frame) after `afterFrames` frames have been sent. */
export interface DropStreamRule extends RouteMatcher {
  afterFrames: number;
}

/**
 * Make a resumed log stream (`after` > 0) repeat the last `frames` logs before `after`, as a proxy that replays
 * or a reconnect racing the last frames can: a client must drop what it already has.
 */
export interface ReplayLogsRule extends RouteMatcher {
  frames: number;
}

/** Which jobs a job rule applies to: an existing job by id, or the next jobs created of a kind. */
export interface JobMatcher {
  jobId?: string;
  type?: JobType;
  transition?: Transition;
  times?: number;
}

/** Keep a job pending: for ever, or until `until` settles (then a provisioner picks it up as usual). */
export interface HoldJobRule extends JobMatcher {
  until?: PromiseLike<unknown>;
}

/** Make a job fail with this error (and error code) when it reaches `atStage` (default: its first stage). */
export interface FailJobRule extends JobMatcher {
  error: string;
  errorCode?: string;
  atStage?: string;
}

/** What happens to the agents of the next start builds. */
export interface AgentRule {
  outcome: "never_connects" | "start_error" | "start_timeout";
  times?: number;
}

interface Counted<T> {
  rule: T;
  left: number;
}

function take<T>(list: Counted<T>[], match: (rule: T) => boolean): T | undefined {
  const index = list.findIndex((entry) => match(entry.rule));
  if (index < 0) return undefined;
  const entry = list[index]!;
  entry.left -= 1;
  if (entry.left <= 0) list.splice(index, 1);
  return entry.rule;
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(path);
  if (!pattern.includes("*")) return pattern === path;
  const re = new RegExp(`^${pattern.split("*").map(escapeRegex).join("[^/]*")}$`);
  return re.test(path);
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

function routeMatches(rule: RouteMatcher, method: string, path: string): boolean {
  return (!rule.method || rule.method.toUpperCase() === method.toUpperCase()) && pathMatches(rule.path, path);
}

function counted<T extends { times?: number }>(rule: T): Counted<T> {
  return { rule, left: rule.times ?? 1 };
}

/** The fault switchboard of one fake. */
export class Faults {
  private readonly failures: Counted<FailRule>[] = [];
  private readonly delays: Counted<DelayRule>[] = [];
  private readonly drops: Counted<DropRule>[] = [];
  private readonly streamDrops: Counted<DropStreamRule>[] = [];
  private readonly logReplays: Counted<ReplayLogsRule>[] = [];
  private readonly jobFailures: Counted<FailJobRule>[] = [];
  private readonly jobHolds: Counted<HoldJobRule>[] = [];
  private readonly agentRules: Counted<AgentRule>[] = [];

  /** Answer the next `times` matching requests with `status`. */
  failNext(rule: FailRule): void {
    this.failures.push(counted(rule));
  }

  /** Delay the next `times` matching requests by `ms`. */
  delay(rule: DelayRule): void {
    this.delays.push(counted(rule));
  }

  /** Drop the connection of the next `times` matching requests. */
  dropConnection(rule: DropRule): void {
    this.drops.push(counted(rule));
  }

  /** Cut the next `times` matching WebSocket log streams after `afterFrames` frames. */
  dropStream(rule: DropStreamRule): void {
    this.streamDrops.push(counted(rule));
  }

  /** Make the next `times` resumed log streams on matching paths repeat their last `frames` logs. */
  replayLogs(rule: ReplayLogsRule): void {
    this.logReplays.push(counted(rule));
  }

  /** Make a job (by id, or the next ones created of a type/transition) fail with `error`. */
  failJob(rule: FailJobRule): void {
    this.jobFailures.push(counted(rule));
  }

  /**
   * Keep a job (by id, or the next ones created) pending: no provisioner picks it up, for ever or until
   * `rule.until` settles (a test releases it on an event, never after a time).
   */
  holdJob(rule: HoldJobRule = {}): void {
    this.jobHolds.push(counted(rule));
  }

  /** Steer the agents of the next start builds to a degraded outcome. */
  agent(rule: AgentRule): void {
    this.agentRules.push(counted(rule));
  }

  /** Removes every rule. */
  clear(): void {
    for (const list of [
      this.failures,
      this.delays,
      this.drops,
      this.streamDrops,
      this.logReplays,
      this.jobFailures,
      this.jobHolds,
      this.agentRules,
    ]) {
      list.length = 0;
    }
  }

  /** @internal */
  takeFailure(method: string, path: string): FailRule | undefined {
    return take(this.failures, (r) => routeMatches(r, method, path));
  }

  /** @internal */
  takeDelay(method: string, path: string): DelayRule | undefined {
    return take(this.delays, (r) => routeMatches(r, method, path));
  }

  /** @internal */
  takeDrop(method: string, path: string): DropRule | undefined {
    return take(this.drops, (r) => routeMatches(r, method, path));
  }

  /** @internal */
  takeStreamDrop(path: string): DropStreamRule | undefined {
    return take(this.streamDrops, (r) => routeMatches(r, "GET", path));
  }

  /** @internal */
  takeLogReplay(path: string): ReplayLogsRule | undefined {
    return take(this.logReplays, (r) => routeMatches(r, "GET", path));
  }

  /** @internal A rule for this job; rules naming the job by id also wait for their `atStage`. */
  takeJobFailure(
    job: { id: string; type: JobType },
    transition?: Transition,
    stage?: string,
  ): FailJobRule | undefined {
    return take(
      this.jobFailures,
      (r) => jobMatches(r, job, transition) && (!r.jobId || !r.atStage || r.atStage === stage),
    );
  }

  /** @internal */
  takeJobHold(job: { id: string; type: JobType }, transition?: Transition): HoldJobRule | undefined {
    return take(this.jobHolds, (r) => jobMatches(r, job, transition));
  }

  /** @internal */
  takeAgentRule(): AgentRule | undefined {
    return take(this.agentRules, () => true);
  }

  /** @internal True when a rule names this job explicitly (checked on every step, not only at creation). */
  hasJobRuleFor(jobId: string): boolean {
    return (
      this.jobFailures.some((e) => e.rule.jobId === jobId) ||
      this.jobHolds.some((e) => e.rule.jobId === jobId)
    );
  }
}

function jobMatches(rule: JobMatcher, job: { id: string; type: JobType }, transition?: Transition): boolean {
  if (rule.jobId) return rule.jobId === job.id;
  if (rule.type && rule.type !== job.type) return false;
  if (rule.transition && rule.transition !== transition) return false;
  return true;
}
