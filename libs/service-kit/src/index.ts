/**
 * @bitcraps/service-kit: the Nest shell every service shares: configuration checked by
 * zod, health and metrics endpoints, NATS, Redis and the command bus as providers,
 * bootstrap and graceful shutdown. Services put their domain in plain code beside it.
 */
export { BaseConfigSchema, ConfigError, loadConfig, type BaseConfig } from './config';
export { NATS_CONNECTION, REDIS, SERVICE_CONFIG, SERVICE_NAME, SERVICE_METRICS, COMMAND_BUS } from './tokens';
export { ServiceKitModule } from './service-kit.module';
export { OpenStreams } from './open-streams';
export { createServiceApp, runService, type ServiceDefinition, type ServiceApp } from './bootstrap';
export * from './redis';
