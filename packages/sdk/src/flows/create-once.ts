import { backoffDelay, sleep } from "../client/retry.js";
import {
  CoderAbortError,
  CoderConflictError,
  CoderConnectionError,
  CoderRateLimitError,
  CoderServerError,
  CoderTimeoutError,
} from "../errors/base.js";

/** How often a create is sent at most. */
const MAX_ATTEMPTS = 3;

/** What {@link createOnce} needs: the create call, and a lookup for the thing it would have made. */
export interface CreateOnceSteps<T> {
  create: () => Promise<T>;
  /** The thing, when it exists and may be used as the result of this create; `undefined` otherwise. */
  find: () => Promise<T | undefined>;
  signal?: AbortSignal | undefined;
}

/**
 * Sends a create (a POST the transport never repeats on its own) without ever making two things. When the answer
 * is lost (a dropped connection, a timeout, a 5xx, a 429 the transport gave up on) the create may have happened
 * anyway, so `find` looks first, and the create is sent again only when nothing was found (at most
 * {@link MAX_ATTEMPTS} times, with backoff). A 409 means the name is taken: `find` decides whether that thing can be
 * used; `created` is then false.
 */
export async function createOnce<T>(steps: CreateOnceSteps<T>): Promise<{ value: T; created: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await steps.create(), created: true };
    } catch (error) {
      const conflict = error instanceof CoderConflictError;
      if (!conflict && !isLostAnswer(error)) throw error;
      const found = await steps.find();
      if (found) return { value: found, created: !conflict };
      if (conflict || attempt >= MAX_ATTEMPTS - 1) throw error;
      await sleep(backoffDelay(attempt), steps.signal).catch((reason) => {
        throw new CoderAbortError("The create was aborted while waiting to retry", { cause: reason });
      });
    }
  }
}

function isLostAnswer(error: unknown): boolean {
  return (
    error instanceof CoderConnectionError ||
    error instanceof CoderTimeoutError ||
    error instanceof CoderServerError ||
    error instanceof CoderRateLimitError
  );
}
