import { applyOutcome, definitionKey, markSent, nextAction, startSaga } from './machine';
import { noDeadlines, SagaConflictError, systemClock, type Clock, type CommandPort, type DeadlinePort, type SagaObserver, type SagaStore } from './ports';
import type { OutgoingCommand, SagaAction, SagaDefinition, SagaState, StepOutcome } from './types';
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
 * Drives sagas: record a step as started, send it, record its outcome, repeat. Every
 * state is stored (compare-and-set) before the command it implies goes out, so a saga
 * interrupted anywhere is resumed by `drive` from its stored state: a step recorded as
 * started is sent again with the same operation id, which idempotent handlers answer as
 * before. A step's outcome and the next step's start are one write (one per step).
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
    const begun = await this.begin(def, sagaId, ctx);
    return begun.run ?? this.drive<C>(sagaId);
  }

  /**
   * Stores a new saga and starts driving it; `state` is what was stored. When the id is
   * taken, nothing is written: `state` is the stored saga and `run` is undefined (the
   * caller decides whether to drive it). The saga is created with its first step
   * already recorded as started, so a new saga costs one write before its first command.
   */
  async begin<C>(def: SagaDefinition<C>, sagaId: string, ctx: C): Promise<{ state: SagaState<C>; run?: Promise<SagaState<C>> }> {
    this.register(def);
    const initial = startSaga(def, sagaId, ctx, this.clock.now());
    const first = nextAction(def, initial)!;
    const state = markSent(initial, first, this.clock.now());
    let revision: number;
    try {
      revision = await this.opts.store.create(state);
    } catch (err) {
      if (!(err instanceof SagaConflictError)) throw err;
      const stored = await this.opts.store.load<C>(sagaId);
      if (!stored) throw err;
      return { state: stored.state };
    }
    return { state, run: this.advance(def, state, revision, first) };
  }

  /** Resumes one stored saga; returns its state when it ends or when another owner took it. */
  async drive<C>(sagaId: string): Promise<SagaState<C>> {
    const loaded = await this.opts.store.load<C>(sagaId);
    if (!loaded) throw new Error(`no saga ${sagaId}`);
    const def = this.definitions.get(definitionKey(loaded.state)) as SagaDefinition<C> | undefined;
    if (!def) throw new Error(`no definition registered for saga type ${loaded.state.type} version ${loaded.state.version ?? 1}`);
    return this.advance(def, loaded.state, loaded.revision, null);
  }

  /**
   * The loop: send the action recorded as started, apply its outcome, record the outcome
   * together with the next action's start in one compare-and-set, repeat. `marked` is
   * the action `state` (stored at `revision`) already records as started; null to work
   * it out and record it first (a resumed saga: a started step is sent again, with the
   * next attempt number, which idempotent handlers answer as before).
   */
  private async advance<C>(def: SagaDefinition<C>, state: SagaState<C>, revision: number, marked: SagaAction | null): Promise<SagaState<C>> {
    const { store } = this.opts;
    try {
      let action = marked;
      if (!action) {
        action = nextAction(def, state);
        if (action) {
          state = markSent(state, action, this.clock.now());
          revision = await store.save(state, revision);
        }
      }
      while (action && action.kind !== 'finish') {
        const step = def.steps[action.index];
        const timeoutMs = step.timeoutMs ?? this.opts.defaultTimeoutMs ?? 5_000;
        const command = action.kind === 'forward' ? step.command(state.ctx) : step.compensation!(state.ctx);
        await this.deadlines.arm(state.sagaId, this.clock.now() + timeoutMs);
        const outcome = await this.send(command, {
          msgId: `${state.sagaId}:${action.index}:${action.kind === 'forward' ? 'do' : 'undo'}:${action.attempt}`,
          correlationId: state.sagaId,
          timeoutMs,
        });
        this.opts.observer?.onStep?.(state as SagaState<unknown>, step.name, outcome.kind, action.kind);
        const applied = applyOutcome(def, state, action, outcome, this.clock.now());
        state = applied.state;
        if (applied.effect.retryAfterMs !== undefined) {
          // the failed attempt is stored before the backoff, so a reader sees why it waits
          revision = await store.save(state, revision);
          await this.clock.sleep(applied.effect.retryAfterMs);
        }
        // the outcome and the start of what comes next, in one write
        action = nextAction(def, state);
        if (action) state = markSent(state, action, this.clock.now());
        revision = await store.save(state, revision);
      }
    } catch (err) {
      if (err instanceof SagaConflictError) {
        // another orchestrator advanced it: it is theirs now
        const current = await store.load<C>(state.sagaId);
        return current ? current.state : state;
      }
      throw err;
    }
    if (TERMINAL.has(state.status)) {
      await this.deadlines.disarm(state.sagaId);
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
