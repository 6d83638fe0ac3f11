import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import Redis from 'ioredis';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, JetStreamClientProxy } from '@bitcraps/messaging';
import type { ServiceMetrics } from '@bitcraps/telemetry';
import type { BaseConfig } from './config';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { OpenStreams } from './open-streams';
import { COMMAND_BUS, NATS_CONNECTION, REDIS, SERVICE_CONFIG, SERVICE_METRICS, SERVICE_NAME } from './tokens';

/** Closes the shared connections after the transport has stopped and in-flight work ended. */
@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export interface ServiceKitOptions {
  service: string;
  config: BaseConfig;
  metrics: ServiceMetrics;
}

/**
 * The shell every service shares: its configuration, one NATS connection (KV and
 * reads), Redis, a command bus to other services, health and metrics endpoints, and
 * the registry of open streams that shutdown ends (OpenStreams).
 */
@Module({})
export class ServiceKitModule {
  static forRoot({ service, config, metrics }: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_METRICS, useValue: metrics },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(config.NATS_URL, `${service}-state`) },
        {
          provide: REDIS,
          useFactory: () => {
            const redis = new Redis(config.REDIS_URL, {
              maxRetriesPerRequest: 3,
              connectionName: service,
              retryStrategy: (times) => Math.min(times * 100, 2_000),
              // commands issued in one tick (concurrent handlers' locks, deadlines) go out
              // in one write: on a busy replica the socket writes were a tenth of its CPU
              enableAutoPipelining: true,
            });
            // ioredis reconnects by itself; readiness reports the outage meanwhile
            let lastLog = 0;
            redis.on('error', (err) => {
              if (Date.now() - lastLog < 5_000) return;
              lastLog = Date.now();
              new Logger('redis').warn(`${service}: ${err.message}`);
            });
            return redis;
          },
        },
        { provide: COMMAND_BUS, useFactory: () => new JetStreamClientProxy({ url: config.NATS_URL, name: `${service}-bus` }) },
        ConnectionCloser,
        OpenStreams,
      ],
      exports: [SERVICE_NAME, SERVICE_CONFIG, SERVICE_METRICS, NATS_CONNECTION, REDIS, COMMAND_BUS, OpenStreams],
    };
  }
}
