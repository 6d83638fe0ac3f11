import { arrivalTimes, percentile, ratePerSecond, summarize, tally } from './stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('takes the sample at rank ⌈p/100 · n⌉ of the sorted samples', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 1)).toBe(1);
    expect(percentile([7, 1, 3], 50)).toBe(3);
    expect(percentile([5], 99)).toBe(5);
  });

  it('is NaN without samples and refuses a percentile outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('does not reorder the caller\'s array', () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('gives count, p50, p90, p99, max and mean', () => {
    const s = summarize(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(s).toEqual({ count: 1000, p50: 500, p90: 900, p99: 990, max: 1000, mean: 500.5 });
  });
  it('is all NaN for no samples', () => {
    expect(summarize([])).toMatchObject({ count: 0, p50: NaN, max: NaN });
  });
});

describe('rates and counts', () => {
  it('counts per second, 0 when no time passed', () => {
    expect(ratePerSecond(400, 2_000)).toBe(200);
    expect(ratePerSecond(5, 0)).toBe(0);
  });
  it('tallies labels', () => {
    expect(tally(['200', '409', '200'])).toEqual({ 200: 2, 409: 1 });
  });
  it('spaces paced arrivals evenly from the start', () => {
    expect(arrivalTimes(1_000, 4, 3)).toEqual([1_000, 1_250, 1_500]);
    expect(() => arrivalTimes(0, 0, 1)).toThrow(RangeError);
  });
});
