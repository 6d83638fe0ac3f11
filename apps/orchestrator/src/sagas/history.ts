import { InMemorySagaStore, SagaExecutor, type Clock, type CommandPort, type SagaDefinition, type StepOutcome } from '@bitcraps/saga';

/**
 * Recorded saga histories (golden files, as Temporal keeps `history_files/`): every
 * command a saga sent and the outcome it got. Replaying one against the current
 * definition must send the same commands in the same order, so a change that would
 * break sagas already running in production is caught in a test.
 */
export interface SagaHistory {
  type: string;
  /** The definition's version (unset: 1). */
  version?: number;
  ctx: Record<string, unknown>;
  events: Array<{ subject: string; payload: unknown; outcome: StepOutcome }>;
  status: string;
}

const clock: Clock = { now: () => 0, sleep: async () => undefined };

/** Runs a saga against `answer` and records what it sent and got. */
export async function recordHistory(def: SagaDefinition<any>, ctx: Record<string, unknown>, answer: (subject: string, payload: any) => StepOutcome): Promise<SagaHistory> {
  const events: SagaHistory['events'] = [];
  const port: CommandPort = {
    send: async (c) => {
      const outcome = answer(c.def.subject, c.payload);
      events.push({ subject: c.def.subject, payload: c.payload, outcome });
      return outcome;
    },
  };
  const state = await new SagaExecutor({ store: new InMemorySagaStore(), port, clock }).start(def, String(ctx.sagaId), ctx);
  return { type: def.type, ...(def.version !== undefined && def.version !== 1 ? { version: def.version } : {}), ctx, events, status: state.status };
}

/** Replays a history: each command must be the recorded one; it gets the recorded outcome. */
export async function replayHistory(def: SagaDefinition<any>, history: SagaHistory): Promise<{ status: string; mismatch: string | null }> {
  let i = 0;
  let mismatch: string | null = null;
  const port: CommandPort = {
    send: async (c) => {
      const expected = history.events[i++];
      const got = JSON.stringify({ subject: c.def.subject, payload: c.payload });
      const want = expected && JSON.stringify({ subject: expected.subject, payload: expected.payload });
      if (!expected || got !== want) {
        mismatch ??= `command ${i}: sent ${got}, history has ${want ?? 'nothing'}`;
        return { kind: 'refused', code: 'HISTORY_MISMATCH', message: mismatch };
      }
      return expected.outcome;
    },
  };
  const state = await new SagaExecutor({ store: new InMemorySagaStore(), port, clock }).start(def, String(history.ctx.sagaId), history.ctx);
  if (!mismatch && i !== history.events.length) mismatch = `sent ${i} commands, history has ${history.events.length}`;
  if (!mismatch && state.status !== history.status) mismatch = `ended ${state.status}, history ended ${history.status}`;
  return { status: state.status, mismatch };
}
