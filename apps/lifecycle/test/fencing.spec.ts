import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, openBucket, waitFor } from '@bitcraps/messaging';
import { RedisLocks, StaleFenceError } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { newGame, type GameRecord } from '../src/domain/game';
import { gameLockName, GamesStore } from '../src/persistence/games.store';
import { newGameId, newPlayerId } from './harness';

/** The guarded write of a game: a holder whose lock expired cannot overwrite the next holder's work. */
describe('fenced writes of a game (real NATS KV and Redis)', () => {
  let infra: Infrastructure;
  let nc: NatsConnection;
  let redis: Redis;
  let store: GamesStore;
  let locks: RedisLocks;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    nc = await connectNats(infra.natsUrl, 'fencing-test');
    redis = new Redis(infra.redisUrl);
    store = new GamesStore(await openBucket(nc, 'games'));
    locks = new RedisLocks(redis, { waitMs: 2_000 });
  });
  afterAll(async () => {
    await redis?.quit();
    await nc?.drain();
    await infra?.stop();
  });

  async function aGame(): Promise<GameRecord> {
    const g = newGame({ gameId: newGameId(), createdBy: newPlayerId(), settings: {} }, new Date()) as GameRecord;
    expect(await store.create(g)).toBe(true);
    return g;
  }
  const bump = (g: GameRecord) => ({ next: { ...g, rollCount: g.rollCount + 1 }, reply: g.rollCount + 1 });

  it('refuses a write with a stale fencing token, and keeps the later holder’s', async () => {
    const g = await aGame();
    const name = gameLockName(g.gameId);
    const stale = await locks.acquire(name, { ttlMs: 50 });
    // the holder stalls past its TTL; someone else takes the lock and writes
    await waitFor(async () => (await redis.exists(locks.lockKey(name))) === 0, { what: 'the stalled lock to expire' });
    const fresh = await locks.acquire(name);
    expect(fresh.fence).toBeGreaterThan(stale.fence);
    expect(await store.update(g.gameId, fresh.fence, bump)).toMatchObject({ reply: 1, written: true });
    // the stalled holder wakes up and writes: refused, nothing changes
    await expect(store.update(g.gameId, stale.fence, bump)).rejects.toBeInstanceOf(StaleFenceError);
    expect(await store.get(g.gameId)).toMatchObject({ rollCount: 1, fence: fresh.fence });
    // the holder writes again under the same lease: fine
    expect(await store.update(g.gameId, fresh.fence, bump)).toMatchObject({ reply: 2, written: true });
    await locks.release(fresh);
    expect(await locks.release(stale)).toBe(false);
  });

  it('after Redis lost its counters, advancing the fence past the stored one lets writes through again', async () => {
    const g = await aGame();
    const name = gameLockName(g.gameId);
    const first = await locks.acquire(name);
    await store.update(g.gameId, first.fence + 41, bump); // the document has seen a high token
    await locks.release(first);
    await redis.flushall();
    const low = await locks.acquire(name);
    const err = await store.update(g.gameId, low.fence, bump).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleFenceError);
    await locks.release(low);
    await locks.advanceFence(name, (err as StaleFenceError).storedFence);
    const next = await locks.acquire(name);
    expect(await store.update(g.gameId, next.fence, bump)).toMatchObject({ written: true });
    await locks.release(next);
  });

  it('a missing game is null, not a write', async () => {
    expect(await store.update(`g_${randomUUID()}`, 1, bump)).toBeNull();
  });
});
