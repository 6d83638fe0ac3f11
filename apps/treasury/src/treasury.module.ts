import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { LedgerJournal } from './ledger.journal';
import { LedgerMetrics } from './ledger.metrics';
import { TreasuryHandlers } from './treasury.handlers';
import type { TreasuryConfig } from './config';

/**
 * The treasury: double-entry ledger of house bankroll, table stacks and bet escrow
 * (stream LEDGER, projection KV `accounts`). The journal is built before anything is
 * served: the books hold all of LEDGER and the bankroll is seeded by then.
 */
@Module({
  controllers: [TreasuryHandlers],
  providers: [
    {
      provide: LedgerJournal,
      useFactory: (nc: NatsConnection, config: TreasuryConfig) => LedgerJournal.open(nc, config),
      inject: [NATS_CONNECTION, SERVICE_CONFIG],
    },
    LedgerMetrics,
  ],
})
export class TreasuryModule {}
