import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type Redis from 'ioredis';
import { openBucket } from '@bitcraps/messaging';
import { NATS_CONNECTION, REDIS, RedisTimeouts, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { ConsensusMetrics } from './consensus.metrics';
import { ParticipantsHandlers } from './handlers/participants.handlers';
import { RollsHandlers } from './handlers/rolls.handlers';
import { SeedsHandlers } from './handlers/seeds.handlers';
import { VotesHandlers } from './handlers/votes.handlers';
import { HOUSE_SIGNER, loadHouseSigner } from './house-key';
import { CONSENSUS_BUCKET, ConsensusStore } from './persistence/consensus.store';
import { RoundRunner } from './round-runner';
import { RoundTimers } from './timers/round-timers';
import type { ConsensusConfig } from './config';

/** The consensus service: participants, commit-reveal dice, quorum votes (KV `consensus`). */
@Module({
  controllers: [ParticipantsHandlers, SeedsHandlers, RollsHandlers, VotesHandlers],
  providers: [
    {
      provide: CONSENSUS_BUCKET,
      useFactory: (nc: NatsConnection, config: ConsensusConfig) => openBucket(nc, 'consensus', { replicas: config.STREAM_REPLICAS }),
      inject: [NATS_CONNECTION, SERVICE_CONFIG],
    },
    {
      provide: RedisTimeouts,
      useFactory: (redis: Redis, config: ConsensusConfig) => new RedisTimeouts(redis, config.REDIS_KEY_PREFIX),
      inject: [REDIS, SERVICE_CONFIG],
    },
    {
      provide: HOUSE_SIGNER,
      useFactory: (store: ConsensusStore, config: ConsensusConfig) => loadHouseSigner(store, config),
      inject: [ConsensusStore, SERVICE_CONFIG],
    },
    ConsensusStore,
    ConsensusMetrics,
    RoundRunner,
    RoundTimers,
  ],
})
export class ConsensusModule {}
