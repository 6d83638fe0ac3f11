import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type Redis from 'ioredis';
import { NATS_CONNECTION, REDIS } from './tokens';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

/** `/health/live`: the process answers. `/health/ready`: NATS and Redis answer too. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const s = this.indicator.check('nats');
        try {
          if (this.nc.isClosed()) return s.down({ message: 'connection closed' });
          const rtt = await withTimeout(this.nc.rtt(), 1_000);
          return s.up({ rttMs: Math.round(rtt * 100) / 100 });
        } catch (err) {
          return s.down({ message: (err as Error).message });
        }
      },
      async () => {
        const s = this.indicator.check('redis');
        try {
          await withTimeout(this.redis.ping(), 1_000);
          return s.up();
        } catch (err) {
          return s.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
