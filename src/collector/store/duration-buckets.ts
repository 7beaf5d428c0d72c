/**
 * Request durations are kept as a log-scale histogram: 16 buckets per doubling, so bucket
 * `b` holds durations in [2^(b/16), 2^((b+1)/16)) ms, each bucket about 4.4 % wide.
 *
 * Precision of p50/p95: a percentile is reported as the geometric middle of the bucket that
 * holds the exact (nearest-rank) percentile, 2^((b+0.5)/16), which is within 2.2 % of every
 * duration in that bucket; it is then rounded to 3 significant digits (at most 0.5 % more).
 * So a reported percentile is within 2.7 % of the exact one. Durations under 1/1024 ms
 * (about 1 µs) all land in one bucket reported as 0.
 */
export const BUCKETS_PER_DOUBLING = 16;

/** The lowest bucket: every duration under 2^-10 ms. */
export const ZERO_BUCKET = -10 * BUCKETS_PER_DOUBLING - 1;

/** The histogram bucket of a duration in ms, or null when the duration is unknown or not a number >= 0. */
export function durationBucket(durationMs: number | undefined): number | null {
  if (durationMs === undefined || !Number.isFinite(durationMs) || durationMs < 0) return null;
  return Math.max(ZERO_BUCKET, Math.floor(Math.log2(durationMs) * BUCKETS_PER_DOUBLING));
}

/** The value a bucket stands for: its geometric middle in ms, 3 significant digits (0 for the lowest). */
export function bucketValueMs(bucket: number): number {
  if (bucket <= ZERO_BUCKET) return 0;
  return Number((2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING)).toPrecision(3));
}

/**
 * The nearest-rank percentile (`fraction` 0.5 for p50) of a histogram (bucket -> count), as
 * its bucket's value; null when the histogram is empty.
 */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, fraction: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * total));
  const buckets = [...histogram.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const bucket of buckets) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return bucketValueMs(bucket);
  }
  return null;
}
