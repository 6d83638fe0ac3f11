import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GetSaga, SagaEnded, type Refusal, type CommandDef, type PayloadOf, type SagaView } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { okOrThrow } from '../http/replies';
import { answerIsNotFinal } from '../idempotency/idempotency.interceptor';
import { idempotencyOf } from '../idempotency/idempotent-id';
import { sagaOutcome } from './saga-answers';
import type { GatewayConfig } from '../config';

const ENDED = new Set<SagaView['status']>(['completed', 'compensated', 'failed']);

export interface SagaRunOptions {
  /**
   * Checks to make before the saga starts (e.g. that the player is seated), skipped when
   * a retry finds its saga already there: the check was made, and its answer has moved on.
   */
  precheck?: () => Promise<void>;
}

/**
 * Starts a saga and waits for its end up to the request deadline: the result when it
 * ends in time, else 202 with the saga id (GET /v1/sagas/:sagaId follows it). The 202 is
 * not an Idempotency-Key's final answer: a retry with the key derives the same saga id
 * and answers that saga's current state (its result once it has ended).
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
    req: Request,
    res: Response,
    answer: (saga: SagaView) => Record<string, unknown>,
    options: SagaRunOptions = {},
  ): Promise<Record<string, unknown>> {
    const deadline = this.config.REQUEST_TIMEOUT_MS;
    const waiter = await this.bus.waitForEvent(SagaEnded, payload.sagaId, deadline);
    try {
      // Only an id derived from an Idempotency-Key can name a saga that already exists. A
      // saga with a precheck looks first (the retry's check would see the saga's own
      // effect). One without sends its start straight away: the orchestrator answers a
      // stored saga's state (and drives it if nobody does), and the start's msg id is this
      // request's own, so JetStream never drops it as a duplicate of an earlier attempt's.
      const keyed = idempotencyOf(req) !== undefined;
      const existing = keyed && options.precheck ? await this.find(payload.sagaId) : null;
      if (existing && ENDED.has(existing.status)) {
        waiter.cancel();
        return this.ended(existing, res, answer);
      }
      if (!existing) {
        await options.precheck?.();
        const msgId = keyed && !options.precheck ? `start.${payload.sagaId}.${randomUUID()}` : `start.${payload.sagaId}`;
        const started = okOrThrow((await this.bus.command(def, payload, { msgId, correlationId: payload.sagaId, timeoutMs: deadline })) as { ok: true; status?: SagaView['status'] } | Refusal);
        // the orchestrator found the saga ended already: its end event is past, so read it
        if (started.status && ENDED.has(started.status)) {
          const saga = await this.find(payload.sagaId);
          if (saga && ENDED.has(saga.status)) {
            waiter.cancel();
            return this.ended(saga, res, answer);
          }
        }
      }
    } catch (err) {
      waiter.cancel();
      throw err;
    }
    const ended = await waiter.result;
    if (!ended) {
      res.status(202);
      answerIsNotFinal(res);
      return { ...answer({ sagaId: payload.sagaId, status: 'running' } as SagaView), sagaId: payload.sagaId, status: 'running' };
    }
    return this.ended(ended.saga, res, answer);
  }

  /** The saga with this id, or null when there is none. */
  async find(sagaId: string): Promise<SagaView | null> {
    const reply = await this.bus.query(GetSaga, { sagaId }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS });
    if (!reply.ok && reply.code === 'SAGA_NOT_FOUND') return null;
    return okOrThrow(reply).saga;
  }

  private ended(saga: SagaView, res: Response, answer: (saga: SagaView) => Record<string, unknown>): Record<string, unknown> {
    const outcome = sagaOutcome(saga).saga;
    res.status(200);
    return { ...answer(outcome), sagaId: outcome.sagaId, status: outcome.status };
  }
}
