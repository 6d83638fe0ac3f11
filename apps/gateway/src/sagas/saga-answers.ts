import { ERROR_STATUS, type ErrorCode, type SagaView } from '@bitcraps/contracts';
import { ApiError } from '../http/api-error';

/**
 * How a saga's end reads over HTTP: completed → its result; compensated → the refusal
 * that caused it (422 INSUFFICIENT_BALANCE, 409 GAME_FULL, …); a step that kept being
 * told TRY_AGAIN → 409 TRY_AGAIN with the table's reason; a step that never answered →
 * 503; failed → 500 (an operator has been alerted).
 */
export function sagaOutcome(saga: SagaView): { done: true; saga: SagaView } {
  if (saga.status === 'completed') return { done: true, saga };
  const code = saga.error?.code;
  if (saga.status === 'failed') throw new ApiError('INTERNAL_ERROR', `saga ${saga.sagaId} failed and needs an operator: ${saga.error?.message ?? ''}`);
  if (code === 'STEP_TIMED_OUT') {
    // the table kept answering "not now" (a roll being paid, a join under way): say so
    const notNow = /^TRY_AGAIN: (.*)$/s.exec(saga.error?.message ?? '');
    if (notNow) throw new ApiError('TRY_AGAIN', notNow[1]!);
    // undone: a retry with the same Idempotency-Key starts afresh rather than finding this saga again
    throw ApiError.undone('SERVICE_UNAVAILABLE', `a service did not answer; saga ${saga.sagaId} was undone`);
  }
  if (code && code in ERROR_STATUS) throw new ApiError(code as ErrorCode, saga.error?.message ?? code);
  throw new ApiError('CONFLICT', saga.error?.message ?? `saga ${saga.sagaId} was undone`);
}
