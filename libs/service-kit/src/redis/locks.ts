import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { RedisScript } from './script';

/**
 * A held lock: `token` proves ownership to Redis (release, extend); `fence` is the
 * fencing token, strictly greater than that of every earlier holder. A write guarded by
 * the lock stores the fence it was made with and refuses a write carrying a smaller one,
 * so a holder whose lock expired under it (a pause, a partition) cannot overwrite the
 * work of the next holder.
 */
export interface Lease {
  readonly name: string;
  readonly token: string;
  readonly fence: number;
  /** When the lock expires unless extended (local clock, ms). */
  readonly expiresAt: number;
}

/** The lock was not acquired within the wait: an outage or contention, not an answer. */
export class LockTimeoutError extends Error {
  constructor(readonly lockName: string, readonly waitedMs: number) {
    super(`could not lock ${lockName} within ${waitedMs} ms`);
    this.name = 'LockTimeoutError';
  }
}

/** A guarded write carried an older fencing token than the one stored: it must not happen. */
export class StaleFenceError extends Error {
  constructor(
    readonly lockName: string,
    readonly fence: number,
    readonly storedFence: number,
  ) {
    super(`stale fencing token ${fence} for ${lockName}: ${storedFence} already wrote`);
    this.name = 'StaleFenceError';
  }
}

/**
 * The check a guarded write makes: the lease may write if no later holder has. Equal
 * passes (one holder writes several times).
 */
export function assertFreshFence(lockName: string, fence: number, storedFence: number | undefined): void {
  if (storedFence !== undefined && fence < storedFence) throw new StaleFenceError(lockName, fence, storedFence);
}

/** SET NX PX and, only when it took, INCR the fencing counter: one atomic step. */
const ACQUIRE = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return false
`);

/** Compare-and-delete: only the holder releases. */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/** Compare-and-extend. */
const EXTEND = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

/** Raises the fencing counter to at least ARGV[1] (after Redis lost it); never lowers it. */
const ADVANCE_FENCE = new RedisScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if current < wanted then
  redis.call('SET', KEYS[1], wanted)
  return wanted
end
return current
`);

export interface LockOptions {
  /** How long the lock lives unless released or extended. */
  ttlMs?: number;
  /** How long `acquire` keeps trying before LockTimeoutError. */
  waitMs?: number;
}

/**
 * Fenced locks in Redis (DESIGN.md section 7): `SET lock:{name} token NX PX ttl`, a
 * fencing token from `INCR fence:{name}` taken in the same script, release by
 * compare-and-delete. Both keys of a name share a hash tag (`{name}`), so the scripts
 * also run on a Redis Cluster. The fencing counter has no TTL; if Redis loses it,
 * `advanceFence` raises it past the highest token the guarded state has seen.
 */
export class RedisLocks {
  readonly namespace: string;
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    readonly redis: Redis,
    options: LockOptions & { namespace?: string } = {},
  ) {
    this.namespace = options.namespace ?? '';
    this.ttlMs = options.ttlMs ?? 10_000;
    this.waitMs = options.waitMs ?? 5_000;
  }

  lockKey(name: string): string {
    return `${this.namespace}lock:{${name}}`;
  }

  fenceKey(name: string): string {
    return `${this.namespace}fence:{${name}}`;
  }

  /** One attempt: the lease, or null when someone holds the lock. */
  async tryAcquire(name: string, ttlMs = this.ttlMs): Promise<Lease | null> {
    const token = randomUUID();
    const started = Date.now();
    const fence = await ACQUIRE.run(this.redis, [this.lockKey(name), this.fenceKey(name)], [token, ttlMs]);
    if (fence === null || fence === undefined) return null;
    return { name, token, fence: Number(fence), expiresAt: started + ttlMs };
  }

  /** Waits up to `waitMs` for the lock (polling with jitter); throws LockTimeoutError after. */
  async acquire(name: string, opts: LockOptions = {}): Promise<Lease> {
    const ttlMs = opts.ttlMs ?? this.ttlMs;
    const waitMs = opts.waitMs ?? this.waitMs;
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const lease = await this.tryAcquire(name, ttlMs);
      if (lease) return lease;
      if (Date.now() >= deadline) throw new LockTimeoutError(name, waitMs);
      const pause = Math.min(5 * 2 ** Math.min(attempt, 4), 50) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(1, deadline - Date.now()))));
    }
  }

  /** Releases the lock if this lease still holds it; false when it had expired (or moved on). */
  async release(lease: Lease): Promise<boolean> {
    return Number(await RELEASE.run(this.redis, [this.lockKey(lease.name)], [lease.token])) === 1;
  }

  /** Extends a lease still held; null when it was lost. */
  async extend(lease: Lease, ttlMs = this.ttlMs): Promise<Lease | null> {
    const started = Date.now();
    const ok = Number(await EXTEND.run(this.redis, [this.lockKey(lease.name)], [lease.token, ttlMs])) === 1;
    return ok ? { ...lease, expiresAt: started + ttlMs } : null;
  }

  /** Runs `work` holding the lock, and releases it after (also when `work` throws). */
  async withLock<T>(name: string, work: (lease: Lease) => Promise<T>, opts: LockOptions = {}): Promise<T> {
    const lease = await this.acquire(name, opts);
    try {
      return await work(lease);
    } finally {
      await this.release(lease).catch(() => undefined);
    }
  }

  /** Raises the fencing counter of `name` to at least `atLeast`; resolves with its value. */
  async advanceFence(name: string, atLeast: number): Promise<number> {
    return Number(await ADVANCE_FENCE.run(this.redis, [this.fenceKey(name)], [atLeast]));
  }

  /** The last fencing token handed out for `name` (0 when none). */
  async currentFence(name: string): Promise<number> {
    return Number((await this.redis.get(this.fenceKey(name))) ?? 0);
  }
}
