import type { ServiceDefinition } from '@bitcraps/service-kit';
import { PlayerConfigSchema, type PlayerConfig } from './config';
import { PlayerModule } from './player.module';

/** The player service: accounts, wallets, activity (KV `players`), answered wallet movements (KV `wallet-ops`). */
export const playerService: ServiceDefinition<PlayerConfig> = {
  service: 'player',
  module: PlayerModule,
  configSchema: PlayerConfigSchema,
  consumesCommands: true,
  ownsMoney: { buckets: ['players', 'wallet-ops'] },
};
