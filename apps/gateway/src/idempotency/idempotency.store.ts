import type Redis from 'ioredis';
import { RedisScript } from '@bitcraps/service-kit';

/** A stored first answer. `body` is its JSON text ('' for no body). */
export interface StoredAnswer {
  status: number;
  body: string;
}

export type Claim =
  /** `attempt`: how many times the key was given up after an answer that did nothing (see `release`). */
  | { claimed: true; attempt: number }
  | { claimed: false; state: 'pending'; fingerprint: string }
  | { claimed: false; state: 'done'; fingerprint: string; answer: StoredAnswer };

/**
 * KEYS[1] the record (a hash). ARGV: fingerprint, owner token, pending ttl ms.
 * Takes the record for this request when there is none or it was given up for a retry
 * (state `retry`, keeping its attempt count); otherwise returns it.
 */
const CLAIM = new RedisScript(`
local state = redis.call('HGET', KEYS[1], 'state')
if state and state ~= 'retry' then
  return redis.call('HMGET', KEYS[1], 'state', 'fp', 'status', 'body')
end
local attempt = redis.call('HGET', KEYS[1], 'attempt') or '0'
redis.call('HSET', KEYS[1], 'state', 'pending', 'fp', ARGV[1], 'owner', ARGV[2], 'attempt', attempt)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'claimed', attempt}
`);

/** KEYS[1] the record. ARGV: owner token, status, body, ttl ms. Only the owner of the claim completes it. */
const COMPLETE = new RedisScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
redis.call('HDEL', KEYS[1], 'owner')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/**
 * KEYS[1] the record. ARGV: owner token, '1' when the answer did nothing (the next
 * attempt derives fresh ids), ttl ms of the attempt count. Gives the key up, so a retry
 * runs; a key with attempts behind it keeps the count (state `retry`), else it goes.
 */
const RELEASE = new RedisScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
local attempt = tonumber(redis.call('HGET', KEYS[1], 'attempt') or '0')
if ARGV[2] == '1' then attempt = attempt + 1 end
redis.call('DEL', KEYS[1])
if attempt == 0 then return 1 end
redis.call('HSET', KEYS[1], 'state', 'retry', 'attempt', attempt)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/**
 * The idempotency cache in Redis: one hash per (subject, key) holding the request's
 * fingerprint and, once answered, the answer. A claim is atomic, so of two concurrent
 * requests with one key exactly one runs.
 */
export class IdempotencyStore {
  constructor(private readonly redis: Redis) {}

  async claim(key: string, fingerprint: string, owner: string, pendingTtlMs: number): Promise<Claim> {
    const found = (await CLAIM.run(this.redis, [key], [fingerprint, owner, pendingTtlMs])) as (string | null)[];
    if (found[0] === 'claimed') return { claimed: true, attempt: Number(found[1]) };
    const [state, fp, status, body] = found;
    if (state === 'done') return { claimed: false, state: 'done', fingerprint: fp ?? '', answer: { status: Number(status), body: body ?? '' } };
    return { claimed: false, state: 'pending', fingerprint: fp ?? '' };
  }

  /** Stores the first answer for `ttlMs`; false when this request no longer owns the key (its claim expired). */
  async complete(key: string, owner: string, answer: StoredAnswer, ttlMs: number): Promise<boolean> {
    return (await COMPLETE.run(this.redis, [key], [owner, answer.status, answer.body, ttlMs])) === 1;
  }

  /**
   * Gives the key up so that a retry runs. `nothingDone`: the answer says nothing
   * happened (TRY_AGAIN, an undone saga), so the retry's ids must be fresh (a saga id
   * derived from the key would find the undone saga again); the attempt count then lives
   * `ttlMs`. Otherwise (outcome unknown, or a saga still running) the retry derives the
   * same ids and re-sends the same command.
   */
  async release(key: string, owner: string, opts: { nothingDone?: boolean; ttlMs?: number } = {}): Promise<void> {
    await RELEASE.run(this.redis, [key], [owner, opts.nothingDone ? '1' : '0', opts.ttlMs ?? 24 * 3600_000]);
  }
}
