import type { OutgoingCommand, SagaState, StepOutcome } from './types';

/** Sends one command and resolves with what its reply means; rejects count as transient. */
export interface CommandPort {
  send(command: OutgoingCommand, envelope: { msgId: string; correlationId: string; timeoutMs: number }): Promise<StepOutcome>;
}

export class SagaConflictError extends Error {
  constructor(readonly sagaId: string) {
    super(`saga ${sagaId} was written by someone else`);
    this.name = 'SagaConflictError';
  }
}

/**
 * Where sagas live. `save` is compare-and-set on the revision it was read at, so two
 * orchestrators never both advance one saga: the loser gets SagaConflictError.
 */
export interface SagaStore {
  create<C>(state: SagaState<C>): Promise<number>;
  load<C>(sagaId: string): Promise<{ state: SagaState<C>; revision: number } | null>;
  save<C>(state: SagaState<C>, revision: number): Promise<number>;
  /** Ids of sagas not yet completed, compensated or failed (for recovery at start). */
  unfinished(): Promise<string[]>;
}

/** Time, injectable so that tests and simulations run without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** A step's deadline kept outside the process (Redis in production), so another replica notices a dead one. */
export interface DeadlinePort {
  arm(sagaId: string, atMs: number): Promise<void>;
  disarm(sagaId: string): Promise<void>;
}

export const noDeadlines: DeadlinePort = { arm: async () => undefined, disarm: async () => undefined };

/** Told about every saga that ends; `failed` must never be silent. */
export interface SagaObserver {
  onStep?(state: SagaState<unknown>, step: string, outcome: StepOutcome['kind'], kind: 'forward' | 'compensate'): void;
  onTerminal?(state: SagaState<unknown>): void;
}
