import type { CoderClient } from "../coder-client.js";
import { CoderAbortError, CoderError, CoderInvalidInputError } from "../errors/base.js";
import { DEFAULT_FLEET_BUILDS, type FleetConcurrency } from "./fleet-types.js";

/** A counting semaphore: at most `size` holders at once, served in arrival order. */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {}

  /** Resolves once a slot is this caller's; rejects with {@link CoderAbortError} when `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    if (signal?.aborted) throw new CoderAbortError("Aborted while waiting for a build slot");
    await new Promise<void>((resolve, reject) => {
      const granted = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(granted), 1);
        reject(new CoderAbortError("Aborted while waiting for a build slot"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(granted);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

/**
 * One `up()`'s turn at a fleet's build slots: taken before its first build request (or before it waits on a
 * build already in flight), given back as soon as its builds have ended, so that its agents start without
 * holding a provisioner daemon's turn. `take` and `end` may be called more than once; `ended` resolves at the
 * first `end`.
 */
export class BuildTurn {
  private held = false;
  private abortedWaiting = false;
  private resolveEnded = () => {};
  readonly ended = new Promise<void>((resolve) => {
    this.resolveEnded = resolve;
  });
  constructor(private readonly slots: Slots) {}

  async take(signal?: AbortSignal): Promise<void> {
    if (this.held) return;
    try {
      await this.slots.acquire(signal);
    } catch (error) {
      this.abortedWaiting = true;
      throw error;
    }
    this.held = true;
  }

  end(): void {
    if (this.held) {
      this.held = false;
      this.slots.release();
    }
    this.resolveEnded();
  }

  /** The abort came while it waited for a slot: its item built nothing. */
  get canceledWaiting(): boolean {
    return this.abortedWaiting;
  }
}

/** A `fetch` that lets at most `size` requests be in flight, the body read included. */
export function limitedFetch(size: number, inner?: typeof fetch): typeof fetch {
  const slots = new Slots(size);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    await slots.acquire();
    try {
      const response = await (inner ?? globalThis.fetch)(input, init);
      // The transport reads the whole body next; hold the slot until then.
      const body = await response.arrayBuffer();
      return new Response(response.status === 204 || response.status === 304 ? null : body, response);
    } finally {
      slots.release();
    }
  }) as typeof fetch;
}

/** Checks a positive integer option. */
export function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1)
    throw new CoderInvalidInputError(`${name} must be a whole number of at least 1, got ${value}.`);
  return value;
}

/**
 * Builds in flight per online provisioner daemon: one it runs and one waiting in Coder's queue, so that a daemon
 * that ends a build takes the next one at once instead of waiting for this client to notice and send the next
 * create. Measured on a real Coder with 4 daemons and 50 workspaces: with one per daemon they stood idle 12% of
 * the fleet's time (5% when every create is sent at once); more queued would only wait longer in Coder's queue.
 */
export const BUILDS_PER_DAEMON = 2;

/**
 * How many builds to run at once: {@link BUILDS_PER_DAEMON} per provisioner daemon the organization has online, or
 * {@link DEFAULT_FLEET_BUILDS} when the list is not readable (Coder shows it to owners and organization or template
 * admins only) or no daemon is online.
 */
export async function buildConcurrency(
  client: CoderClient,
  organizationId: string,
  requested: number | undefined,
  signal: AbortSignal | undefined,
): Promise<Omit<FleetConcurrency, "requests">> {
  if (requested !== undefined) return { builds: requested, source: "option" };
  let daemons: Awaited<ReturnType<CoderClient["provisioners"]["listDaemons"]>>;
  try {
    daemons = await client.provisioners.listDaemons(organizationId, { limit: 1000 }, { signal });
  } catch (error) {
    if (!(error instanceof CoderError) || error.name === "CoderAbortError") throw error;
    return {
      builds: DEFAULT_FLEET_BUILDS,
      source: "default",
      reason: `listing provisioner daemons failed: ${error.message}`,
    };
  }
  if (!daemons)
    return {
      builds: DEFAULT_FLEET_BUILDS,
      source: "default",
      reason: "this user may not list provisioner daemons",
    };
  const online = daemons.filter((d) => d.status !== "offline").length;
  if (online === 0)
    return {
      builds: DEFAULT_FLEET_BUILDS,
      source: "default",
      reason: "no provisioner daemon is online; builds will wait in Coder's queue",
    };
  return { builds: online * BUILDS_PER_DAEMON, source: "provisioner-daemons" };
}
