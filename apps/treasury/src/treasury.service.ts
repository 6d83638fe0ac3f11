import type { ServiceDefinition } from '@bitcraps/service-kit';
import { TreasuryConfigSchema, type TreasuryConfig } from './config';
import { TreasuryModule } from './treasury.module';

/** The treasury service: double-entry ledger (stream LEDGER, KV `accounts`). */
export const treasuryService: ServiceDefinition<TreasuryConfig> = {
  service: 'treasury',
  module: TreasuryModule,
  configSchema: TreasuryConfigSchema,
  consumesCommands: true,
  ownsMoney: { streams: ['LEDGER'], buckets: ['accounts'] },
};
