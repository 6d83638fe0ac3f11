import type { CommandDef } from '@bitcraps/contracts';

/** A command a step sends: its definition (subject, schemas) and payload. */
export interface OutgoingCommand {
  def: CommandDef;
  payload: unknown;
}

/** What a reply means to the saga. */
export type StepOutcome =
  | { kind: 'ok'; reply: unknown }
  /** A business refusal: retrying will not help. */
  | { kind: 'refused'; code: string; message: string }
  /** An outage, a timeout, a bug: retry, and if it never answers, its effect is unknown. */
  | { kind: 'transient'; message: string };

/**
 * One step: a command, how to read its reply, and the compensation that undoes it.
 * Compensations must be idempotent and harmless when the step never ran: a step whose
 * outcome is unknown is compensated too.
 */
export interface StepDefinition<C> {
  name: string;
  /**
   * The command, or several (a fan-out: one per bet, one per player) sent one after the
   * other; the step is ok when every one is, and `onOk` gets the replies in order.
   */
  command: (ctx: C) => OutgoingCommand | OutgoingCommand[];
  /** Folds a successful reply (an array for a fan-out) into the saga's context (default: unchanged). */
  onOk?: (ctx: C, reply: any) => C;
  compensation?: (ctx: C) => OutgoingCommand | OutgoingCommand[];
  /**
   * The point of no return. Once a pivot step is sent the saga only moves forward: an
   * attempt that goes unanswered is retried for as long as it takes (it may have
   * happened, and it cannot be undone); only a refusal (it did not happen) compensates
   * the steps before it. The steps after it are never compensated.
   */
  pivot?: boolean;
  /** Attempts before a transient failure counts as unknown (forward) or failed (compensation). */
  maxAttempts?: number;
  /** How long one attempt waits for its reply. */
  timeoutMs?: number;
}

export interface SagaDefinition<C> {
  type: string;
  /**
   * Bumped when the steps change in a way a stored saga could not follow (reordered,
   * inserted, removed). A saga is resumed by the definition of the version it started
   * with, so the older version stays registered until no saga of it is unfinished.
   * Unset means 1.
   */
  version?: number;
  steps: ReadonlyArray<StepDefinition<C>>;
}

export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated' | 'failed';

export type StepStatus =
  | 'pending'
  /** recorded before its command is sent: a crash here means resend */
  | 'started'
  | 'done'
  | 'refused'
  /** its deadline passed with no answer: possibly done, so compensated too */
  | 'unknown'
  | 'compensating'
  | 'compensated';

export interface StepRecord {
  name: string;
  status: StepStatus;
  attempts: number;
  compensationAttempts: number;
  lastError?: string;
}

export interface SagaState<C> {
  sagaId: string;
  type: string;
  /** The definition's version it started with (unset: 1). */
  version?: number;
  status: SagaStatus;
  ctx: C;
  steps: StepRecord[];
  /** Why the saga compensated or failed. */
  error?: { step: string; code: string; message: string };
  createdAt: number;
  updatedAt: number;
}

export const TERMINAL: ReadonlySet<SagaStatus> = new Set(['completed', 'compensated', 'failed']);

/** The next thing to do for a saga. */
export type SagaAction =
  | { kind: 'forward'; index: number; attempt: number }
  | { kind: 'compensate'; index: number; attempt: number }
  | { kind: 'finish'; status: 'completed' | 'compensated' };
