/**
 * A deadline for one attempt, held by a real timer. `AbortSignal.timeout()` is not used on purpose: on Node 20 a
 * timeout signal that is only reachable through `AbortSignal.any()` can be garbage-collected while the request is
 * pending, and then it never fires (a server that accepts and never answers hung the CLI for ever). A `setTimeout`
 * is held by the event loop until it fires or is cleared, so the deadline holds whatever the collector does.
 */
export interface Deadline {
  /** Aborts when the deadline passes or the caller's signal aborts. */
  readonly signal: AbortSignal;
  /** True once the deadline itself (not the caller) aborted the attempt. */
  readonly expired: boolean;
  /** Stops the timer and detaches from the caller's signal; call it when the attempt is over, whatever happened. */
  clear(): void;
}

/** Starts a deadline of `ms` milliseconds that also follows `parent` (the caller's signal). */
export function startDeadline(ms: number, parent?: AbortSignal | null): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`deadline of ${ms} ms passed`, "TimeoutError"));
  }, ms);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
