import { InMemorySagaStore, SagaExecutor, type SagaDefinition, type SagaObserver, type SagaState, type SagaStore } from '@bitcraps/saga';
// The real port (reply → outcome mapping) and the real saga definitions are what is under
// test: the simulation runs them, not copies of them.
import { JetStreamCommandPort } from '../../src/infra/jetstream-command-port';
import type { Network } from './network';
import type { Prng } from './prng';
import type { Liveness, VirtualTime } from './virtual-time';

/** The shared saga store, which also keeps the latest state of each saga for clients to peek at. */
export class WatchedStore extends InMemorySagaStore {
  readonly latest = new Map<string, SagaState<unknown>>();

  override async create<C>(state: SagaState<C>): Promise<number> {
    const revision = await super.create(state);
    this.latest.set(state.sagaId, state as SagaState<unknown>);
    return revision;
  }

  override async save<C>(state: SagaState<C>, revision: number): Promise<number> {
    const next = await super.save(state, revision);
    this.latest.set(state.sagaId, state as SagaState<unknown>);
    return next;
  }
}

/** One run of an orchestrator process, from start to crash. */
export class Incarnation implements Liveness {
  alive = true;
  executor!: SagaExecutor;
  constructor(readonly id: number) {}
}

const never = <T>() => new Promise<T>(() => undefined);

/**
 * The store as one incarnation sees it: once dead, its calls never return. A crash may
 * strike at any call, before the write lands or after it (the write is stored, the
 * process dies before it hears so): between "recorded as started" and the send, and
 * between the reply and "recorded as done".
 */
class CrashableStore implements SagaStore {
  constructor(
    private readonly inner: SagaStore,
    private readonly inc: Incarnation,
    private readonly crashPoint: (inc: Incarnation, call: string) => 'before' | 'after' | null,
  ) {}

  private async guard<T>(call: string, op: () => Promise<T>): Promise<T> {
    if (!this.inc.alive) return never();
    const crash = this.crashPoint(this.inc, call);
    if (crash === 'before') return never();
    const result = await op();
    if (crash === 'after' || !this.inc.alive) return never();
    return result;
  }

  create<C>(state: SagaState<C>) {
    return this.guard('create', () => this.inner.create(state));
  }
  load<C>(sagaId: string) {
    return this.guard('load', () => this.inner.load<C>(sagaId));
  }
  save<C>(state: SagaState<C>, revision: number) {
    return this.guard('save', () => this.inner.save(state, revision));
  }
  unfinished() {
    return this.guard('unfinished', () => this.inner.unfinished());
  }
}

export interface CrashPlan {
  /** Chance that a given store call is where the process dies. */
  atStoreCall: number;
  /** Crashes at random instants (while waiting for a reply or sleeping). */
  timed: number[];
  /** Instants at which a second orchestrator starts beside the running one. */
  rivals: number[];
  /** Most crashes in a run. */
  max: number;
  restartMs: [number, number];
}

export interface RequestedSaga {
  def: SagaDefinition<any>;
  sagaId: string;
  ctx: { sagaId: string; [k: string]: unknown };
  at: number;
}

/**
 * The orchestrator replicas: each incarnation is a SagaExecutor on the shared store, with
 * its own port and clock. A crash abandons its executor where it stands; a supervisor
 * starts a new one after a while, which redelivers the start commands not yet stored and
 * resumes every unfinished saga (`resumeAll`). Rivals run beside the current one.
 */
export class Orchestrators {
  readonly incarnations: Incarnation[] = [];
  readonly requested: RequestedSaga[] = [];
  readonly errors: string[] = [];
  readonly terminalCalls = new Map<string, number>();
  crashes = 0;
  faultsOn = true;

  constructor(
    private readonly store: WatchedStore,
    private readonly sagas: ReadonlyArray<SagaDefinition<any>>,
    private readonly network: Network,
    private readonly time: VirtualTime,
    private readonly rng: Prng,
    private readonly plan: CrashPlan,
    private readonly stepTimeoutMs: number,
    private readonly trace?: (line: string) => void,
  ) {
    for (const at of plan.timed) time.at(at, () => this.faultsOn && this.crashes < plan.max && this.kill(this.alive().length ? this.rng.pick(this.alive()) : undefined, 'timed'));
    for (const at of plan.rivals) time.at(at, () => this.faultsOn && this.alive().length < 3 && this.spawn('rival'));
  }

  alive(): Incarnation[] {
    return this.incarnations.filter((i) => i.alive);
  }

  spawn(why: string): Incarnation {
    const inc = new Incarnation(this.incarnations.length + 1);
    this.incarnations.push(inc);
    const observer: SagaObserver = {
      onStep: (s, step, outcome, kind) => this.trace?.(`${this.time.now()} #${inc.id} ${s.sagaId} ${kind} ${step}: ${outcome}`),
      onTerminal: (s) => {
        this.terminalCalls.set(s.sagaId, (this.terminalCalls.get(s.sagaId) ?? 0) + 1);
        this.trace?.(`${this.time.now()} #${inc.id} ${s.sagaId} ended ${s.status}${s.error ? ` (${s.error.code} at ${s.error.step}: ${s.error.message})` : ''}`);
      },
    };
    inc.executor = new SagaExecutor({
      store: new CrashableStore(this.store, inc, (i, call) => this.crashPoint(i, call)),
      port: new JetStreamCommandPort(this.network.busFor(inc) as never),
      clock: this.time.clockFor(inc),
      observer,
      defaultTimeoutMs: this.stepTimeoutMs,
    });
    for (const def of this.sagas) inc.executor.register(def);
    this.trace?.(`${this.time.now()} orchestrator #${inc.id} starts (${why})`);
    this.run(inc, 'recovery', async () => {
      // start commands are durable: the ones no incarnation stored yet are redelivered
      for (const r of this.requested) if (!(await this.store.load(r.sagaId))) this.run(inc, r.sagaId, () => inc.executor.start(r.def, r.sagaId, r.ctx));
      await inc.executor.resumeAll();
    });
    return inc;
  }

  /** A client asks for a saga: the gateway's start command reaches a live orchestrator, or waits for one. */
  startSaga(r: RequestedSaga): void {
    // a repeated trigger (GameInactive) asks again for a saga of the same id: one saga to judge
    if (!this.requested.some((x) => x.sagaId === r.sagaId)) this.requested.push(r);
    this.trace?.(`${this.time.now()} start ${r.def.type} ${r.sagaId} ${JSON.stringify(r.ctx)}`);
    const alive = this.alive();
    if (alive.length) {
      const inc = this.rng.pick(alive);
      this.run(inc, r.sagaId, () => inc.executor.start(r.def, r.sagaId, r.ctx));
    }
  }

  kill(inc: Incarnation | undefined, where: string): void {
    if (!inc?.alive) return;
    inc.alive = false;
    this.crashes++;
    this.trace?.(`${this.time.now()} orchestrator #${inc.id} crashes (${where})`);
    this.time.after(this.rng.int(...this.plan.restartMs), () => this.spawn(`restart after #${inc.id}`));
  }

  /** Stops every incarnation (the end of a run). */
  stopAll(): void {
    for (const i of this.incarnations) i.alive = false;
  }

  private crashPoint(inc: Incarnation, call: string): 'before' | 'after' | null {
    if (!this.faultsOn || this.crashes >= this.plan.max || !this.rng.chance(this.plan.atStoreCall)) return null;
    const when = this.rng.chance(0.5) ? 'before' : 'after';
    this.kill(inc, `${when} store.${call}`);
    return when;
  }

  private run(inc: Incarnation, what: string, f: () => Promise<unknown>): void {
    f().catch((err: Error) => {
      if (inc.alive) this.errors.push(`#${inc.id} ${what}: ${err.stack ?? err.message}`);
    });
  }
}
