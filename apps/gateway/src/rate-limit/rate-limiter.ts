import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { RedisScript } from '@bitcraps/service-kit';
import { windowLimits, type RateLimits, type RateWindow } from './rate-limits';

/**
 * Sliding-window log in one sorted set per (class, subject): members are the accepted
 * requests, scored by Redis's own clock (TIME), so every gateway replica counts alike.
 * One script prunes, counts both windows, and either records the request or says how
 * long until a slot frees up; refused requests are not recorded, so hammering does
 * not extend the wait.
 *
 * KEYS[1] the set; ARGV: window ms, short limit, long limit, unique member suffix.
 * Returns {allowed 0|1, used in the short window, retry after ms}.
 */
const SLIDING_WINDOW = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = tonumber(ARGV[1])
local short = tonumber(ARGV[2])
local long = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 2 * w)
local inLong = redis.call('ZCARD', KEYS[1])
local inShort = redis.call('ZCOUNT', KEYS[1], '(' .. (now - w), '+inf')
local wait = 0
if inShort >= short then
  local e = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - w), '+inf', 'WITHSCORES', 'LIMIT', inShort - short, 1)
  wait = math.max(wait, tonumber(e[2]) + w - now)
end
if inLong >= long then
  local e = redis.call('ZRANGE', KEYS[1], inLong - long, inLong - long, 'WITHSCORES')
  wait = math.max(wait, tonumber(e[2]) + 2 * w - now)
end
if wait > 0 then return {0, inShort, wait} end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], 2 * w)
return {1, inShort + 1, 0}
`);

export interface RateDecision {
  allowed: boolean;
  /** The burst limit of the class (requests in one window). */
  limit: number;
  /** Requests left in the current window (0 when refused). */
  remaining: number;
  /** When refused: milliseconds until a request would be accepted. */
  retryAfterMs: number;
}

export interface RateLimiterOptions {
  /** Key prefix (tests on a shared Redis use a unique one). */
  prefix?: string;
  /** The window; one minute in production, shorter in tests. */
  windowMs?: number;
}

/** Rate limits per subject (`p:<playerId>` or `ip:<address>`) and class (or `ip`: all of an address), in Redis. */
export class RateLimiter {
  private readonly prefix: string;
  private readonly windowMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly limits: RateLimits,
    { prefix = 'gateway:', windowMs = 60_000 }: RateLimiterOptions = {},
  ) {
    this.prefix = prefix;
    this.windowMs = windowMs;
  }

  key(cls: RateWindow, subject: string): string {
    return `${this.prefix}rl:${cls}:{${subject}}`;
  }

  /** Counts one request of `subject` against `cls`, unless it is over a limit. */
  async take(cls: RateWindow, subject: string): Promise<RateDecision> {
    const { short, long } = windowLimits(this.limits, cls);
    const [allowed, used, wait] = (await SLIDING_WINDOW.run(this.redis, [this.key(cls, subject)], [
      this.windowMs,
      short,
      long,
      randomBytes(6).toString('hex'),
    ])) as [number, number, number];
    return { allowed: allowed === 1, limit: short, remaining: Math.max(0, short - used), retryAfterMs: Number(wait) };
  }
}
