import Redis from 'ioredis';
import { sharedInfraUrls, uniqueName } from '@bitcraps/testing';
import { waitFor } from '@bitcraps/messaging';
import { RateLimiter } from '../src/rate-limit/rate-limiter';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../src/rate-limit/rate-limits';
import { IdempotencyStore } from '../src/idempotency/idempotency.store';

const limits = (perMinute: number, burst = 1): RateLimits => ({
  perMinute: { ...DEFAULT_RATE_LIMITS.perMinute, general: perMinute, bets: perMinute },
  burst,
});

describe('rate limiter on a real Redis (sliding windows, one script)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(sharedInfraUrls().redisUrl);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('accepts the limit, then refuses with how long until a slot frees up, and accepts again once the window slid', async () => {
    const rl = new RateLimiter(redis, limits(5), { prefix: `${uniqueName('rl')}:`, windowMs: 1_000 });
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect(await rl.take('general', 'p:a')).toMatchObject({ allowed: true, limit: 5, remaining: 4 - i });
    const refused = await rl.take('general', 'p:a');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000);
    // refusals are not counted: the wait does not grow while a client insists
    for (let i = 0; i < 5; i++) expect((await rl.take('general', 'p:a')).retryAfterMs).toBeLessThanOrEqual(refused.retryAfterMs);
    await waitFor(async () => (await rl.take('general', 'p:a')).allowed, { timeoutMs: 3_000, what: 'the window to slide' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('counts each subject and each class apart', async () => {
    const rl = new RateLimiter(redis, limits(2), { prefix: `${uniqueName('rl')}:`, windowMs: 60_000 });
    for (const subject of ['p:a', 'p:b', 'ip:127.0.0.1']) {
      expect((await rl.take('general', subject)).allowed).toBe(true);
      expect((await rl.take('general', subject)).allowed).toBe(true);
      expect((await rl.take('general', subject)).allowed).toBe(false);
    }
    expect((await rl.take('bets', 'p:a')).allowed).toBe(true);
  });

  it('allows a burst of perMinute × burst in one window, then holds the two-window total to 2 × perMinute', async () => {
    const windowMs = 1_500;
    const rl = new RateLimiter(redis, limits(4, 1.5), { prefix: `${uniqueName('rl')}:`, windowMs });
    let accepted = 0;
    while ((await rl.take('general', 'p:a')).allowed) accepted++;
    expect(accepted).toBe(6); // ⌊4 × 1.5⌋
    const burstEnded = Date.now();
    // a window later the burst has left the short window but not the long one (2 × 4 = 8): two more fit
    await waitFor(() => Date.now() - burstEnded > windowMs + 50, { timeoutMs: 3 * windowMs, what: 'one window to pass' });
    expect((await rl.take('general', 'p:a')).allowed).toBe(true);
    expect((await rl.take('general', 'p:a')).allowed).toBe(true);
    const refused = await rl.take('general', 'p:a');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeLessThan(windowMs);
  });

  it('is atomic: of 60 concurrent requests against a limit of 10, exactly 10 pass', async () => {
    const rl = new RateLimiter(redis, limits(10), { prefix: `${uniqueName('rl')}:`, windowMs: 60_000 });
    const clients = Array.from({ length: 6 }, () => new Redis(sharedInfraUrls().redisUrl));
    try {
      const limiters = clients.map((c) => new RateLimiter(c, limits(10), { prefix: (rl as any).prefix, windowMs: 60_000 }));
      const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => limiters[i % limiters.length].take('bets', 'p:x')));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  it('keeps a subject’s key only as long as its windows', async () => {
    const rl = new RateLimiter(redis, limits(3), { prefix: `${uniqueName('rl')}:`, windowMs: 5_000 });
    await rl.take('general', 'p:ttl');
    const ttl = await redis.pttl(rl.key('general', 'p:ttl'));
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });
});

describe('idempotency store on a real Redis', () => {
  let redis: Redis;
  let store: IdempotencyStore;
  beforeAll(() => {
    redis = new Redis(sharedInfraUrls().redisUrl);
    store = new IdempotencyStore(redis);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('of many concurrent claims of one key, exactly one wins; the others see it pending', async () => {
    const key = uniqueName('idem');
    const claims = await Promise.all(Array.from({ length: 25 }, (_, i) => store.claim(key, 'fp', `owner-${i}`, 10_000)));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    expect(claims.filter((c) => !c.claimed)).toEqual(Array(24).fill({ claimed: false, state: 'pending', fingerprint: 'fp' }));
  });

  it('only the owner completes or releases; a completed key answers its answer for its ttl', async () => {
    const key = uniqueName('idem');
    expect(await store.claim(key, 'fp', 'me', 10_000)).toEqual({ claimed: true, attempt: 0 });
    expect(await store.complete(key, 'someone-else', { status: 201, body: '{}' }, 60_000)).toBe(false);
    await store.release(key, 'someone-else');
    expect(await store.claim(key, 'fp', 'other', 10_000)).toMatchObject({ state: 'pending' });
    expect(await store.complete(key, 'me', { status: 201, body: '{"n":1}' }, 60_000)).toBe(true);
    expect(await store.claim(key, 'fp2', 'other', 10_000)).toEqual({ claimed: false, state: 'done', fingerprint: 'fp', answer: { status: 201, body: '{"n":1}' } });
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    // a completed key cannot be released
    await store.release(key, 'me');
    expect(await redis.exists(key)).toBe(1);
  });

  it('a key given up after an answer that did nothing counts the attempt; one given up after an unknown outcome keeps the count', async () => {
    const key = uniqueName('idem');
    await store.claim(key, 'fp', 'a', 10_000);
    await store.release(key, 'a', { nothingDone: true, ttlMs: 60_000 });
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    // another body may take a key whose answer did nothing
    expect(await store.claim(key, 'fp2', 'b', 10_000)).toEqual({ claimed: true, attempt: 1 });
    expect(await store.claim(key, 'fp2', 'c', 10_000)).toEqual({ claimed: false, state: 'pending', fingerprint: 'fp2' });
    await store.release(key, 'b');
    expect(await store.claim(key, 'fp2', 'd', 10_000)).toEqual({ claimed: true, attempt: 1 });
    await store.release(key, 'd', { nothingDone: true, ttlMs: 60_000 });
    expect(await store.claim(key, 'fp2', 'e', 10_000)).toEqual({ claimed: true, attempt: 2 });
    expect(await store.complete(key, 'e', { status: 200, body: '{}' }, 60_000)).toBe(true);
    expect(await store.claim(key, 'fp2', 'f', 10_000)).toMatchObject({ claimed: false, state: 'done' });
  });

  it('a released key can be claimed again; a claim lapses after its pending ttl', async () => {
    const key = uniqueName('idem');
    await store.claim(key, 'fp', 'me', 10_000);
    await store.release(key, 'me');
    expect(await store.claim(key, 'fp', 'again', 150)).toEqual({ claimed: true, attempt: 0 });
    await waitFor(async () => (await store.claim(key, 'fp', 'third', 10_000)).claimed, { timeoutMs: 2_000, what: 'the claim to lapse' });
  });
});
