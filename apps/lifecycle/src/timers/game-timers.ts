import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { DicePassed, GameInactive } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, REDIS, RedisTimeouts, SERVICE_CONFIG, TimeoutSweeper, type DueTimeout } from '@bitcraps/service-kit';
import { onInactivityDue } from '../domain/admin';
import { armedDeadlines } from '../domain/clocks';
import { passDiceOnTimeout } from '../domain/rolls';
import { GameRunner, TIMEOUT_KINDS } from '../game-runner';
import { AdmissionStore } from '../persistence/admission.store';
import { GamesStore } from '../persistence/games.store';
import type { LifecycleConfig } from '../config';

/** How often a replica checks that Redis still holds the timeouts (it may have restarted empty). */
const WATCH_INTERVAL_MS = 2_000;

/**
 * Lifecycle's timeouts: a sweeper for `timeouts:game-inactivity` and `timeouts:roll`
 * (any number of replicas sweep; each due timeout fires once), and re-arming from KV on
 * start and whenever Redis comes back without them, so a Redis that lost everything
 * costs seconds. Handlers re-read the game under its lock: the record is the truth.
 */
@Injectable()
export class GameTimers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('GameTimers');
  readonly sweeper: TimeoutSweeper;
  private rearming?: Promise<number>;
  private watch?: NodeJS.Timeout;
  private stopped = false;
  /** Completed re-arms from KV (tests wait on it). */
  rearms = 0;

  constructor(
    private readonly runner: GameRunner,
    private readonly games: GamesStore,
    private readonly admission: AdmissionStore,
    private readonly timeouts: RedisTimeouts,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: LifecycleConfig,
  ) {
    this.sweeper = new TimeoutSweeper(
      timeouts,
      {
        [TIMEOUT_KINDS.inactivity]: (d) => this.onInactivity(d),
        [TIMEOUT_KINDS.roll]: (d) => this.onRollClock(d),
      },
      {
        intervalMs: config.TIMEOUT_SWEEP_INTERVAL_MS,
        onError: (err, due) => this.logger.warn(`timeout ${due ? `${due.kind} ${due.id}` : 'sweep'} failed: ${err.message}`),
      },
    );
  }

  /** The key whose absence tells that Redis lost the timeouts. */
  get sentinelKey(): string {
    return `${this.config.REDIS_KEY_PREFIX}lifecycle:timeouts-armed`;
  }

  onApplicationBootstrap(): void {
    // in the background: the service answers commands meanwhile (they arm their own game)
    void this.rearm({ reconcile: true });
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

  /** Re-arms every open game's timeouts from its record; once at a time per replica. Resolves with how many games. */
  rearm({ reconcile = false } = {}): Promise<number> {
    this.rearming ??= this.rearmAll(reconcile)
      .catch((err) => {
        this.logger.error(`re-arming timeouts failed: ${(err as Error).message}`);
        return 0;
      })
      .finally(() => (this.rearming = undefined));
    return this.rearming;
  }

  private async rearmAll(reconcile: boolean): Promise<number> {
    const started = Date.now();
    const admissionBefore = reconcile ? await this.admission.snapshot() : null;
    const inactivity: Array<{ id: string; deadline: number }> = [];
    const roll: Array<{ id: string; deadline: number }> = [];
    const open = new Set<string>();
    const all = new Set<string>();
    for await (const g of this.games.all()) {
      if (this.stopped) return 0;
      all.add(g.gameId);
      if (g.status !== 'closed') open.add(g.gameId);
      const d = armedDeadlines(g);
      if (d.inactivity !== null) inactivity.push({ id: g.gameId, deadline: d.inactivity });
      if (d.roll !== null) roll.push({ id: g.gameId, deadline: d.roll });
    }
    await this.timeouts.armMany(TIMEOUT_KINDS.inactivity, inactivity);
    await this.timeouts.armMany(TIMEOUT_KINDS.roll, roll);
    await this.redis.set(this.sentinelKey, String(Date.now()));
    if (reconcile && (await this.admission.reconcile(admissionBefore, { open, all }))) {
      this.logger.log(`admission count set to the ${open.size} open games found`);
    }
    this.rearms++;
    this.logger.log(`re-armed the timeouts of ${open.size} games in ${Date.now() - started} ms`);
    return open.size;
  }

  private async checkRedisKeptTimeouts(): Promise<void> {
    if (this.stopped || this.rearming) return;
    try {
      if ((await this.redis.exists(this.sentinelKey)) === 0) {
        this.logger.warn('Redis lost the timeouts (restarted or flushed): re-arming from KV');
        await this.rearm();
      }
    } catch {
      // Redis down: the next check tries again
    }
  }

  /** The inactivity deadline passed: tell the expire saga (GameInactive), keep the game open. */
  private async onInactivity(due: DueTimeout): Promise<void> {
    await this.runner.locked(due.id, async (fence) => {
      const g = await this.games.get(due.id);
      if (!g) return;
      const decided = onInactivityDue(g, Date.now());
      if (decided.event) {
        // published before the record moves on, with an id fixed by the deadline: a retry is a duplicate NATS drops
        const { lastActivityAt, deadline } = decided.event;
        await this.bus.publishEvent(
          GameInactive,
          { gameId: g.gameId, lastActivityAt: new Date(lastActivityAt).toISOString(), deadline: new Date(deadline).toISOString() },
          { msgId: `lifecycle.game-inactive.${g.gameId}.${deadline}`, correlationId: g.gameId, version: 1 },
        );
      }
      if (decided.next) await this.runner.write(g.gameId, fence, (cur, now) => ({ next: onInactivityDue(cur, now).next, reply: null }), { command: false });
      else if (decided.rearmAt !== undefined) await this.timeouts.arm(TIMEOUT_KINDS.inactivity, g.gameId, decided.rearmAt);
    });
  }

  /** The shooter did not roll in time: the dice pass to the next seat. */
  private async onRollClock(due: DueTimeout): Promise<void> {
    await this.runner.locked(due.id, async (fence) => {
      const g = await this.games.get(due.id);
      if (!g) return;
      const decided = passDiceOnTimeout(g, Date.now());
      if (!decided.next) {
        if (decided.rearmAt !== undefined) await this.timeouts.arm(TIMEOUT_KINDS.roll, g.gameId, decided.rearmAt);
        return;
      }
      // under the lock the record cannot move between the read and this write
      const res = await this.runner.write(g.gameId, fence, (cur, now) => ({ next: passDiceOnTimeout(cur, now).next, reply: null }), { command: false });
      if (res?.written && decided.passed) {
        await this.bus.publishEvent(
          DicePassed,
          { gameId: g.gameId, ...decided.passed, reason: 'roll-timeout', at: new Date().toISOString() },
          { msgId: `lifecycle.dice-passed.${g.gameId}.${g.rollDeadline}`, correlationId: g.gameId, version: 1 },
        );
      }
    });
  }
}
