import { KeyedQueue, Semaphore, waitFor } from './concurrency';

describe('Semaphore', () => {
  it('never lets more than its limit run at once', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await sem.acquire();
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        sem.release();
        return i;
      }),
    );
    expect(peak).toBe(3);
    expect(sem.inUse).toBe(0);
  });
});

describe('KeyedQueue', () => {
  it('runs one key in arrival order and lets other keys interleave', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const task = (key: string, n: number) => q.run(key, async () => {
      log.push(`${key}${n}:start`);
      await new Promise((r) => setImmediate(r));
      log.push(`${key}${n}:end`);
    });
    await Promise.all([task('a', 1), task('a', 2), task('b', 1)]);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:start')).toBeLessThan(log.indexOf('a1:end'));
    expect(q.size).toBe(0);
  });

  it('goes on after a failed task', async () => {
    const q = new KeyedQueue();
    await expect(q.run('k', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(q.run('k', async () => 42)).resolves.toBe(42);
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value and names what timed out', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).resolves.toBe(3);
    await expect(waitFor(() => false, { timeoutMs: 20, intervalMs: 5, what: 'the moon' })).rejects.toThrow(/the moon/);
  });
});
