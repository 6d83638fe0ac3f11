import type { NextFunction, Request, Response } from 'express';
import { issueToken } from '../auth/bearer-token';
import { rateLimitMiddleware } from './rate-limit.middleware';
import type { RateDecision, RateLimiter } from './rate-limiter';

const secret = 's'.repeat(32);
const playerId = 'p_00000000-0000-4000-8000-000000000001';

function run(limiter: Partial<RateLimiter>, req: Partial<Request>, options: Partial<Parameters<typeof rateLimitMiddleware>[1]> = {}) {
  const headers: Record<string, string> = {};
  const answer: { status?: number; body?: unknown; next: boolean; headers: Record<string, string> } = { next: false, headers };
  const res = {
    setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = v),
    status(s: number) {
      answer.status = s;
      return this;
    },
    json: (b: unknown) => void (answer.body = b),
  } as unknown as Response;
  return new Promise<typeof answer>((resolve) => {
    const next: NextFunction = () => {
      answer.next = true;
      resolve(answer);
    };
    const done = res.json.bind(res);
    (res as any).json = (b: unknown) => {
      done(b);
      resolve(answer);
    };
    rateLimitMiddleware(limiter as RateLimiter, { tokenSecret: secret, ...options })(
      { method: 'GET', path: '/v1/stats', headers: {}, ip: '10.0.0.1', socket: {}, ...req } as Request,
      res,
      next,
    );
  });
}

describe('rate limit middleware', () => {
  const allow: RateDecision = { allowed: true, limit: 90, remaining: 89, retryAfterMs: 0 };

  it('counts a request with a valid token against the player, else against the IP', async () => {
    const seen: string[] = [];
    const limiter = { take: async (cls: string, subject: string) => (seen.push(`${cls} ${subject}`), allow) };
    const token = await issueToken(secret, playerId);
    await run(limiter, { headers: { authorization: `Bearer ${token}` } });
    await run(limiter, { headers: { authorization: 'Bearer forged' } });
    await run(limiter, { method: 'POST', path: '/v1/games/g_1/join' });
    expect(seen).toEqual([`general p:${playerId}`, 'ip ip:10.0.0.1', 'general ip:10.0.0.1', 'ip ip:10.0.0.1', 'joins ip:10.0.0.1', 'ip ip:10.0.0.1']);
  });

  it('a request its class allows is counted for its address too, and refused with 429 when the address is over its window', async () => {
    const token = await issueToken(secret, playerId);
    const out = await run(
      { take: async (cls: string) => (cls === 'ip' ? { allowed: false, limit: 900, remaining: 0, retryAfterMs: 2_500 } : allow) },
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(out).toMatchObject({ next: false, status: 429, body: { error: { code: 'RATE_LIMITED', message: 'too many requests from this address: retry in 3 s' } } });
    expect(out.headers['retry-after']).toBe('3');
  });

  it('a request its class refuses is not counted for its address', async () => {
    const seen: string[] = [];
    const out = await run({ take: async (cls: string) => (seen.push(cls), { allowed: false, limit: 90, remaining: 0, retryAfterMs: 10 }) }, {});
    expect(out.status).toBe(429);
    expect(seen).toEqual(['general']);
  });

  it('answers 429 RATE_LIMITED with Retry-After in whole seconds (at least 1)', async () => {
    for (const [ms, seconds] of [[1, '1'], [1_000, '1'], [1_001, '2'], [59_500, '60']] as const) {
      const out = await run({ take: async () => ({ allowed: false, limit: 90, remaining: 0, retryAfterMs: ms }) }, {});
      expect(out).toMatchObject({ next: false, status: 429, body: { error: { code: 'RATE_LIMITED' } } });
      expect(out.headers['retry-after']).toBe(seconds);
    }
  });

  it('fails open when Redis errs or is slow, and reports it', async () => {
    const errors: string[] = [];
    const onRedisError = (e: Error) => errors.push(e.message);
    expect((await run({ take: () => Promise.reject(new Error('ECONNREFUSED')) }, {}, { onRedisError })).next).toBe(true);
    expect((await run({ take: () => new Promise<RateDecision>(() => undefined) }, {}, { onRedisError, redisTimeoutMs: 20 })).next).toBe(true);
    expect(errors).toEqual(['ECONNREFUSED', expect.stringMatching(/did not answer within 20 ms/)]);
  });

  it('lets health, metrics and docs through without asking Redis', async () => {
    const limiter = { take: () => Promise.reject(new Error('must not be asked')) };
    for (const path of ['/health/ready', '/metrics', '/docs']) expect((await run(limiter, { path }, { onRedisError: () => { throw new Error('asked'); } })).next).toBe(true);
  });
});
