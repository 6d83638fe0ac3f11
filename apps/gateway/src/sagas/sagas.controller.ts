import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { GetSaga, SagaIdSchema } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AuthGuard, CurrentPlayer } from '../auth/auth.guard';
import { ApiError } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import type { GatewayConfig } from '../config';

/** GET /v1/sagas/:sagaId: a player sees their own sagas (404 for anyone else's). */
@Controller('v1/sagas')
@UseGuards(AuthGuard)
export class SagasController {
  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get(':sagaId')
  async get(@Param('sagaId') sagaId: string, @CurrentPlayer() playerId: string) {
    if (!SagaIdSchema.safeParse(sagaId).success) throw new ApiError('SAGA_NOT_FOUND', 'no such saga');
    const reply = await this.bus.query(GetSaga, { sagaId }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS });
    const { saga } = okOrThrow(reply);
    if (saga.playerId !== playerId) throw new ApiError('SAGA_NOT_FOUND', 'no such saga');
    return saga;
  }
}
