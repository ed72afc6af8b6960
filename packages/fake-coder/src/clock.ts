/**
 * Timers for job and agent lifecycles. Unref'd so a forgotten fake never keeps a test process alive, and all
 * cancelled at once by `dispose()`. A test can hold it ({@link FakeClock}): then no step happens until it says so,
 * so a state that lasts one step is seen however loaded the machine is.
 */
export class Clock implements FakeClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;
  /** While held: the steps that came due, waiting for {@link step} or {@link release}. */
  private held: (() => void)[] | undefined;
  private waiting: (() => void)[] = [];

  constructor(readonly stepDelayMs: number) {}

  /** Resolves after `ms` (default: one step), or later while held. Never resolves once disposed. */
  sleep(ms = this.stepDelayMs): Promise<void> {
    return new Promise((resolve) => {
      if (this.disposed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.held) return resolve();
        this.held.push(resolve);
        for (const wake of this.waiting.splice(0)) wake();
      }, ms);
      timer.unref?.();
      this.timers.add(timer);
    });
  }

  hold(): void {
    this.held ??= [];
  }

  async step(): Promise<void> {
    if (!this.held) return;
    if (this.held.length === 0) await new Promise<void>((wake) => this.waiting.push(wake));
    for (const resolve of this.held?.splice(0) ?? []) resolve();
  }

  release(): void {
    const due = this.held ?? [];
    this.held = undefined;
    for (const resolve of due) resolve();
    for (const wake of this.waiting.splice(0)) wake();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Stops every pending timer. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * The fake's lifecycle time, for tests that must see a state that lasts one step (`canceling`, an agent
 * `starting`) without racing the machine's load: hold it, step it, release it.
 */
export interface FakeClock {
  /** The time one step takes when the clock runs (`stepDelayMs`). */
  readonly stepDelayMs: number;
  /** Stops time: every job and agent step (and watch poll) that comes due waits for {@link step} or {@link release}. */
  hold(): void;
  /** While held: the steps due now happen (after waiting for one to come due, if none has), then time stops again. */
  step(): Promise<void>;
  /** Time runs again; the steps held happen now. */
  release(): void;
}
