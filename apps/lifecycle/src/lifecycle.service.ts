import type { ServiceDefinition } from '@bitcraps/service-kit';
import { LifecycleConfigSchema, type LifecycleConfig } from './config';
import { LifecycleModule } from './lifecycle.module';

/** The lifecycle service: games and their craps state machine (KV `games`). */
export const lifecycleService: ServiceDefinition<LifecycleConfig> = {
  service: 'lifecycle',
  module: LifecycleModule,
  configSchema: LifecycleConfigSchema,
  consumesCommands: true,
};
