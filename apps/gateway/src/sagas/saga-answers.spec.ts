import type { SagaView } from '@bitcraps/contracts';
import { ApiError } from '../http/api-error';
import { sagaOutcome } from './saga-answers';

const saga = (patch: Partial<SagaView>): SagaView =>
  ({ sagaId: 's_1', type: 'roll', status: 'compensated', steps: [], ...patch }) as SagaView;
const thrown = (s: SagaView) => {
  try {
    sagaOutcome(s);
  } catch (err) {
    return { code: (err as ApiError).code, message: (err as ApiError).message };
  }
  return null;
};

describe('sagaOutcome', () => {
  it('answers a completed saga with itself', () => {
    expect(sagaOutcome(saga({ status: 'completed' }))).toEqual({ done: true, saga: saga({ status: 'completed' }) });
  });

  it('answers a compensated saga with the refusal that caused it', () => {
    expect(thrown(saga({ error: { step: 'seat-player', code: 'GAME_FULL', message: 'all 10 seats taken' } }))).toEqual({ code: 'GAME_FULL', message: 'all 10 seats taken' });
  });

  it('a step the table kept answering TRY_AGAIN is 409 TRY_AGAIN with the reason, not an outage', () => {
    const s = saga({ error: { step: 'check-shooter', code: 'STEP_TIMED_OUT', message: 'TRY_AGAIN: roll 3 is being paid: roll again once it is' } });
    expect(thrown(s)).toEqual({ code: 'TRY_AGAIN', message: 'roll 3 is being paid: roll again once it is' });
  });

  it('a step that never answered is 503; a failed saga is 500', () => {
    expect(thrown(saga({ error: { step: 'credit-stack', code: 'STEP_TIMED_OUT', message: 'no reply within 5000 ms' } }))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(thrown(saga({ status: 'failed', error: { step: 'settle-roll', code: 'COMPENSATION_FAILED', message: 'x' } }))).toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});
