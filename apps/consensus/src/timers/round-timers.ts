import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, RedisTimeouts, SERVICE_CONFIG, TimeoutSweeper, type DueTimeout } from '@bitcraps/service-kit';
import { nextDeadline } from '../domain/rounds';
import { ConsensusStore } from '../persistence/consensus.store';
import { ROUND_TIMEOUT_KIND, RoundRunner } from '../round-runner';
import type { ConsensusConfig } from '../config';

/** How often a replica checks that Redis still holds the deadlines (it may have restarted empty). */
const WATCH_INTERVAL_MS = 2_000;

/**
 * Reveal and vote deadlines (DESIGN.md sections 6 and 7): `timeouts:consensus-round`,
 * swept by every replica (each due deadline fires once), so a round is decided on time
 * even when no produce-roll is waiting for it. Deadlines live in the records; they are
 * re-armed from KV on start and whenever Redis comes back without them.
 */
@Injectable()
export class RoundTimers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RoundTimers');
  readonly sweeper: TimeoutSweeper;
  private rearming?: Promise<number>;
  private watch?: NodeJS.Timeout;
  private stopped = false;
  /** Completed re-arms from KV (tests wait on it). */
  rearms = 0;

  constructor(
    private readonly runner: RoundRunner,
    private readonly store: ConsensusStore,
    private readonly timeouts: RedisTimeouts,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ConsensusConfig,
  ) {
    this.sweeper = new TimeoutSweeper(
      timeouts,
      { [ROUND_TIMEOUT_KIND]: (d) => this.onDeadline(d) },
      {
        intervalMs: config.TIMEOUT_SWEEP_INTERVAL_MS,
        onError: (err, due) => this.logger.warn(`timeout ${due ? `${due.kind} ${due.id}` : 'sweep'} failed: ${err.message}`),
      },
    );
  }

  get sentinelKey(): string {
    return `${this.config.REDIS_KEY_PREFIX}consensus:timeouts-armed`;
  }

  onApplicationBootstrap(): void {
    void this.rearm();
    this.sweeper.start();
    this.watch = setInterval(() => void this.checkRedisKeptTimeouts(), WATCH_INTERVAL_MS);
    this.watch.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.watch) clearInterval(this.watch);
    await this.sweeper.stop();
    await this.rearming?.catch(() => undefined);
  }

  /** Re-arms every pending deadline from the records; once at a time. Resolves with how many. */
  rearm(): Promise<number> {
    this.rearming ??= this.rearmAll()
      .catch((err) => {
        this.logger.error(`re-arming deadlines failed: ${(err as Error).message}`);
        return 0;
      })
      .finally(() => (this.rearming = undefined));
    return this.rearming;
  }

  private async rearmAll(): Promise<number> {
    const due: Array<{ id: string; deadline: number }> = [];
    for await (const gameId of this.store.gameIds()) {
      if (this.stopped) return 0;
      const g = await this.store.get(gameId);
      const at = g ? nextDeadline(g) : null;
      if (at !== null) due.push({ id: gameId, deadline: at });
    }
    await this.timeouts.armMany(ROUND_TIMEOUT_KIND, due);
    await this.redis.set(this.sentinelKey, String(Date.now()));
    this.rearms++;
    if (due.length) this.logger.log(`re-armed ${due.length} reveal/vote deadlines`);
    return due.length;
  }

  private async checkRedisKeptTimeouts(): Promise<void> {
    if (this.stopped || this.rearming) return;
    try {
      if ((await this.redis.exists(this.sentinelKey)) === 0) {
        this.logger.warn('Redis lost the deadlines (restarted or flushed): re-arming from KV');
        await this.rearm();
      }
    } catch {
      // Redis down: the next check tries again
    }
  }

  /** A deadline passed: the record decides (the round moves on, or the deadline is armed again if it moved). */
  private async onDeadline(due: DueTimeout): Promise<void> {
    await this.runner.touch(due.id);
  }
}
