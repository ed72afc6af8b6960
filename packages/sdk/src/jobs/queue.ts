/**
 * A single-consumer async queue: producers push items, end or fail it; the consumer iterates. The log follower
 * uses it to merge a WebSocket, a polling loop and a job watcher into one `AsyncIterable`.
 *
 * Taking an item is O(1): a read index walks the array, which is compacted once the taken part is at least as long
 * as the rest (`Array.prototype.shift` copies the whole array on every call past V8's small sizes, so a frame of
 * 400k log lines took minutes to drain). A producer that pushes faster than the consumer reads sees `push` return
 * false at the high-water mark, and waits on {@link AsyncQueue.room}: a consumer stalled on a slow terminal then
 * holds the producer (a paused socket, a poll not sent), not an ever-growing queue.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private roomWaiters: (() => void)[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;

  /** `highWaterMark`: how many items may wait before `push` asks the producer to wait; default unbounded. */
  constructor(private readonly highWaterMark = Number.POSITIVE_INFINITY) {}

  /** Items waiting to be taken. */
  get size(): number {
    return this.items.length - this.head;
  }

  /**
   * Adds an item; ignored once the queue has ended. Returns false when the queue holds `highWaterMark` items or
   * more: the producer should wait for {@link room} before pushing again.
   */
  push(item: T): boolean {
    if (this.ended) return true;
    this.items.push(item);
    this.wake();
    return this.size < this.highWaterMark;
  }

  /** Resolves once the queue is below half its high-water mark again, or has ended (at once when it is). */
  room(): Promise<void> {
    if (this.ended || this.size < this.highWaterMark / 2) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Lets the consumer finish after the items already queued. */
  end(): void {
    this.ended = true;
    this.wake();
    this.freeRoom();
  }

  /** Makes the consumer throw `error` after the items already queued. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.end();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private freeRoom(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private take(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined; // let it be collected
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.roomWaiters.length > 0 && this.size < this.highWaterMark / 2) this.freeRoom();
    return item;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.size > 0) {
        yield this.take() as T;
        continue;
      }
      if (this.ended) {
        if (this.failure) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }
}
