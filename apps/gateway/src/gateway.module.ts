import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { ErrorFilter } from './http/error.filter';
import { GamesController } from './games/games.controller';
import { PlayersController } from './players/players.controller';
import { ActivityToucher } from './players/activity-toucher';
import { StatsController } from './stats/stats.controller';
import { SagaStarter } from './sagas/saga-starter';
import { SagasController } from './sagas/sagas.controller';
import { TableController } from './sagas/table.controller';
import { DiceController } from './dice/dice.controller';
import { AdminController } from './admin/admin.controller';
import { GameEventsController } from './events/game-events.controller';
import { OpsModule } from './ops/ops.module';
import { AuditMetrics } from './admin/audit.metrics';

@Module({
  imports: [OpsModule],
  controllers: [PlayersController, GamesController, StatsController, TableController, SagasController, DiceController, AdminController, GameEventsController],
  providers: [AuthGuard, ActivityToucher, SagaStarter, AuditMetrics, { provide: APP_FILTER, useClass: ErrorFilter }],
  // modules that put AuthGuard on their controllers need what it injects
  exports: [ActivityToucher],
})
export class GatewayModule {}
