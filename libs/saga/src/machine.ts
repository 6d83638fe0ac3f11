import type { SagaAction, SagaDefinition, SagaState, StepOutcome } from './types';
import { TERMINAL } from './types';

/**
 * The saga as a pure state machine: what to do next, and what an outcome changes. The
 * executor persists each state these functions return before acting on it, so a crash
 * at any point resumes from the stored state.
 */

export const DEFAULT_MAX_ATTEMPTS = 5;

export function startSaga<C>(def: SagaDefinition<C>, sagaId: string, ctx: C, now: number): SagaState<C> {
  if (def.steps.length === 0) throw new Error(`saga ${def.type} has no steps`);
  return {
    sagaId,
    type: def.type,
    ...(def.version !== undefined && def.version !== 1 ? { version: def.version } : {}),
    status: 'running',
    ctx,
    steps: def.steps.map((s) => ({ name: s.name, status: 'pending', attempts: 0, compensationAttempts: 0 })),
    createdAt: now,
    updatedAt: now,
  };
}

/** The key a definition is registered under: its type and version (1 when unset). */
export function definitionKey(s: { type: string; version?: number }): string {
  return `${s.type}@${s.version ?? 1}`;
}

function pivotPassed<C>(def: SagaDefinition<C>, state: SagaState<C>): boolean {
  return def.steps.some((s, i) => s.pivot && state.steps[i].status === 'done');
}

export function nextAction<C>(def: SagaDefinition<C>, state: SagaState<C>): SagaAction | null {
  if (TERMINAL.has(state.status)) return null;
  if (state.status === 'running') {
    const index = state.steps.findIndex((s) => s.status !== 'done');
    if (index === -1) return { kind: 'finish', status: 'completed' };
    return { kind: 'forward', index, attempt: state.steps[index].attempts + 1 };
  }
  // compensating: newest first, every step that did or may have done something
  for (let index = state.steps.length - 1; index >= 0; index--) {
    const s = state.steps[index];
    if ((s.status === 'done' || s.status === 'unknown' || s.status === 'compensating') && def.steps[index].compensation) {
      return { kind: 'compensate', index, attempt: s.compensationAttempts + 1 };
    }
  }
  return { kind: 'finish', status: 'compensated' };
}

/** Records that the action's command is about to be sent (persisted before sending). */
export function markSent<C>(state: SagaState<C>, action: SagaAction, now: number): SagaState<C> {
  if (action.kind === 'finish') return { ...state, status: action.status, updatedAt: now };
  const steps = state.steps.map((s, i) =>
    i !== action.index
      ? s
      : action.kind === 'forward'
        ? { ...s, status: 'started' as const, attempts: action.attempt }
        : { ...s, status: 'compensating' as const, compensationAttempts: action.attempt },
  );
  return { ...state, steps, updatedAt: now };
}

export interface OutcomeEffect {
  /** Retry the same action after this many ms (a transient failure within its budget). */
  retryAfterMs?: number;
}

export function backoffMs(attempt: number, baseMs = 100, capMs = 10_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Applies the outcome of a sent action. */
export function applyOutcome<C>(
  def: SagaDefinition<C>,
  state: SagaState<C>,
  action: Extract<SagaAction, { kind: 'forward' | 'compensate' }>,
  outcome: StepOutcome,
  now: number,
): { state: SagaState<C>; effect: OutcomeEffect } {
  const stepDef = def.steps[action.index];
  const max = stepDef.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const setStep = (patch: Partial<SagaState<C>['steps'][number]>, extra: Partial<SagaState<C>> = {}) => ({
    ...state,
    ...extra,
    steps: state.steps.map((s, i) => (i === action.index ? { ...s, ...patch } : s)),
    updatedAt: now,
  });

  if (action.kind === 'forward') {
    if (outcome.kind === 'ok') {
      const ctx = stepDef.onOk ? stepDef.onOk(state.ctx, outcome.reply) : state.ctx;
      return { state: setStep({ status: 'done', lastError: undefined }, { ctx }), effect: {} };
    }
    const forwardOnly = pivotPassed(def, state);
    if (outcome.kind === 'transient') {
      // a pivot that may have happened cannot be undone: it is retried until it answers
      if (action.attempt < max || forwardOnly || stepDef.pivot) {
        return { state: setStep({ status: 'started', lastError: outcome.message }), effect: { retryAfterMs: backoffMs(action.attempt) } };
      }
      // never answered: possibly done, so its own compensation runs too
      return {
        state: setStep({ status: 'unknown', lastError: outcome.message }, { status: 'compensating', error: { step: stepDef.name, code: 'STEP_TIMED_OUT', message: outcome.message } }),
        effect: {},
      };
    }
    // a refusal
    if (forwardOnly) {
      // past the pivot nothing may be undone: this needs an operator
      return { state: setStep({ status: 'refused', lastError: outcome.message }, { status: 'failed', error: { step: stepDef.name, code: outcome.code, message: outcome.message } }), effect: {} };
    }
    return {
      state: setStep({ status: 'refused', lastError: outcome.message }, { status: 'compensating', error: { step: stepDef.name, code: outcome.code, message: outcome.message } }),
      effect: {},
    };
  }

  // compensation
  if (outcome.kind === 'ok') return { state: setStep({ status: 'compensated', lastError: undefined }), effect: {} };
  // a service that is down will be back: a compensation is retried for as long as it
  // takes (the saga shows as stuck meanwhile); only refusals can make it fail
  if (outcome.kind === 'transient' || action.attempt < max) {
    return { state: setStep({ status: 'compensating', lastError: outcome.kind === 'refused' ? `${outcome.code}: ${outcome.message}` : outcome.message }), effect: { retryAfterMs: backoffMs(action.attempt) } };
  }
  const message = `${outcome.code}: ${outcome.message}`;
  return {
    state: setStep({ status: 'compensating', lastError: message }, {
      status: 'failed',
      error: { step: stepDef.name, code: 'COMPENSATION_FAILED', message: `compensation of ${stepDef.name} failed: ${message}${state.error ? ` (after ${state.error.code} at ${state.error.step})` : ''}` },
    }),
    effect: {},
  };
}
