import type { ServiceDefinition } from '@bitcraps/service-kit';
import { OrchestratorConfigSchema, type OrchestratorConfig } from './config';
import { OrchestratorModule } from './orchestrator.module';

export const orchestratorService: ServiceDefinition<OrchestratorConfig> = {
  service: 'orchestrator',
  module: OrchestratorModule,
  configSchema: OrchestratorConfigSchema,
  consumesCommands: true,
  ownsMoney: { buckets: ['sagas'] },
};
