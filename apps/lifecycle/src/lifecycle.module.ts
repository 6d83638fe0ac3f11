import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type Redis from 'ioredis';
import { openBucket } from '@bitcraps/messaging';
import { NATS_CONNECTION, REDIS, RedisLocks, RedisTimeouts, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { GameRunner } from './game-runner';
import { BetsHandlers } from './handlers/bets.handlers';
import { GamesHandlers } from './handlers/games.handlers';
import { RollsHandlers } from './handlers/rolls.handlers';
import { SeatsHandlers } from './handlers/seats.handlers';
import { AdmissionStore } from './persistence/admission.store';
import { GAMES_BUCKET, GamesStore } from './persistence/games.store';
import { GameTimers } from './timers/game-timers';
import type { LifecycleConfig } from './config';

@Module({
  controllers: [GamesHandlers, SeatsHandlers, BetsHandlers, RollsHandlers],
  providers: [
    {
      provide: GAMES_BUCKET,
      useFactory: (nc: NatsConnection, config: LifecycleConfig) => openBucket(nc, 'games', { replicas: config.STREAM_REPLICAS }),
      inject: [NATS_CONNECTION, SERVICE_CONFIG],
    },
    {
      provide: RedisLocks,
      useFactory: (redis: Redis, config: LifecycleConfig) =>
        new RedisLocks(redis, { namespace: config.REDIS_KEY_PREFIX, ttlMs: config.GAME_LOCK_TTL_MS, waitMs: config.GAME_LOCK_WAIT_MS }),
      inject: [REDIS, SERVICE_CONFIG],
    },
    {
      provide: RedisTimeouts,
      useFactory: (redis: Redis, config: LifecycleConfig) => new RedisTimeouts(redis, config.REDIS_KEY_PREFIX),
      inject: [REDIS, SERVICE_CONFIG],
    },
    GamesStore,
    AdmissionStore,
    GameRunner,
    GameTimers,
  ],
})
export class LifecycleModule {}
