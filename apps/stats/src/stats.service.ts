import type { ServiceDefinition } from '@bitcraps/service-kit';
import { StatsConfigSchema, type StatsConfig } from './config';
import { StatsModule } from './stats.module';

export const statsService: ServiceDefinition<StatsConfig> = {
  service: 'stats',
  module: StatsModule,
  configSchema: StatsConfigSchema,
  consumesCommands: true,
};
