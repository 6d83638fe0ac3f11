import { Module } from '@nestjs/common';
import { StatsHandlers } from './stats.handlers';
import { StatsProjector } from './stats.projector';

/** The stats service: a projection of EVT into totals and Prometheus metrics (KV `stats`). */
@Module({ controllers: [StatsHandlers], providers: [StatsProjector] })
export class StatsModule {}
