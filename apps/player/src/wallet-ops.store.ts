import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { KvDocuments, openBucket } from '@bitcraps/messaging';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@bitcraps/service-kit';
import type { Action } from './domain/account';
import { OpRecordSchema, type OpRecord } from './domain/wallet';
import type { PlayerConfig } from './config';

export const WALLET_OPS_BUCKET = 'wallet-ops';

const PLAIN_OP_ID = /^[A-Za-z0-9_=-]{1,150}$/;

/**
 * `<playerId>.o_<opId>` when the opId is made of characters KV keys accept, else
 * `<playerId>.h_<sha256 of the opId>` (saga ids + steps usually hold `:`). The
 * prefixes keep the two forms from ever meeting.
 */
export function opRecordKey(playerId: string, opId: string): string {
  return PLAIN_OP_ID.test(opId) ? `${playerId}.o_${opId}` : `${playerId}.h_${createHash('sha256').update(opId).digest('hex')}`;
}

/**
 * The permanent memory of answered wallet movements (KV `wallet-ops`), one record per
 * opId, written once and never changed. It grows with every movement: no TTL exists on
 * NATS 2.9, and a saga may retry any time later.
 */
@Injectable()
export class WalletOpsStore implements OnModuleInit {
  private docs!: KvDocuments<OpRecord>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: PlayerConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.docs = new KvDocuments(await openBucket(this.nc, WALLET_OPS_BUCKET, { replicas: this.config.STREAM_REPLICAS }), OpRecordSchema);
  }

  async get(playerId: string, opId: string): Promise<OpRecord | null> {
    const record = (await this.docs.get(opRecordKey(playerId, opId)))?.value ?? null;
    // a sha256 collision is not expected; checking costs nothing
    return record && record.action.opId === opId ? record : null;
  }

  /** Writes the records of these actions unless they exist (first writer wins; all write the same). */
  async ensure(playerId: string, actions: Action[]): Promise<void> {
    await Promise.all(actions.map((action) => this.docs.create(opRecordKey(playerId, action.opId), { playerId, action })));
  }
}
