import { z } from 'zod';
import { defineCommand } from '@bitcraps/contracts';
import { SagaExecutor } from './executor';
import { startSaga } from './machine';
import { InMemorySagaStore } from './memory';
import type { Clock, CommandPort } from './ports';
import type { SagaDefinition, StepOutcome } from './types';

/**
 * Given/expect tests of the engine with no broker: a scripted world answers each
 * command; we check which commands went out, in which order, and how the saga ended.
 */
const cmd = (verb: string) =>
  defineCommand({ service: 'test', verb, fact: `${verb}-done`, payload: z.object({ opId: z.string() }), ok: {} });
const Do = { a: cmd('a'), b: cmd('b'), c: cmd('c'), d: cmd('d') };
const Undo = { a: cmd('undo-a'), b: cmd('undo-b'), c: cmd('undo-c'), d: cmd('undo-d') };

type Ctx = { sagaId: string; log: string[] };
const step = (n: 'a' | 'b' | 'c' | 'd', opts: { compensate?: boolean; pivot?: boolean } = {}) => ({
  name: n,
  command: (ctx: Ctx) => ({ def: Do[n], payload: { opId: `${ctx.sagaId}:${n}` } }),
  onOk: (ctx: Ctx) => ({ ...ctx, log: [...ctx.log, n] }),
  ...(opts.compensate === false ? {} : { compensation: (ctx: Ctx) => ({ def: Undo[n], payload: { opId: `${ctx.sagaId}:${n}:undo` } }) }),
  pivot: opts.pivot,
  maxAttempts: 3,
});

/** a → b → c (no compensation) → d */
const plain: SagaDefinition<Ctx> = { type: 'plain', steps: [step('a'), step('b'), step('c', { compensate: false }), step('d')] };
/** a → b (pivot) → c → d: after b only forward */
const pivoted: SagaDefinition<Ctx> = { type: 'pivoted', steps: [step('a'), step('b', { pivot: true }), step('c'), step('d')] };

type Behaviour = 'ok' | 'refuse' | 'down' | { failTimes: number };

class World implements CommandPort {
  readonly sent: string[] = [];
  readonly effects = new Map<string, number>();
  constructor(private readonly script: Record<string, Behaviour> = {}) {}
  async send(command: { def: { subject: string }; payload: unknown }): Promise<StepOutcome> {
    const verb = command.def.subject.split('.')[2];
    this.sent.push(verb);
    const b = this.script[verb] ?? 'ok';
    if (b === 'down') return { kind: 'transient', message: `${verb} did not answer` };
    if (b === 'refuse') return { kind: 'refused', code: 'INSUFFICIENT_BALANCE', message: `${verb} says no` };
    if (typeof b === 'object' && this.sent.filter((v) => v === verb).length <= b.failTimes) return { kind: 'transient', message: 'blip' };
    const opId = (command.payload as { opId: string }).opId;
    this.effects.set(opId, (this.effects.get(opId) ?? 0) + 1);
    return { kind: 'ok', reply: { ok: true } };
  }
}

const fakeClock = (): Clock & { slept: number[] } => {
  let t = 0;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
};

async function run(def: SagaDefinition<Ctx>, script: Record<string, Behaviour> = {}) {
  const world = new World(script);
  const clock = fakeClock();
  const terminal: string[] = [];
  const executor = new SagaExecutor({ store: new InMemorySagaStore(), port: world, clock, observer: { onTerminal: (s) => terminal.push(s.status) } });
  const state = await executor.start(def, 's1', { sagaId: 's1', log: [] });
  return { state, world, clock, terminal };
}

describe('saga engine: given a world, expect these commands', () => {
  it('runs every step in order and completes', async () => {
    const { state, world, terminal } = await run(plain);
    expect(world.sent).toEqual(['a', 'b', 'c', 'd']);
    expect(state.status).toBe('completed');
    expect(state.ctx.log).toEqual(['a', 'b', 'c', 'd']);
    expect(terminal).toEqual(['completed']);
  });

  it.each([
    ['a', ['a']],
    ['b', ['a', 'b', 'undo-a']],
    ['c', ['a', 'b', 'c', 'undo-b', 'undo-a']],
    ['d', ['a', 'b', 'c', 'd', 'undo-b', 'undo-a']],
  ])('a refusal at %s compensates the completed steps newest first, not the refused one', async (at, expected) => {
    const { state, world } = await run(plain, { [at]: 'refuse' });
    expect(world.sent).toEqual(expected);
    expect(state.status).toBe('compensated');
    expect(state.error).toMatchObject({ step: at, code: 'INSUFFICIENT_BALANCE' });
  });

  it.each([
    ['a', ['a', 'a', 'a', 'undo-a']],
    ['b', ['a', 'b', 'b', 'b', 'undo-b', 'undo-a']],
    ['d', ['a', 'b', 'c', 'd', 'd', 'd', 'undo-d', 'undo-b', 'undo-a']],
  ])('a step at %s that never answers is retried, then counted as possibly done and compensated too', async (at, expected) => {
    const { state, world, clock } = await run(plain, { [at]: 'down' });
    expect(world.sent).toEqual(expected);
    expect(state.status).toBe('compensated');
    expect(state.error).toMatchObject({ step: at, code: 'STEP_TIMED_OUT' });
    expect(state.steps.find((s) => s.name === at)).toMatchObject({ status: 'compensated', attempts: 3 });
    expect(clock.slept).toEqual([100, 200]); // exponential backoff between attempts
  });

  it('a transient failure within the budget is retried and the saga completes', async () => {
    const { state, world } = await run(plain, { b: { failTimes: 2 } });
    expect(world.sent).toEqual(['a', 'b', 'b', 'b', 'c', 'd']);
    expect(state.status).toBe('completed');
  });

  it('a compensation whose service is down is retried until it answers', async () => {
    const { state, world } = await run(plain, { c: 'refuse', 'undo-a': { failTimes: 9 } });
    expect(world.sent.filter((v) => v === 'undo-a')).toHaveLength(10);
    expect(state.status).toBe('compensated');
  });

  it('a compensation that keeps being refused ends the saga failed, visibly', async () => {
    const { state, world, terminal } = await run(plain, { c: 'refuse', 'undo-a': 'refuse' });
    expect(world.sent).toEqual(['a', 'b', 'c', 'undo-b', 'undo-a', 'undo-a', 'undo-a']);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ step: 'a', code: 'COMPENSATION_FAILED', message: expect.stringContaining('after INSUFFICIENT_BALANCE at c') });
    expect(terminal).toEqual(['failed']);
  });

  it('before the pivot it compensates; after the pivot it only retries forward', async () => {
    expect((await run(pivoted, { a: 'refuse' })).state.status).toBe('compensated');
    const { state, world } = await run(pivoted, { c: { failTimes: 7 } });
    expect(world.sent).toEqual(['a', 'b', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'd']);
    expect(state.status).toBe('completed');
  });

  it('a pivot that never answers is retried until it does, never compensated: it may have happened', async () => {
    const { state, world } = await run(pivoted, { b: { failTimes: 12 } });
    expect(world.sent).toEqual(['a', ...Array<string>(13).fill('b'), 'c', 'd']);
    expect(state.status).toBe('completed');
    expect(world.sent).not.toContain('undo-b');
  });

  it('a pivot that is refused did not happen: the steps before it are compensated', async () => {
    const { state, world } = await run(pivoted, { b: 'refuse' });
    expect(world.sent).toEqual(['a', 'b', 'undo-a']);
    expect(state).toMatchObject({ status: 'compensated', error: { step: 'b' } });
  });

  it('a refusal after the pivot fails the saga and undoes nothing', async () => {
    const { state, world } = await run(pivoted, { d: 'refuse' });
    expect(world.sent).toEqual(['a', 'b', 'c', 'd']);
    expect(state).toMatchObject({ status: 'failed', error: { step: 'd' } });
  });
});

describe('saga engine: versions of a definition', () => {
  const v1: SagaDefinition<Ctx> = { type: 'evolving', steps: [step('a'), step('b')] };
  const v2: SagaDefinition<Ctx> = { type: 'evolving', version: 2, steps: [step('b'), step('a'), step('c')] };

  it('resumes a stored saga with the version it started with, and new ones with the new version', async () => {
    const store = new InMemorySagaStore();
    // an old orchestrator stored a v1 saga, recorded as started at step b, and died
    const old = startSaga(v1, 'old', { sagaId: 'old', log: ['a'] }, 0);
    await store.create({ ...old, steps: [{ ...old.steps[0]!, status: 'done', attempts: 1 }, { ...old.steps[1]!, status: 'started', attempts: 1 }] });
    const world = new World();
    const executor = new SagaExecutor({ store, port: world, clock: fakeClock() }).register(v1).register(v2);
    const resumed = await executor.drive<Ctx>('old');
    expect(resumed).toMatchObject({ status: 'completed', ctx: { log: ['a', 'b'] } });
    expect(resumed.version).toBeUndefined();
    const fresh = await executor.start(v2, 'new', { sagaId: 'new', log: [] });
    expect(fresh).toMatchObject({ status: 'completed', version: 2, ctx: { log: ['b', 'a', 'c'] } });
    expect(world.sent).toEqual(['b', 'b', 'a', 'c']);
  });

  it('refuses to drive a saga whose version is not registered, rather than guess', async () => {
    const store = new InMemorySagaStore();
    await store.create(startSaga(v2, 's', { sagaId: 's', log: [] }, 0));
    await expect(new SagaExecutor({ store, port: new World(), clock: fakeClock() }).register(v1).drive('s')).rejects.toThrow('no definition registered for saga type evolving version 2');
  });
});

describe('saga engine: fan-out steps', () => {
  it('sends every command of a fan-out in order and hands the replies to onOk; a refusal in it compensates', async () => {
    const fan: SagaDefinition<Ctx> = {
      type: 'fan',
      steps: [
        step('a'),
        {
          name: 'many',
          command: (ctx) => [Do.b, Do.c, Do.d].map((def) => ({ def, payload: { opId: `${ctx.sagaId}:${def.subject}` } })),
          onOk: (ctx, replies: unknown[]) => ({ ...ctx, log: [...ctx.log, `replies:${replies.length}`] }),
        },
      ],
    };
    const done = await run(fan);
    expect(done.world.sent).toEqual(['a', 'b', 'c', 'd']);
    expect(done.state.ctx.log).toEqual(['a', 'replies:3']);
    const refused = await run(fan, { c: 'refuse' });
    expect(refused.world.sent).toEqual(['a', 'b', 'c', 'undo-a']);
    expect(refused.state.status).toBe('compensated');
  });
});

describe('saga engine: crashes and rivals', () => {
  it('a saga interrupted after a step was recorded as started is resumed by another executor and sends it again', async () => {
    const store = new InMemorySagaStore();
    const world = new World();
    // the first orchestrator dies while waiting for b's reply: its send never returns
    const dying: CommandPort = {
      send: (c) => (c.def.subject.endsWith('.b') ? new Promise<StepOutcome>(() => undefined) : world.send(c)),
    };
    const first = new SagaExecutor({ store, port: dying, clock: fakeClock() });
    void first.start(plain, 's1', { sagaId: 's1', log: [] });
    await new Promise((r) => setImmediate(r));
    expect((await store.load('s1'))!.state.steps.map((s) => s.status)).toEqual(['done', 'started', 'pending', 'pending']);

    const second = new SagaExecutor({ store, port: world, clock: fakeClock() }).register(plain);
    const [resumed] = await second.resumeAll();
    expect(resumed.status).toBe('completed');
    expect(world.sent).toEqual(['a', 'b', 'c', 'd']);
    expect([...world.effects.values()].every((n) => n === 1)).toBe(true);
  });

  it('two executors driving one saga never both advance it (compare-and-set)', async () => {
    const store = new InMemorySagaStore();
    const world = new World();
    const a = new SagaExecutor({ store, port: world, clock: fakeClock() }).register(plain);
    const b = new SagaExecutor({ store, port: world, clock: fakeClock() }).register(plain);
    await store.create(startSaga(plain, 's2', { sagaId: 's2', log: [] }, 0));
    const both = await Promise.all([a.drive('s2'), b.drive('s2')]);
    expect(both.some((s) => s.status === 'completed')).toBe(true);
    expect((await store.load('s2'))!.state.status).toBe('completed');
    expect(world.sent).toEqual(['a', 'b', 'c', 'd']);
    expect([...world.effects.values()]).toEqual([1, 1, 1, 1]);
  });

  it('starting a saga id twice runs it once', async () => {
    const store = new InMemorySagaStore();
    const world = new World();
    const ex = new SagaExecutor({ store, port: world, clock: fakeClock() });
    await ex.start(plain, 's3', { sagaId: 's3', log: [] });
    await ex.start(plain, 's3', { sagaId: 's3', log: [] });
    expect(world.sent).toEqual(['a', 'b', 'c', 'd']);
  });

  it('records each step as started before sending it and its outcome after, one write per step', async () => {
    const store = new InMemorySagaStore();
    const writes: string[][] = [];
    const recording = {
      create: async (st: any) => (writes.push(st.steps.map((x: { status: string }) => x.status)), store.create(st)),
      save: async (st: any, rev: number) => (writes.push(st.steps.map((x: { status: string }) => x.status)), store.save(st, rev)),
      load: (id: string) => store.load(id),
      unfinished: () => store.unfinished(),
    } as unknown as InMemorySagaStore;
    const world = new World({ c: 'refuse' });
    const seen: string[][] = [];
    const port: CommandPort = {
      send: async (c) => {
        // what a replica resuming now would find: the step being sent, recorded as started
        seen.push((await store.load('s4'))!.state.steps.map((x) => x.status));
        return world.send(c);
      },
    };
    const state = await new SagaExecutor({ store: recording, port, clock: fakeClock() }).start(pivoted, 's4', { sagaId: 's4', log: [] });
    expect(state.status).toBe('failed');
    expect(world.sent).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual([
      ['started', 'pending', 'pending', 'pending'],
      ['done', 'started', 'pending', 'pending'],
      ['done', 'done', 'started', 'pending'],
    ]);
    // the create carries a's start; each outcome carries the next start (or the end)
    expect(writes).toEqual([...seen, ['done', 'done', 'refused', 'pending']]);
  });
});
