import type { SagaDefinition } from '@bitcraps/saga';
import { betSaga } from './bet.saga';
import { joinSaga } from './join.saga';
import { leaveSaga } from './leave.saga';
import { rollSaga } from './roll.saga';
import { expireSaga } from './expire.saga';
import { joinSagaV1 } from './legacy/join.v1.saga';
import { leaveSagaV1 } from './legacy/leave.v1.saga';
import { expireSagaV1 } from './legacy/expire.v1.saga';

export { joinSaga, betSaga, leaveSaga, rollSaga, expireSaga };
export type { JoinContext } from './join.saga';
export type { BetContext } from './bet.saga';
export type { LeaveContext } from './leave.saga';
export type { RollContext } from './roll.saga';
export type { ExpireContext } from './expire.saga';

/** Every saga definition the orchestrator runs, by type and version: new sagas start with the first five. */
export const SAGAS: ReadonlyArray<SagaDefinition<any>> = [joinSaga, betSaga, leaveSaga, rollSaga, expireSaga, joinSagaV1, leaveSagaV1, expireSagaV1];
export { joinSagaV1, leaveSagaV1, expireSagaV1 };
