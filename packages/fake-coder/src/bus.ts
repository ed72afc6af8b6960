/**
 * A tiny pubsub keyed by id, standing in for coderd's Postgres pubsub: log followers subscribe to a job or an
 * agent, and producers publish new logs and end-of-logs.
 */
export class Bus<E> {
  private readonly listeners = new Map<string, Set<(event: E) => void>>();

  /** Subscribes to `key`; returns the unsubscribe function. */
  subscribe(key: string, listener: (event: E) => void): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  publish(key: string, event: E): void {
    for (const listener of [...(this.listeners.get(key) ?? [])]) listener(event);
  }
}
