import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { KvDocuments, openBucket } from '@bitcraps/messaging';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { GameRecordSchema, type GameRecord } from './domain/game';
import type { LifecycleConfig } from './config';

/** Games in lifecycle's own KV bucket `games`, written with compare-and-set. */
@Injectable()
export class GamesStore implements OnModuleInit {
  private docs!: KvDocuments<GameRecord>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.docs = new KvDocuments(await openBucket(this.nc, 'games', { replicas: this.config.STREAM_REPLICAS }), GameRecordSchema);
  }

  get(gameId: string) {
    return this.docs.get(gameId).then((d) => d?.value ?? null);
  }

  create(game: GameRecord) {
    return this.docs.create(game.gameId, game);
  }
}
