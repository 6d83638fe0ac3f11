import type Redis from 'ioredis';
import { RedisScript } from '@bitcraps/service-kit';

/** A stored first answer. `body` is its JSON text ('' for no body). */
export interface StoredAnswer {
  status: number;
  body: string;
}

export type Claim =
  | { claimed: true }
  | { claimed: false; state: 'pending'; fingerprint: string }
  | { claimed: false; state: 'done'; fingerprint: string; answer: StoredAnswer };

/**
 * KEYS[1] the record (a hash). ARGV: fingerprint, owner token, pending ttl ms.
 * Takes the record for this request when there is none; otherwise returns it.
 */
const CLAIM = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 'state', 'fp', 'status', 'body')
end
redis.call('HSET', KEYS[1], 'state', 'pending', 'fp', ARGV[1], 'owner', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return false
`);

/** KEYS[1] the record. ARGV: owner token, status, body, ttl ms. Only the owner of the claim completes it. */
const COMPLETE = new RedisScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
redis.call('HDEL', KEYS[1], 'owner')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/** KEYS[1] the record. ARGV: owner token. Gives the key up (the outcome is unknown: a retry may run). */
const RELEASE = new RedisScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`);

/**
 * The idempotency cache in Redis: one hash per (subject, key) holding the request's
 * fingerprint and, once answered, the answer. A claim is atomic, so of two concurrent
 * requests with one key exactly one runs.
 */
export class IdempotencyStore {
  constructor(private readonly redis: Redis) {}

  async claim(key: string, fingerprint: string, owner: string, pendingTtlMs: number): Promise<Claim> {
    const found = (await CLAIM.run(this.redis, [key], [fingerprint, owner, pendingTtlMs])) as (string | null)[] | null;
    if (!found) return { claimed: true };
    const [state, fp, status, body] = found;
    if (state === 'done') return { claimed: false, state: 'done', fingerprint: fp ?? '', answer: { status: Number(status), body: body ?? '' } };
    return { claimed: false, state: 'pending', fingerprint: fp ?? '' };
  }

  /** Stores the first answer for `ttlMs`; false when this request no longer owns the key (its claim expired). */
  async complete(key: string, owner: string, answer: StoredAnswer, ttlMs: number): Promise<boolean> {
    return (await COMPLETE.run(this.redis, [key], [owner, answer.status, answer.body, ttlMs])) === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    await RELEASE.run(this.redis, [key], [owner]);
  }
}
