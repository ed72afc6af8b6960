// Summary statistics for benchmark samples: median and spread (min/max, quartiles, IQR), percentiles.

/** The q-quantile (0..1) of already sorted numbers, interpolating linearly between ranks (type 7, as R/NumPy). */
export function quantileSorted(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The q-quantile of unsorted numbers. */
export function quantile(values, q) {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** The median of unsorted numbers. */
export function median(values) {
  return quantile(values, 0.5);
}

/** n, median, p50, p99, min, max, q1, q3, IQR and mean of a sample. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5),
    p50: quantileSorted(sorted, 0.5),
    p99: quantileSorted(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1,
    q3,
    iqr: q3 - q1,
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
  };
}

/** Milliseconds with a precision that suits their size. */
export function ms(value) {
  if (!Number.isFinite(value)) return "–";
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

/** Spread of a summary as "IQR x (min–max)", in ms. */
export function spread(s) {
  return `IQR ${ms(s.iqr)} (${ms(s.min)}–${ms(s.max)})`;
}

/** Bytes as MiB/KiB. */
export function bytes(value) {
  if (!Number.isFinite(value)) return "–";
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

/** A ratio as "1.23x". */
export function ratio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : "–";
}
