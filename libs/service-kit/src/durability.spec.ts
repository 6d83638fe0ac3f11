import { DEFAULT_CONSUMER_SETTINGS, DUPLICATE_WINDOW_MS, redeliveryDelayMs } from '@bitcraps/messaging';
import { durabilityProblems, retryWindowMs, type StoreFacts } from './durability';

const durable = (over: Partial<StoreFacts> = {}): StoreFacts => ({ kind: 'stream', name: 'CMD', replicas: 3, duplicateWindowMs: DUPLICATE_WINDOW_MS, planned: false, ...over });

describe('retryWindowMs', () => {
  const delays = (n: number, base?: number) => Array.from({ length: n - 1 }, (_, i) => redeliveryDelayMs(i + 1, base)).reduce((a, b) => a + b, 0);

  it('covers every delivery waiting out its ack wait (a crash) plus the backoff delays between them', () => {
    expect(retryWindowMs({ maxDeliver: 1, ackWaitMs: 30_000 })).toBe(30_000);
    expect(retryWindowMs({ maxDeliver: 3, ackWaitMs: 1_000 }, 100)).toBe(3 * 1_000 + 100 + 200);
    expect(retryWindowMs(DEFAULT_CONSUMER_SETTINGS)).toBe(DEFAULT_CONSUMER_SETTINGS.maxDeliver * DEFAULT_CONSUMER_SETTINGS.ackWaitMs + delays(DEFAULT_CONSUMER_SETTINGS.maxDeliver));
    // the delay is capped at 30 s per redelivery
    expect(retryWindowMs({ maxDeliver: 21, ackWaitMs: 0 }, 1_000)).toBe(1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 15 * 30_000);
  });

  it('with the defaults it is longer than the ack waits alone (5 × 30 s) and than the old 2-minute window', () => {
    expect(retryWindowMs()).toBe(153_000);
    expect(retryWindowMs()).toBeGreaterThan(120_000);
  });

  it('the default settings fit in the default de-duplication window, so production accepts the defaults', () => {
    expect(retryWindowMs()).toBeLessThanOrEqual(DUPLICATE_WINDOW_MS);
    const defaults: StoreFacts[] = ['CMD', 'EVT'].map((name) => durable({ name, planned: true }));
    expect(durabilityProblems(defaults, retryWindowMs())).toEqual([]);
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
    expect(durabilityProblems([durable({ duplicateWindowMs: 2_000 })], 3_000)).toEqual([
      'stream CMD has a de-duplication window of 2000 ms, shorter than the 3000 ms in which a redelivered command may publish again (raise it: nats stream edit CMD --dupe-window 1m)',
    ]);
    expect(durabilityProblems([durable({ name: 'EVT', duplicateWindowMs: 120_000 })], retryWindowMs())).toEqual([expect.stringMatching(/EVT has a de-duplication window of 120000 ms, shorter than the 153000 ms .* --dupe-window 3m\)$/)]);
    expect(durabilityProblems([durable({ duplicateWindowMs: 3_000 })], 3_000)).toEqual([]);
  });

  it('takes the minimum replica count as a parameter', () => {
    expect(durabilityProblems([durable({ replicas: 3 })], 0, 5)).toEqual([expect.stringContaining('fewer than 5')]);
  });
});
