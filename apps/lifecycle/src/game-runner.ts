import { Inject, Injectable, Logger } from '@nestjs/common';
import { refuse, type Refusal } from '@bitcraps/contracts';
import { RedisLocks, RedisTimeouts, SERVICE_CONFIG, StaleFenceError } from '@bitcraps/service-kit';
import { afterCommand, armedDeadlines, deadlineUpdates } from './domain/clocks';
import type { Decision, GameRecord } from './domain/game';
import { gameLockName, GamesStore, type Written } from './persistence/games.store';
import type { LifecycleConfig } from './config';

/** Sorted sets `timeouts:<kind>` lifecycle arms; members are game ids. */
export const TIMEOUT_KINDS = { inactivity: 'game-inactivity', roll: 'roll' } as const;

/**
 * How every piece of work on a game runs (DESIGN.md section 2): under the game's Redis
 * lock, serializing replicas; written with compare-and-set and the lock's fencing token;
 * then the game's deadlines are mirrored into Redis.
 */
@Injectable()
export class GameRunner {
  private readonly logger = new Logger('GameRunner');
  /** Games whose last mirror failed: their next one sets every deadline. */
  private readonly unmirrored = new Set<string>();

  constructor(
    private readonly games: GamesStore,
    private readonly locks: RedisLocks,
    private readonly timeouts: RedisTimeouts,
    @Inject(SERVICE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  /**
   * Runs `work` holding the game's lock. When a write finds a later fencing token
   * (our lock expired under us, or Redis lost its counters), the counter is moved past
   * it and the work starts over from a fresh read, under a fresh lock.
   */
  async locked<T>(gameId: string, work: (fence: number) => Promise<T>): Promise<T> {
    const name = gameLockName(gameId);
    for (let attempt = 1; ; attempt++) {
      const lease = await this.locks.acquire(name, { ttlMs: this.config.GAME_LOCK_TTL_MS, waitMs: this.config.GAME_LOCK_WAIT_MS });
      try {
        return await work(lease.fence);
      } catch (err) {
        if (!(err instanceof StaleFenceError) || attempt >= 3) throw err;
        this.logger.warn(`${err.message}; starting over`);
        await this.locks.advanceFence(name, err.storedFence);
      } finally {
        await this.locks.release(lease).catch(() => undefined);
      }
    }
  }

  /**
   * One fenced decision on the game. `command`: it is a command about the game, whose
   * inactivity clock it resets (timeouts firing are not). Null when there is no game.
   */
  async write<R>(gameId: string, fence: number, decide: (g: GameRecord, now: number) => Decision<R>, { command = true } = {}): Promise<Written<R> | null> {
    const res = await this.games.update(gameId, fence, (g) => {
      const now = Date.now();
      const { next, reply } = decide(g, now);
      return { next: command ? afterCommand(g, next, now) : next, reply };
    });
    // a timeout's own write sets every deadline: its sweeper claimed (removed) what Redis held
    if (res?.written) await this.mirrorDeadlines(res.game, command ? res.before : undefined);
    return res;
  }

  /** The usual command: one decision under the lock; GAME_NOT_FOUND when there is no game. */
  command<R>(gameId: string, decide: (g: GameRecord, now: number) => Decision<R>): Promise<R | Refusal> {
    return this.locked(gameId, async (fence) => {
      const res = await this.write(gameId, fence, decide);
      return res ? res.reply : refuse('GAME_NOT_FOUND', `no game ${gameId}`);
    });
  }

  /**
   * Arms (or disarms) the game's timeouts in Redis from the deadlines the record holds;
   * with `before` (the record this write replaced), only what moved earlier, started or
   * stopped (deadlineUpdates). A failure is logged, not thrown: the record is the truth,
   * the game's next write sets every deadline again, and Redis is re-armed from the
   * records on start or when it comes back empty.
   */
  async mirrorDeadlines(g: GameRecord, before?: GameRecord): Promise<void> {
    const known = before && !this.unmirrored.has(g.gameId) ? armedDeadlines(before) : undefined;
    const updates = deadlineUpdates(known, armedDeadlines(g));
    const set = (kind: string, deadline: number | null) =>
      deadline === null ? this.timeouts.disarm(kind, g.gameId) : this.timeouts.arm(kind, g.gameId, deadline);
    const writes: Array<Promise<void>> = [];
    if (updates.inactivity !== undefined) writes.push(set(TIMEOUT_KINDS.inactivity, updates.inactivity));
    if (updates.roll !== undefined) writes.push(set(TIMEOUT_KINDS.roll, updates.roll));
    if (writes.length === 0) return;
    try {
      await Promise.all(writes);
      this.unmirrored.delete(g.gameId);
    } catch (err) {
      this.unmirrored.add(g.gameId);
      this.logger.warn(`could not arm the timeouts of ${g.gameId}: ${(err as Error).message}`);
    }
  }
}
