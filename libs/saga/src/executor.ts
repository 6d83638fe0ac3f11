import { applyOutcome, definitionKey, markSent, nextAction, startSaga } from './machine';
import { noDeadlines, SagaConflictError, systemClock, type Clock, type CommandPort, type DeadlinePort, type SagaObserver, type SagaStore } from './ports';
import type { OutgoingCommand, SagaDefinition, SagaState, StepOutcome } from './types';
import { TERMINAL } from './types';

export interface ExecutorOptions {
  store: SagaStore;
  port: CommandPort;
  clock?: Clock;
  deadlines?: DeadlinePort;
  observer?: SagaObserver;
  /** Per-attempt reply deadline when a step sets none. */
  defaultTimeoutMs?: number;
}

/**
 * Drives sagas: persist, send, persist the outcome, repeat. Every state is stored
 * (compare-and-set) before the command it implies goes out, so a saga interrupted
 * anywhere is resumed by `resume` from its stored state: a step recorded as started is
 * sent again with the same operation id, which idempotent handlers answer as before.
 */
export class SagaExecutor {
  private readonly definitions = new Map<string, SagaDefinition<any>>();
  private readonly clock: Clock;
  private readonly deadlines: DeadlinePort;

  constructor(private readonly opts: ExecutorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.deadlines = opts.deadlines ?? noDeadlines;
  }

  /** Registers a definition under its type and version; several versions of one type may be. */
  register(def: SagaDefinition<any>): this {
    this.definitions.set(definitionKey(def), def);
    return this;
  }

  /** Creates the saga (idempotent by id) and drives it to its end. */
  async start<C>(def: SagaDefinition<C>, sagaId: string, ctx: C): Promise<SagaState<C>> {
    this.register(def);
    const existing = await this.opts.store.load<C>(sagaId);
    if (!existing) {
      try {
        await this.opts.store.create(startSaga(def, sagaId, ctx, this.clock.now()));
      } catch (err) {
        if (!(err instanceof SagaConflictError)) throw err;
      }
    }
    return this.drive<C>(sagaId);
  }

  /** Resumes one stored saga; returns its state when it ends or when another owner took it. */
  async drive<C>(sagaId: string): Promise<SagaState<C>> {
    const loaded = await this.opts.store.load<C>(sagaId);
    if (!loaded) throw new Error(`no saga ${sagaId}`);
    let { state, revision } = loaded;
    const def = this.definitions.get(definitionKey(state)) as SagaDefinition<C> | undefined;
    if (!def) throw new Error(`no definition registered for saga type ${state.type} version ${state.version ?? 1}`);
    try {
      for (;;) {
        const action = nextAction(def, state);
        if (!action) break;
        state = markSent(state, action, this.clock.now());
        revision = await this.opts.store.save(state, revision);
        if (action.kind === 'finish') break;

        const step = def.steps[action.index];
        const timeoutMs = step.timeoutMs ?? this.opts.defaultTimeoutMs ?? 5_000;
        const command = action.kind === 'forward' ? step.command(state.ctx) : step.compensation!(state.ctx);
        await this.deadlines.arm(sagaId, this.clock.now() + timeoutMs);
        const outcome = await this.send(command, {
          msgId: `${sagaId}:${action.index}:${action.kind === 'forward' ? 'do' : 'undo'}:${action.attempt}`,
          correlationId: sagaId,
          timeoutMs,
        });
        this.opts.observer?.onStep?.(state as SagaState<unknown>, step.name, outcome.kind, action.kind);
        const applied = applyOutcome(def, state, action, outcome, this.clock.now());
        state = applied.state;
        revision = await this.opts.store.save(state, revision);
        if (applied.effect.retryAfterMs !== undefined) await this.clock.sleep(applied.effect.retryAfterMs);
      }
    } catch (err) {
      if (err instanceof SagaConflictError) {
        // another orchestrator advanced it: it is theirs now
        const current = await this.opts.store.load<C>(sagaId);
        return current ? current.state : state;
      }
      throw err;
    }
    if (TERMINAL.has(state.status)) {
      await this.deadlines.disarm(sagaId);
      this.opts.observer?.onTerminal?.(state as SagaState<unknown>);
    }
    return state;
  }

  /** Drives every unfinished saga (at start). */
  async resumeAll(): Promise<Array<SagaState<unknown>>> {
    const ids = await this.opts.store.unfinished();
    return Promise.all(ids.map((id) => this.drive(id)));
  }

  /** Sends one command, or a fan-out one after the other (each idempotent, so a retry resends all). */
  private async send(command: OutgoingCommand | OutgoingCommand[], env: Parameters<CommandPort['send']>[1]): Promise<StepOutcome> {
    try {
      if (!Array.isArray(command)) return await this.opts.port.send(command, env);
      const replies: unknown[] = [];
      for (const [i, c] of command.entries()) {
        const outcome = await this.opts.port.send(c, { ...env, msgId: `${env.msgId}:${i}` });
        if (outcome.kind !== 'ok') return outcome;
        replies.push(outcome.reply);
      }
      return { kind: 'ok', reply: replies };
    } catch (err) {
      return { kind: 'transient', message: (err as Error).message };
    }
  }
}
