import type { ServiceDefinition } from '@bitcraps/service-kit';
import { ConsensusConfigSchema, type ConsensusConfig } from './config';
import { ConsensusModule } from './consensus.module';

/** The consensus service: participants, commit-reveal dice and quorum votes (KV `consensus`). */
export const consensusService: ServiceDefinition<ConsensusConfig> = {
  service: 'consensus',
  module: ConsensusModule,
  configSchema: ConsensusConfigSchema,
  consumesCommands: true,
};
