import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { GameInactive, STREAMS } from '@bitcraps/contracts';
import { ensureStreams } from '@bitcraps/messaging';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { SagaRunner } from './saga-runner';
import { expireSaga } from './sagas';
import type { OrchestratorConfig } from './config';

/** One expire saga per game: its id is derived from the game id, so a repeated event starts nothing new. */
export function expireSagaId(gameId: string): string {
  const h = createHash('sha256').update(`expire:${gameId}`).digest('hex');
  return `s_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Listens for `evt.lifecycle.game-inactive` on a durable consumer of EVT shared by the
 * orchestrator's replicas, and starts the expire saga of that game.
 */
@Injectable()
export class ExpiryListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('expiry');
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: OrchestratorConfig,
    private readonly runner: SagaRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await ensureStreams(jsm, { replicas: this.config.STREAM_REPLICAS });
    const durable = 'orchestrator-game-inactive';
    try {
      await jsm.consumers.info(STREAMS.events.name, durable);
    } catch {
      await jsm.consumers
        .add(STREAMS.events.name, { durable_name: durable, filter_subject: GameInactive.subject, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ack_wait: nanos(30_000), max_deliver: 20 })
        .catch(() => undefined); // another replica created it
    }
    const consumer = await jetstream(this.nc).consumers.get(STREAMS.events.name, durable);
    this.messages = await consumer.consume({ max_messages: 16 });
    this.loop = (async () => {
      for await (const m of this.messages!) {
        const parsed = GameInactive.payload.safeParse((() => { try { return m.json(); } catch { return null; } })());
        if (!parsed.success) {
          m.term('not a game-inactive event');
          continue;
        }
        try {
          const { gameId } = parsed.data;
          await this.runner.start(expireSaga, expireSagaId(gameId), { sagaId: expireSagaId(gameId), gameId });
          m.ack();
        } catch (err) {
          this.logger.warn(`could not start the expiry of ${parsed.data.gameId}: ${(err as Error).message}`);
          m.nak(1_000);
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.loop?.catch(() => undefined);
  }
}
