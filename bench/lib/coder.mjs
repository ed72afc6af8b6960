// Shared pieces of the benchmarks that run the SDK against the fake Coder over loopback.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The endpoint of a URL or path: UUIDs become `{id}`, and the names in by-name lookups become `{name}` so that
 * requests for different workspaces or templates count as one endpoint.
 */
export function endpointOf(urlOrPath) {
  const path = urlOrPath.startsWith("http") ? new URL(urlOrPath).pathname : urlOrPath.split("?")[0];
  return path
    .replace(UUID, "{id}")
    .replace(/^(\/api\/v2\/users\/[^/]+\/workspace\/)[^/]+$/, "$1{name}")
    .replace(/^(\/api\/v2\/organizations\/[^/]+\/templates\/)[^/]+$/, "$1{name}");
}

/**
 * Records every HTTP attempt the SDK makes through a client's `onRequest` hook, with the time it was sent
 * (hook time minus its duration), in ms on this process's `performance.now()` clock.
 */
export function requestRecorder() {
  const traces = [];
  return {
    traces,
    onRequest(trace) {
      const now = performance.now();
      traces.push({
        ...trace,
        endpoint: `${trace.method} ${endpointOf(trace.url)}`,
        sentAt: now - trace.durationMs,
        doneAt: now,
      });
    },
    clear() {
      traces.length = 0;
    },
  };
}

/** Counts of traces per endpoint, as a Map. */
export function countByEndpoint(traces) {
  const counts = new Map();
  for (const t of traces) counts.set(t.endpoint, (counts.get(t.endpoint) ?? 0) + 1);
  return counts;
}

/**
 * For each endpoint and each concrete URL, the gaps between the send times of successive requests to the same
 * URL (a poll hits one build, one workspace); returns Map endpoint -> smallest gap in ms.
 */
export function minGapByEndpoint(traces) {
  const byUrl = new Map();
  for (const t of traces) {
    const key = `${t.method} ${t.url}`;
    if (!byUrl.has(key)) byUrl.set(key, []);
    byUrl.get(key).push(t);
  }
  const gaps = new Map();
  for (const list of byUrl.values()) {
    list.sort((a, b) => a.sentAt - b.sentAt);
    for (let i = 1; i < list.length; i++) {
      const gap = list[i].sentAt - list[i - 1].sentAt;
      const e = list[i].endpoint;
      gaps.set(e, Math.min(gaps.get(e) ?? Number.POSITIVE_INFINITY, gap));
    }
  }
  return gaps;
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight; resolves with settled results in order. */
export async function pool(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async (slot) => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(items[i], i, slot) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, (_, slot) => worker(slot)));
  return results;
}

/** Samples this process's RSS every `everyMs` until stopped; returns the peak in bytes. */
export function rssSampler(everyMs = 20) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}
