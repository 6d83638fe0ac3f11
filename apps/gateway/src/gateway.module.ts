import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { ErrorFilter } from './http/error.filter';
import { GamesController } from './games/games.controller';
import { PlayersController } from './players/players.controller';
import { StatsController } from './stats/stats.controller';

@Module({
  controllers: [PlayersController, GamesController, StatsController],
  providers: [AuthGuard, { provide: APP_FILTER, useClass: ErrorFilter }],
})
export class GatewayModule {}
