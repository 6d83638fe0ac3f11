import Redis from 'ioredis';
import { sharedInfraUrls, uniqueName } from '@bitcraps/testing';
import { waitFor } from '@bitcraps/messaging';
import { assertFreshFence, LockTimeoutError, RedisLocks, StaleFenceError } from './locks';

describe('RedisLocks on a real Redis', () => {
  let redis: Redis;
  let locks: RedisLocks;

  beforeAll(() => {
    redis = new Redis(sharedInfraUrls().redisUrl);
  });
  beforeEach(() => {
    locks = new RedisLocks(redis, { namespace: `${uniqueName('l')}:`, ttlMs: 5_000, waitMs: 200 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('is SET NX PX with a random token; a second taker waits, then gets a higher fence', async () => {
    const a = await locks.acquire('game:1');
    expect(await redis.get(locks.lockKey('game:1'))).toBe(a.token);
    expect(await redis.pttl(locks.lockKey('game:1'))).toBeGreaterThan(4_000);
    expect(await locks.tryAcquire('game:1')).toBeNull();
    await expect(locks.acquire('game:1', { waitMs: 50 })).rejects.toBeInstanceOf(LockTimeoutError);
    expect(await locks.release(a)).toBe(true);
    const b = await locks.acquire('game:1');
    expect(b.fence).toBeGreaterThan(a.fence);
    expect(await locks.currentFence('game:1')).toBe(b.fence);
    await locks.release(b);
  });

  it('releases only its own lock (compare-and-delete), not the next holder’s', async () => {
    const a = await locks.acquire('game:2', { ttlMs: 30 });
    await waitFor(async () => (await redis.exists(locks.lockKey('game:2'))) === 0, { what: 'the lock to expire' });
    const b = await locks.acquire('game:2');
    expect(await locks.release(a)).toBe(false);
    expect(await redis.get(locks.lockKey('game:2'))).toBe(b.token);
    expect(await locks.extend(a)).toBeNull();
    expect(await locks.extend(b, 9_000)).not.toBeNull();
    expect(await locks.release(b)).toBe(true);
  });

  it('serializes concurrent work: no two holders at once, fences strictly increasing', async () => {
    let inside = 0;
    let maxInside = 0;
    const fences: number[] = [];
    await Promise.all(
      Array.from({ length: 25 }, () =>
        locks.withLock(
          'game:3',
          async (lease) => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            fences.push(lease.fence);
            await new Promise((r) => setImmediate(r));
            inside--;
          },
          { waitMs: 10_000 },
        ),
      ),
    );
    expect(maxInside).toBe(1);
    expect(fences).toEqual([...fences].sort((x, y) => x - y));
    expect(new Set(fences).size).toBe(25);
    expect(await redis.exists(locks.lockKey('game:3'))).toBe(0);
  });

  it('refuses a guarded write with an older fencing token', () => {
    expect(() => assertFreshFence('g', 5, 5)).not.toThrow();
    expect(() => assertFreshFence('g', 6, 5)).not.toThrow();
    expect(() => assertFreshFence('g', 1, undefined)).not.toThrow();
    expect(() => assertFreshFence('g', 4, 5)).toThrow(StaleFenceError);
  });

  it('advances a fencing counter Redis lost past what the state has seen, and never lowers it', async () => {
    const a = await locks.acquire('game:4');
    await locks.release(a);
    await redis.del(locks.fenceKey('game:4')); // as after FLUSHALL
    expect(await locks.advanceFence('game:4', 41)).toBe(41);
    expect(await locks.advanceFence('game:4', 7)).toBe(41);
    const b = await locks.acquire('game:4');
    expect(b.fence).toBe(42);
    await locks.release(b);
  });

  it('puts both keys of a name in one hash slot', () => {
    expect(locks.lockKey('game:g_1')).toMatch(/lock:\{game:g_1\}$/);
    expect(locks.fenceKey('game:g_1')).toMatch(/fence:\{game:g_1\}$/);
  });
});
