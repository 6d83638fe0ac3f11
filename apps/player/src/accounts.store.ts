import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { KvDocuments, openBucket } from '@bitcraps/messaging';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AccountSchema, type Account } from './domain/account';
import type { PlayerConfig } from './config';

/** Accounts in the player service's own KV bucket `players`, one key per player. */
@Injectable()
export class AccountsStore implements OnModuleInit {
  private docs!: KvDocuments<Account>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: PlayerConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.docs = new KvDocuments(await openBucket(this.nc, 'players', { replicas: this.config.STREAM_REPLICAS }), AccountSchema);
  }

  get(playerId: string) {
    return this.docs.get(playerId).then((d) => d?.value ?? null);
  }

  /** Writes a new account; false when one with this id exists already. */
  create(account: Account) {
    return this.docs.create(account.playerId, account);
  }
}
