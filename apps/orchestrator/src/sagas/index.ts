import type { SagaDefinition } from '@bitcraps/saga';
import { betSaga } from './bet.saga';
import { joinSaga } from './join.saga';
import { leaveSaga } from './leave.saga';
import { rollSaga } from './roll.saga';

export { joinSaga, betSaga, leaveSaga, rollSaga };
export type { JoinContext } from './join.saga';
export type { BetContext } from './bet.saga';
export type { LeaveContext } from './leave.saga';
export type { RollContext } from './roll.saga';

/** Every saga the orchestrator runs, by type. */
export const SAGAS: ReadonlyArray<SagaDefinition<any>> = [joinSaga, betSaga, leaveSaga, rollSaga];
