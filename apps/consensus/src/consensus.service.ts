import type { ServiceDefinition } from '@bitcraps/service-kit';
import { ConsensusConfigSchema, type ConsensusConfig } from './config';
import { ConsensusModule } from './consensus.module';

export const consensusService: ServiceDefinition<ConsensusConfig> = {
  service: 'consensus',
  module: ConsensusModule,
  configSchema: ConsensusConfigSchema,
  consumesCommands: true,
};
