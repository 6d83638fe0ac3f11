import { DEFAULT_CONSUMER_SETTINGS, DUPLICATE_WINDOW_MS, redeliveryDelayMs } from '@bitcraps/messaging';
import { durabilityProblems, retryWindowMs, type StoreFacts } from './durability';

const durable = (over: Partial<StoreFacts> = {}): StoreFacts => ({ kind: 'stream', name: 'CMD', replicas: 3, duplicateWindowMs: DUPLICATE_WINDOW_MS, planned: false, ...over });

describe('retryWindowMs', () => {
  it('adds the backoff delays between the maxDeliver deliveries, as the server computes them', () => {
    expect(retryWindowMs({ maxDeliver: 1 })).toBe(0);
    expect(retryWindowMs({ maxDeliver: 3 }, 100)).toBe(100 + 200);
    expect(retryWindowMs(DEFAULT_CONSUMER_SETTINGS)).toBe(Array.from({ length: DEFAULT_CONSUMER_SETTINGS.maxDeliver - 1 }, (_, i) => redeliveryDelayMs(i + 1)).reduce((a, b) => a + b, 0));
    // the delay is capped at 30 s per redelivery
    expect(retryWindowMs({ maxDeliver: 21 }, 1_000)).toBe(1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 15 * 30_000);
  });

  it('the default settings fit in the default de-duplication window', () => {
    expect(retryWindowMs()).toBeLessThanOrEqual(DUPLICATE_WINDOW_MS);
  });
});

describe('durabilityProblems', () => {
  it('accepts 3 replicas and a window at least as long as the retries', () => {
    expect(durabilityProblems([durable(), durable({ name: 'EVT' }), durable({ kind: 'bucket', name: 'sagas', duplicateWindowMs: undefined })], 120_000)).toEqual([]);
  });

  it('names each stream or bucket with fewer than 3 replicas and the number', () => {
    const problems = durabilityProblems([durable({ replicas: 1 }), durable({ kind: 'bucket', name: 'players', replicas: 2, duplicateWindowMs: undefined }), durable({ name: 'LEDGER', replicas: 5 })], 3_000);
    expect(problems).toEqual([expect.stringMatching(/^stream CMD has 1 replica, fewer than 3/), expect.stringMatching(/^bucket players has 2 replicas, fewer than 3/)]);
  });

  it('says "would be created with" for what does not exist yet', () => {
    expect(durabilityProblems([durable({ name: 'EVT', replicas: 1, planned: true })], 0)).toEqual([expect.stringMatching(/^stream EVT would be created with 1 replica, fewer than 3 \(set STREAM_REPLICAS=3\)$/)]);
  });

  it('refuses a de-duplication window shorter than the retry window, naming both numbers', () => {
    expect(durabilityProblems([durable({ duplicateWindowMs: 2_000 })], 3_000)).toEqual(['stream CMD has a de-duplication window of 2000 ms, shorter than the 3000 ms a command may be retried']);
    expect(durabilityProblems([durable({ duplicateWindowMs: 3_000 })], 3_000)).toEqual([]);
  });

  it('takes the minimum replica count as a parameter', () => {
    expect(durabilityProblems([durable({ replicas: 3 })], 0, 5)).toEqual([expect.stringContaining('fewer than 5')]);
  });
});
