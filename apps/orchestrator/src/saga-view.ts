import type { SagaView } from '@bitcraps/contracts';
import type { SagaState } from '@bitcraps/saga';

/** What a client may see of a saga: status, steps, error and result; not its context. */
export function toSagaView(s: SagaState<any>): SagaView {
  const ctx = s.ctx ?? {};
  const result: Record<string, unknown> = {};
  if (s.type === 'join' && ctx.stack !== undefined) result.stack = ctx.stack;
  if (s.type === 'bet') result.betId = ctx.betId;
  if (s.type === 'leave' && ctx.returned !== undefined) result.returned = ctx.returned;
  if (s.type === 'roll' && ctx.roll) result.roll = ctx.roll;
  return {
    sagaId: s.sagaId,
    type: s.type as SagaView['type'],
    ...(s.version !== undefined ? { version: s.version } : {}),
    status: s.status,
    playerId: ctx.playerId ?? null,
    gameId: ctx.gameId ?? null,
    steps: s.steps.map((st) => ({ name: st.name, status: st.status, attempts: st.attempts + st.compensationAttempts })),
    ...(s.error ? { error: s.error } : {}),
    ...(Object.keys(result).length ? { result } : {}),
  };
}
