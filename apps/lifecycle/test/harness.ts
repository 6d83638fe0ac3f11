import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import type { CommandDef, PayloadOf, ReplyOf } from '@bitcraps/contracts';
import { lifecycleService } from '../src/lifecycle.service';
import { GameTimers } from '../src/timers/game-timers';
import { GamesStore } from '../src/persistence/games.store';

export const newGameId = () => `g_${randomUUID()}`;
export const newPlayerId = () => `p_${randomUUID()}`;

/**
 * A private NATS + Redis, lifecycle replicas in this process, and a command client: the
 * stream names (CMD, EVT) are fixed, so every suite gets servers of its own.
 */
export class LifecycleHarness {
  readonly replicas: ServiceApp[] = [];
  client!: JetStreamClientProxy;
  redis!: Redis;

  private constructor(
    readonly infra: Infrastructure,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}, replicas = 1): Promise<LifecycleHarness> {
    const h = new LifecycleHarness(await Infrastructure.start(), env);
    h.client = new JetStreamClientProxy({ url: h.infra.natsUrl, name: 'lifecycle-test', timeoutMs: 15_000 });
    h.redis = new Redis(h.infra.redisUrl);
    for (let i = 0; i < replicas; i++) await h.startReplica();
    return h;
  }

  async startReplica(): Promise<ServiceApp> {
    const app = await createServiceApp(lifecycleService, {
      ...process.env,
      NATS_URL: this.infra.natsUrl,
      REDIS_URL: this.infra.redisUrl,
      HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      TIMEOUT_SWEEP_INTERVAL_MS: '50',
      ...this.env,
    });
    this.replicas.push(app);
    // the first re-arm from KV is done before the test goes on
    await waitFor(() => app.app.get(GameTimers).rearms > 0, { what: 'the first re-arm' });
    return app;
  }

  async stopReplica(app: ServiceApp): Promise<void> {
    await app.close();
    this.replicas.splice(this.replicas.indexOf(app), 1);
  }

  timers(i = 0): GameTimers {
    return this.replicas[i]!.app.get(GameTimers);
  }

  store(i = 0): GamesStore {
    return this.replicas[i]!.app.get(GamesStore);
  }

  /** Sends a command with a fresh message id (a saga retry, not a JetStream duplicate). */
  send<D extends CommandDef>(def: D, payload: PayloadOf<D>): Promise<ReplyOf<D>> {
    return this.client.command(def, payload, { msgId: randomUUID() });
  }

  async stop(): Promise<void> {
    for (const app of [...this.replicas].reverse()) await app.close();
    await this.client.close();
    await this.redis.quit();
    await this.infra.stop();
  }
}

/** The reply, or a failed test naming the refusal. */
export function ok<R extends { ok: boolean }>(reply: R): Extract<R, { ok: true }> {
  if (!reply.ok) throw new Error(`refused: ${JSON.stringify(reply)}`);
  return reply as Extract<R, { ok: true }>;
}
