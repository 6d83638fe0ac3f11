/**
 * Latency and rate arithmetic for the reports: pure, so it is unit-tested directly.
 */

/** The p-th percentile (0 < p ≤ 100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1]!, mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

/** Events per second; 0 when no time passed. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

/** Counts labels: `tally(['200', '200', '409'])` → `{200: 2, 409: 1}`. */
export function tally(labels: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

/**
 * Times at which paced (open-loop) arrivals are due: `count` arrivals at `ratePerSec`
 * from `start`, evenly spaced. Latency is then measured from the due time, so a
 * stalled system is charged for the requests it delayed (no coordinated omission).
 */
export function arrivalTimes(start: number, ratePerSec: number, count: number): number[] {
  if (!(ratePerSec > 0)) throw new RangeError('rate must be positive');
  const gap = 1000 / ratePerSec;
  return Array.from({ length: count }, (_, i) => start + i * gap);
}
