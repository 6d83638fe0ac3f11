import { Module } from '@nestjs/common';

/** The stats service: a projection of EVT into totals and Prometheus metrics. Its command handlers arrive with their issue; today it boots, consumes cmd.stats.> and reports health. */
@Module({})
export class StatsModule {}
