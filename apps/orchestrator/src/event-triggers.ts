import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { GameInactive, QuorumFailed, STREAMS, SuspendGame, type EventDef } from '@bitcraps/contracts';
import { ensureStreams, inMessageSpan, type JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, NATS_CONNECTION, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { SagaRunner } from './saga-runner';
import { expireSaga } from './sagas';
import type { OrchestratorConfig } from './config';

/** One expire saga per game: its id is derived from the game id, so a repeated event starts nothing new. */
export function expireSagaId(gameId: string): string {
  const h = createHash('sha256').update(`expire:${gameId}`).digest('hex');
  return `s_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Events that make the orchestrator act, each on a durable consumer of EVT shared by the
 * replicas (one filter subject each: nats-server 2.9):
 * - `evt.lifecycle.game-inactive` → the game's expire saga;
 * - `evt.consensus.quorum-failed` → the game is suspended, all money stays in escrow
 *   until an operator resolves the round (DESIGN.md section 6).
 */
@Injectable()
export class EventTriggers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('triggers');
  private readonly consumers: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: OrchestratorConfig,
    private readonly runner: SagaRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(await jetstreamManager(this.nc), { replicas: this.config.STREAM_REPLICAS });
    await this.on('orchestrator-game-inactive', GameInactive, async ({ gameId }) => {
      const sagaId = expireSagaId(gameId);
      await this.runner.start(expireSaga, sagaId, { sagaId, gameId });
    });
    await this.on('orchestrator-quorum-failed', QuorumFailed, async ({ gameId, rollIndex }) => {
      const reply = await this.bus.command(SuspendGame, { gameId, reason: `no quorum for roll ${rollIndex}`, opId: `quorum-failed:${gameId}:${rollIndex}` });
      if (!reply.ok && reply.code !== 'GAME_CLOSED') throw new Error(`${reply.code}: ${reply.message}`);
      this.logger.warn(`game ${gameId} suspended: no quorum for roll ${rollIndex}`);
    });
  }

  private async on<D extends EventDef>(durable: string, def: D, act: (payload: any) => Promise<void>): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.consumers.info(STREAMS.events.name, durable);
    } catch {
      await jsm.consumers
        .add(STREAMS.events.name, { durable_name: durable, filter_subject: def.subject, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ack_wait: nanos(30_000), max_deliver: 20 })
        .catch(() => undefined); // another replica created it
    }
    const messages = await (await jetstream(this.nc).consumers.get(STREAMS.events.name, durable)).consume({ max_messages: 16 });
    this.consumers.push(messages);
    this.loops.push(
      (async () => {
        for await (const m of messages) {
          let body: unknown = null;
          try {
            body = m.json();
          } catch {
            // not JSON: terminated below
          }
          const parsed = def.payload.safeParse(body);
          if (!parsed.success) {
            m.term(`not a ${def.subject} event`);
            continue;
          }
          try {
            // in the trace of whoever published the event, like a command handler
            await inMessageSpan('orchestrator', m, () => act(parsed.data), { 'bitcraps.game_id': (parsed.data as { gameId?: string }).gameId });
            m.ack();
          } catch (err) {
            this.logger.warn(`${def.subject}: ${(err as Error).message}; retrying`);
            m.nak(1_000);
          }
        }
      })(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.close().catch(() => undefined)));
    await Promise.allSettled(this.loops);
  }
}
