import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { SagaEnded, type Refusal, type CommandDef, type PayloadOf, type SagaView } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { okOrThrow } from '../http/replies';
import { sagaOutcome } from './saga-answers';
import type { GatewayConfig } from '../config';

/**
 * Starts a saga and waits for its end up to the request deadline: the result when it
 * ends in time, else 202 with the saga id (GET /v1/sagas/:sagaId follows it).
 */
@Injectable()
export class SagaStarter {
  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async run<D extends CommandDef>(
    def: D,
    payload: PayloadOf<D> & { sagaId: string },
    res: Response,
    answer: (saga: SagaView) => Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const deadline = this.config.REQUEST_TIMEOUT_MS;
    const waiter = await this.bus.waitForEvent(SagaEnded, payload.sagaId, deadline);
    try {
      okOrThrow((await this.bus.command(def, payload, { msgId: `start.${payload.sagaId}`, correlationId: payload.sagaId, timeoutMs: deadline })) as { ok: true } | Refusal);
    } catch (err) {
      waiter.cancel();
      throw err;
    }
    const ended = await waiter.result;
    if (!ended) {
      res.status(202);
      return { ...answer({ sagaId: payload.sagaId, status: 'running' } as SagaView), sagaId: payload.sagaId, status: 'running' };
    }
    const { saga } = sagaOutcome(ended.saga);
    res.status(200);
    return { ...answer(saga), sagaId: saga.sagaId, status: saga.status };
  }
}
