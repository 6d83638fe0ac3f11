import type { ServiceDefinition } from '@bitcraps/service-kit';
import { PlayerConfigSchema, type PlayerConfig } from './config';
import { PlayerModule } from './player.module';

/** The player service: accounts, wallets, sessions (KV `players`). */
export const playerService: ServiceDefinition<PlayerConfig> = {
  service: 'player',
  module: PlayerModule,
  configSchema: PlayerConfigSchema,
  consumesCommands: true,
};
