import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Counter, Histogram } from 'prom-client';
import { SagaEnded } from '@bitcraps/contracts';
import { openBucket, type JetStreamClientProxy } from '@bitcraps/messaging';
import { SagaExecutor, TERMINAL, type SagaDefinition, type SagaState } from '@bitcraps/saga';
import { COMMAND_BUS, NATS_CONNECTION, REDIS, RedisTimeouts, SERVICE_CONFIG, SERVICE_METRICS, TimeoutSweeper } from '@bitcraps/service-kit';
import type Redis from 'ioredis';
import { RedisDeadlines, SAGA_STEP_KIND } from './infra/redis-deadlines';
import type { ServiceMetrics } from '@bitcraps/telemetry';
import { JetStreamCommandPort } from './infra/jetstream-command-port';
import { KvSagaStore } from './infra/kv-saga-store';
import { SAGAS } from './sagas';
import { toSagaView } from './saga-view';
import type { OrchestratorConfig } from './config';

/**
 * Runs sagas in this replica: starts them, resumes every unfinished one at start, and
 * every so often picks up sagas nobody has touched for a while (a replica died). Two
 * replicas driving one saga is safe: the store's compare-and-set stops the loser.
 */
@Injectable()
export class SagaRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('sagas');
  private executor!: SagaExecutor;
  private deadlines!: RedisDeadlines;
  store!: KvSagaStore;
  private readonly driving = new Map<string, Promise<unknown>>();
  private scanTimer?: NodeJS.Timeout;
  private sweeper?: TimeoutSweeper;
  private stopped = false;
  private readonly duration: Histogram<'type' | 'status'>;
  private readonly failed: Counter<'type'>;
  private markReady!: () => void;
  /** Resolves once the store is open and the sagas registered. */
  readonly ready = new Promise<void>((r) => (this.markReady = r));

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.duration = new Histogram({
      name: 'bitcraps_saga_duration_seconds',
      help: 'Saga duration by type and terminal status',
      labelNames: ['type', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry],
    });
    this.failed = new Counter({ name: 'bitcraps_saga_failed_total', help: 'Sagas that ended failed (need an operator)', labelNames: ['type'], registers: [metrics.registry] });
  }

  async onApplicationBootstrap(): Promise<void> {
    const timeouts = new RedisTimeouts(this.redis);
    this.deadlines = new RedisDeadlines(timeouts, 2_000, this.config.SAGA_STEP_TIMEOUT_MS);
    this.store = new KvSagaStore(await openBucket(this.nc, 'sagas', { replicas: this.config.STREAM_REPLICAS, history: 1 }));
    this.executor = new SagaExecutor({
      store: this.store,
      port: new JetStreamCommandPort(this.bus),
      defaultTimeoutMs: this.config.SAGA_STEP_TIMEOUT_MS,
      deadlines: this.deadlines,
      observer: { onTerminal: (s) => void this.onTerminal(s) },
    });
    for (const def of SAGAS) this.executor.register(def);
    this.markReady();
    void this.resumeStale(0);
    // a step whose deadline passed in Redis: resume the saga unless this replica drives it
    this.sweeper = new TimeoutSweeper(timeouts, {
      [SAGA_STEP_KIND]: async (due) => {
        this.deadlines.forget(due.id); // claimed: no longer armed
        if (this.driving.has(due.id)) return void (await timeouts.arm(SAGA_STEP_KIND, due.id, Date.now() + this.config.SAGA_STALE_MS));
        this.drive(due.id);
      },
    }, { intervalMs: 500, onError: (err) => this.logger.warn(`deadline sweep: ${err.message}`) });
    this.sweeper.start();
    // the fallback when Redis lost the deadlines
    this.scanTimer = setInterval(() => void this.resumeStale(this.config.SAGA_STALE_MS), this.config.SAGA_SCAN_MS);
  }

  /** Creates the saga (idempotent by id) and drives it in the background; answers once it is stored. */
  async start<C>(def: SagaDefinition<C>, sagaId: string, ctx: C): Promise<SagaState<C>> {
    await this.ready;
    const { state, run } = await this.executor.begin(def, sagaId, ctx);
    if (run) this.track(sagaId, run);
    else if (!TERMINAL.has(state.status)) this.drive(sagaId);
    return state;
  }

  private drive(sagaId: string): void {
    if (this.driving.has(sagaId) || this.stopped) return;
    this.track(sagaId, this.executor.drive(sagaId));
  }

  private track(sagaId: string, run: Promise<unknown>): void {
    const tracked = run
      .catch((err) => this.logger.error(`saga ${sagaId}: ${(err as Error).message}`))
      .finally(() => {
        this.driving.delete(sagaId);
        this.deadlines.forget(sagaId);
      });
    this.driving.set(sagaId, tracked);
  }

  /** Drives unfinished sagas not updated for `staleMs` that this replica is not driving. */
  private async resumeStale(staleMs: number): Promise<void> {
    try {
      const now = Date.now();
      for (const id of await this.store.unfinished()) {
        if (this.driving.has(id)) continue;
        const loaded = await this.store.load(id);
        if (loaded && now - loaded.state.updatedAt >= staleMs) {
          this.logger.log(`resuming saga ${id} (${loaded.state.type}, ${loaded.state.status})`);
          this.drive(id);
        }
      }
    } catch (err) {
      this.logger.warn(`saga scan failed: ${(err as Error).message}`);
    }
  }

  private async onTerminal(s: SagaState<unknown>): Promise<void> {
    this.duration.observe({ type: s.type, status: s.status }, (s.updatedAt - s.createdAt) / 1000);
    if (s.status === 'failed') {
      this.failed.inc({ type: s.type });
      this.logger.error(`saga ${s.sagaId} (${s.type}) FAILED at ${s.error?.step}: ${s.error?.message}`);
    }
    const msgId = `saga-ended.${s.sagaId}`;
    await this.bus
      .publishEvent(SagaEnded, { saga: toSagaView(s) }, { msgId, correlationId: s.sagaId, version: 1 })
      .catch((err) => this.logger.warn(`could not publish the end of ${s.sagaId}: ${(err as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.scanTimer) clearInterval(this.scanTimer);
    await this.sweeper?.stop();
  }
}
