import Redis from 'ioredis';
import { sharedInfraUrls, uniqueName } from '@bitcraps/testing';
import { waitFor } from '@bitcraps/messaging';
import { RedisTimeouts, TimeoutSweeper, type DueTimeout } from './timeouts';

describe('RedisTimeouts and TimeoutSweeper on a real Redis', () => {
  let redis: Redis;
  let other: Redis;
  let timeouts: RedisTimeouts;

  beforeAll(() => {
    const { redisUrl } = sharedInfraUrls();
    redis = new Redis(redisUrl);
    other = new Redis(redisUrl);
  });
  beforeEach(() => {
    timeouts = new RedisTimeouts(redis, `${uniqueName('t')}:`);
  });
  afterAll(async () => {
    await redis.quit();
    await other.quit();
  });

  it('keeps a sorted set timeouts:<kind> scored by deadline; arm moves, disarm removes', async () => {
    await timeouts.arm('roll', 'g1', 1_000);
    await timeouts.arm('roll', 'g2', 2_000);
    await timeouts.arm('roll', 'g1', 3_000);
    expect(await redis.zrange(timeouts.key('roll'), 0, -1, 'WITHSCORES')).toEqual(['g2', '2000', 'g1', '3000']);
    expect(timeouts.key('roll')).toMatch(/timeouts:roll$/);
    await timeouts.disarm('roll', 'g2');
    expect(await timeouts.deadlineOf('roll', 'g2')).toBeNull();
    expect(await timeouts.deadlineOf('roll', 'g1')).toBe(3_000);
    await timeouts.armIfAbsent('roll', 'g1', 10);
    expect(await timeouts.deadlineOf('roll', 'g1')).toBe(3_000);
  });

  it('claims only what is due, earliest first, removing it, at most `limit` at a time', async () => {
    await timeouts.armMany('k', [
      { id: 'late', deadline: 5_000 },
      { id: 'b', deadline: 200 },
      { id: 'a', deadline: 100 },
      { id: 'c', deadline: 300 },
    ]);
    expect(await timeouts.claimDue('k', 250, 10)).toEqual([
      { kind: 'k', id: 'a', deadline: 100 },
      { kind: 'k', id: 'b', deadline: 200 },
    ]);
    expect(await timeouts.claimDue('k', 250, 10)).toEqual([]);
    expect(await timeouts.claimDue('k', 10_000, 1)).toEqual([{ kind: 'k', id: 'c', deadline: 300 }]);
    expect(await timeouts.count('k')).toBe(1);
  });

  it('fires each due timeout exactly once with two sweepers racing on two connections', async () => {
    const n = 600;
    await timeouts.armMany('race', Array.from({ length: n }, (_, i) => ({ id: `m${i}`, deadline: Date.now() - 1 + (i % 50) })));
    const seen = new Map<string, string[]>();
    const handler = (who: string) => async (d: DueTimeout) => {
      seen.set(d.id, [...(seen.get(d.id) ?? []), who]);
    };
    const a = new TimeoutSweeper(timeouts, { race: handler('a') }, { intervalMs: 10, batchSize: 7 });
    const b = new TimeoutSweeper(new RedisTimeouts(other, timeouts.namespace), { race: handler('b') }, { intervalMs: 10, batchSize: 7 });
    a.start();
    b.start();
    await waitFor(() => seen.size === n, { what: 'every timeout to fire' });
    await a.stop();
    await b.stop();
    expect([...seen.values()].filter((who) => who.length !== 1)).toEqual([]);
    // both did share the work
    expect([...seen.values()].some((w) => w[0] === 'a')).toBe(true);
    expect([...seen.values()].some((w) => w[0] === 'b')).toBe(true);
    expect(await timeouts.count('race')).toBe(0);
  });

  it('does not fire what is not due yet, and fires it once it is', async () => {
    let now = 1_000;
    const fired: string[] = [];
    const s = new TimeoutSweeper(timeouts, { k: async (d) => void fired.push(d.id) }, { now: () => now });
    await timeouts.arm('k', 'x', 2_000);
    expect(await s.sweepOnce()).toBe(0);
    now = 2_000;
    expect(await s.sweepOnce()).toBe(1);
    expect(await s.sweepOnce()).toBe(0);
    expect(fired).toEqual(['x']);
  });

  it('re-arms a timeout whose handler failed, unless something armed it again meanwhile', async () => {
    let now = 10_000;
    let fail = true;
    const fired: string[] = [];
    const errors: string[] = [];
    const s = new TimeoutSweeper(
      timeouts,
      {
        k: async (d) => {
          if (d.id === 'rearmed') await timeouts.arm('k', 'rearmed', 99_999);
          if (fail) throw new Error(`boom ${d.id}`);
          fired.push(d.id);
        },
      },
      { now: () => now, retryDelayMs: 500, onError: (e) => errors.push(e.message) },
    );
    await timeouts.arm('k', 'flaky', 10_000);
    await timeouts.arm('k', 'rearmed', 10_000);
    await s.sweepOnce();
    expect(errors.sort()).toEqual(['boom flaky', 'boom rearmed']);
    expect(await timeouts.deadlineOf('k', 'flaky')).toBe(10_500);
    expect(await timeouts.deadlineOf('k', 'rearmed')).toBe(99_999);
    fail = false;
    now = 10_500;
    await s.sweepOnce();
    expect(fired).toEqual(['flaky']);
  });

  it('stops its loop promptly, between rounds, and can be stopped twice', async () => {
    const s = new TimeoutSweeper(timeouts, { k: async () => undefined }, { intervalMs: 10_000 });
    s.start();
    await waitFor(() => s.rounds > 0, { what: 'a first round' });
    const t0 = Date.now();
    await s.stop();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(s.running).toBe(false);
  });
});
