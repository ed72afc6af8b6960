/**
 * Timers for job and agent lifecycles. Unref'd so a forgotten fake never keeps a test process alive, and all
 * cancelled at once by `dispose()`.
 */
export class Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(readonly stepDelayMs: number) {}

  /** Resolves after `ms` (default: one step). Never resolves once disposed, which ends every lifecycle. */
  sleep(ms = this.stepDelayMs): Promise<void> {
    return new Promise((resolve) => {
      if (this.disposed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref?.();
      this.timers.add(timer);
    });
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
