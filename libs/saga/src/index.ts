/**
 * @bitcraps/saga: a generic saga engine (DESIGN.md section 3). A saga is a list of steps,
 * each a command beside its compensation; the engine persists, sends, retries with
 * backoff, compensates in reverse order, and resumes after a crash. It knows nothing of
 * craps, NATS or Nest: commands go out through a CommandPort, state through a SagaStore.
 */
export * from './types';
export { startSaga, definitionKey, nextAction, markSent, applyOutcome, backoffMs, DEFAULT_MAX_ATTEMPTS } from './machine';
export { SagaConflictError, systemClock, noDeadlines, type CommandPort, type SagaStore, type Clock, type DeadlinePort, type SagaObserver } from './ports';
export { SagaExecutor, type ExecutorOptions } from './executor';
export { InMemorySagaStore } from './memory';
