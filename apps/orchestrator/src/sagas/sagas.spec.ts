import { DEFAULT_MAX_ATTEMPTS, InMemorySagaStore, SagaExecutor, type Clock, type CommandPort, type SagaDefinition, type StepOutcome } from '@bitcraps/saga';
import { betSaga, expireSaga, expireSagaV1, joinSaga, joinSagaV1, leaveSaga, leaveSagaV1, rollSaga } from '.';

/**
 * Given/expect tests of every saga definition, no broker: a scripted world answers by
 * subject; a failure at each step must give exactly these compensations, in this order.
 */
type Answer = (payload: any) => unknown;
type Script = Record<string, 'refuse' | 'down' | { failTimes: number; then?: Answer } | Answer>;

class World implements CommandPort {
  readonly sent: Array<{ subject: string; payload: any }> = [];
  constructor(private readonly script: Script) {}
  async send(c: { def: { subject: string }; payload: unknown }): Promise<StepOutcome> {
    this.sent.push({ subject: c.def.subject, payload: c.payload });
    const s = this.script[c.def.subject];
    if (s === 'refuse') return { kind: 'refused', code: 'GAME_FULL', message: 'no' };
    if (s === 'down') return { kind: 'transient', message: 'no answer' };
    if (typeof s === 'object' && this.sent.filter((x) => x.subject === c.def.subject).length <= s.failTimes) return { kind: 'transient', message: 'no answer' };
    const answer = typeof s === 'function' ? s : typeof s === 'object' ? s.then : undefined;
    return { kind: 'ok', reply: { ok: true, ...(answer ? (answer(c.payload) as object) : {}) } };
  }
  get subjects() {
    return this.sent.map((s) => s.subject.replace(/^cmd\./, ''));
  }
}

const clock: Clock = { now: () => 0, sleep: async () => undefined };
const run = async (def: any, ctx: any, script: Script) => {
  const world = new World(script);
  const state = await new SagaExecutor({ store: new InMemorySagaStore(), port: world, clock }).start(def, ctx.sagaId, ctx);
  return { state, world };
};

const ids = { sagaId: 's_1', gameId: 'g_1', playerId: 'p_1' };

/**
 * One row of a failure table: the subject that fails, how, the saga's end, and exactly
 * what it sends after the last attempt at that subject (compensations, newest first, or
 * the rest of the steps when it only moves forward).
 * - `refused`: a final refusal, every attempt;
 * - `no answer`: never answers: retried `attempts` times, then compensated with its own compensation too;
 * - `no answer, then late`: silent for longer than any retry budget, then answers (a pivot
 *   or a step past it is retried until it does: it may have happened and cannot be undone).
 */
type Failure = 'refused' | 'no answer' | 'no answer, then late';
type Row = [subject: string, failure: Failure, status: 'compensated' | 'failed' | 'completed', after: string[]];
const SILENT_TIMES = 3 * DEFAULT_MAX_ATTEMPTS;

function failureTable(def: SagaDefinition<any>, ctx: object, script: Script, rows: Row[], attempts: (subject: string) => number = () => DEFAULT_MAX_ATTEMPTS): void {
  it.each(rows)('%s %s: %s, then sends %j', async (at, failure, status, after) => {
    const scripted = script[`cmd.${at}`];
    const how = failure === 'refused' ? 'refuse' : failure === 'no answer' ? 'down' : { failTimes: SILENT_TIMES, then: typeof scripted === 'function' ? scripted : undefined };
    const { state, world } = await run(def, ctx, { ...script, [`cmd.${at}`]: how });
    expect(state.status).toBe(status);
    expect(world.subjects.slice(world.subjects.lastIndexOf(at) + 1)).toEqual(after);
    const sentAt = world.subjects.filter((x) => x === at).length;
    if (failure === 'refused') expect(sentAt).toBe(1);
    if (failure === 'no answer') expect(sentAt).toBe(attempts(at));
    if (failure === 'no answer, then late') expect(sentAt).toBeGreaterThan(SILENT_TIMES);
    if (status !== 'completed') expect(state.error).toMatchObject({ step: def.steps.find((st) => subjectsOf(st, state.ctx).includes(at))!.name });
  });
}

/** The subjects a step sends (a fan-out may send several, or none). */
function subjectsOf(step: SagaDefinition<any>['steps'][number], ctx: any): string[] {
  const c = step.command(ctx);
  return (Array.isArray(c) ? c : [c]).map((x) => x.def.subject.replace(/^cmd\./, ''));
}

describe('join saga', () => {
  const ok: Script = { 'cmd.treasury.credit-stack': () => ({ stack: 200 }) };
  it('debits, seats (held as joining), credits the stack, adds the participant, confirms the seat', async () => {
    const { state, world } = await run(joinSaga, { ...ids, buyIn: 200 }, ok);
    expect(world.subjects).toEqual(['player.debit-wallet', 'lifecycle.seat-player', 'treasury.credit-stack', 'consensus.add-participant', 'lifecycle.confirm-seat']);
    expect(state).toMatchObject({ status: 'completed', version: 2, ctx: { stack: 200 } });
    expect(world.sent[0].payload).toMatchObject({ opId: 's_1:debit', amount: 200 });
    expect(world.sent[1].payload).toMatchObject({ opId: 's_1:seat', confirm: true });
    expect(world.sent[4].payload).toEqual({ gameId: 'g_1', playerId: 'p_1', seatOpId: 's_1:seat' });
  });
  // before the pivot (the stack credit) everything done is undone; from it on, nothing is
  describe('a failure at each step', () => {
    failureTable(joinSaga, { ...ids, buyIn: 200 }, ok, [
      ['player.debit-wallet', 'refused', 'compensated', []],
      ['player.debit-wallet', 'no answer', 'compensated', ['player.refund-debit']],
      ['lifecycle.seat-player', 'refused', 'compensated', ['player.refund-debit']],
      ['lifecycle.seat-player', 'no answer', 'compensated', ['lifecycle.unseat-player', 'player.refund-debit']],
      ['treasury.credit-stack', 'refused', 'compensated', ['lifecycle.unseat-player', 'player.refund-debit']],
      ['treasury.credit-stack', 'no answer, then late', 'completed', ['consensus.add-participant', 'lifecycle.confirm-seat']],
      ['consensus.add-participant', 'refused', 'failed', []],
      ['consensus.add-participant', 'no answer, then late', 'completed', ['lifecycle.confirm-seat']],
      ['lifecycle.confirm-seat', 'refused', 'failed', []],
      ['lifecycle.confirm-seat', 'no answer, then late', 'completed', []],
    ]);
  });
  it('a credit that goes unanswered is retried until it answers, never reversed: the player may bet from it at once', async () => {
    const { state, world } = await run(joinSaga, { ...ids, buyIn: 200 }, { ...ok, 'cmd.treasury.credit-stack': { failTimes: 9 } });
    expect(state.status).toBe('completed');
    expect(world.subjects.filter((s) => s === 'treasury.credit-stack')).toHaveLength(10);
    expect(world.subjects.some((s) => /reverse|unseat|refund/.test(s))).toBe(false);
  });
  it('after the pivot a refusal undoes nothing: the saga fails, visibly', async () => {
    const { state, world } = await run(joinSaga, { ...ids, buyIn: 200 }, { ...ok, 'cmd.consensus.add-participant': 'refuse' });
    expect(state).toMatchObject({ status: 'failed', error: { step: 'add-participant' } });
    expect(world.subjects.at(-1)).toBe('consensus.add-participant');
  });
});

describe('join saga, version 1 (only to finish the ones stored before version 2)', () => {
  const ok: Script = { 'cmd.treasury.credit-stack': () => ({ stack: 200 }) };
  it('debits, seats, credits the stack', async () => {
    const { state, world } = await run(joinSagaV1, { ...ids, buyIn: 200 }, ok);
    expect(world.subjects).toEqual(['player.debit-wallet', 'lifecycle.seat-player', 'treasury.credit-stack', 'consensus.add-participant']);
    expect(state).toMatchObject({ status: 'completed', ctx: { stack: 200 } });
    expect(state.version).toBeUndefined();
    expect(world.sent[1].payload.confirm).toBeUndefined();
  });
  it.each([
    ['player.debit-wallet', []],
    ['lifecycle.seat-player', ['player.refund-debit']],
    ['treasury.credit-stack', ['lifecycle.unseat-player', 'player.refund-debit']],
    ['consensus.add-participant', ['treasury.reverse-stack-credit', 'lifecycle.unseat-player', 'player.refund-debit']],
  ])('a refusal at %s compensates %j', async (at, comps) => {
    const { state, world } = await run(joinSagaV1, { ...ids, buyIn: 200 }, { ...ok, [`cmd.${at}`]: 'refuse' });
    expect(state.status).toBe('compensated');
    expect(world.subjects.slice(world.subjects.indexOf(at) + 1)).toEqual(comps);
  });
});

describe('bet saga', () => {
  const bet = { ...ids, betId: 'b_1', type: 'pass', amount: 10 };
  it('validates (holding the bet id), escrows, records', async () => {
    const { state, world } = await run(betSaga, bet, {});
    expect(world.subjects).toEqual(['lifecycle.validate-bet', 'treasury.escrow-bet', 'lifecycle.record-bet']);
    expect(state.status).toBe('completed');
  });
  // no pivot: a step that may have happened is undone too, and the hold ends last
  describe('a failure at each step', () => {
    failureTable(betSaga, bet, {}, [
      ['lifecycle.validate-bet', 'refused', 'compensated', []],
      ['lifecycle.validate-bet', 'no answer', 'compensated', ['lifecycle.release-bet-hold']],
      ['treasury.escrow-bet', 'refused', 'compensated', ['lifecycle.release-bet-hold']],
      ['treasury.escrow-bet', 'no answer', 'compensated', ['treasury.release-bet', 'lifecycle.release-bet-hold']],
      ['lifecycle.record-bet', 'refused', 'compensated', ['treasury.release-bet', 'lifecycle.release-bet-hold']],
      ['lifecycle.record-bet', 'no answer', 'compensated', ['lifecycle.remove-bet', 'treasury.release-bet', 'lifecycle.release-bet-hold']],
    ]);
  });
  it('a record that never answers is taken down, then released, and the hold ends last', async () => {
    const { world } = await run(betSaga, bet, { 'cmd.lifecycle.record-bet': 'down' });
    expect(world.subjects.slice(-3)).toEqual(['lifecycle.remove-bet', 'treasury.release-bet', 'lifecycle.release-bet-hold']);
  });
});

describe('leave saga', () => {
  const script: Script = {
    'cmd.lifecycle.unseat-player': () => ({ returnedBets: [{ betId: 'b_1', amount: 5 }, { betId: 'b_2', amount: 7 }] }),
    'cmd.treasury.cash-out-stack': () => ({ amount: 212 }),
  };
  it('unseats (held as leaving), releases returned bets, cashes out, credits the wallet, lets the player sit again', async () => {
    const { state, world } = await run(leaveSaga, ids, script);
    expect(world.subjects).toEqual([
      'lifecycle.unseat-player', 'consensus.remove-participant', 'treasury.release-bet', 'treasury.release-bet', 'treasury.cash-out-stack', 'player.credit-wallet', 'lifecycle.confirm-leave',
    ]);
    expect(world.sent[0]!.payload).toMatchObject({ opId: 's_1:unseat', confirm: true });
    expect(world.sent.at(-2)!.payload).toMatchObject({ amount: 212, opId: 's_1:credit' });
    expect(world.sent.at(-1)!.payload).toEqual({ gameId: 'g_1', playerId: 'p_1', leaveOpId: 's_1:unseat' });
    expect(state).toMatchObject({ status: 'completed', version: 2, ctx: { returned: 212 } });
  });
  it('waits while the table says TRY_AGAIN (the unseat is its pivot): retried until it answers', async () => {
    const { state, world } = await run(leaveSaga, ids, { ...script, 'cmd.lifecycle.unseat-player': { failTimes: 12 } });
    expect(state.status).toBe('completed');
    expect(world.subjects.filter((x) => x === 'lifecycle.unseat-player')).toHaveLength(13);
  });
  it('refused to unseat (bets on the layout): nothing happens', async () => {
    const { state, world } = await run(leaveSaga, ids, { 'cmd.lifecycle.unseat-player': 'refuse' });
    expect(world.subjects).toEqual(['lifecycle.unseat-player']);
    expect(state.status).toBe('compensated');
  });
  it('after the pivot it only retries forward: a down treasury delays, never undoes', async () => {
    let calls = 0;
    const flaky: Script = { ...script, 'cmd.treasury.cash-out-stack': () => ({ amount: 212 }) };
    const world = new World(flaky);
    const port: CommandPort = { send: async (c) => (c.def.subject.endsWith('cash-out-stack') && ++calls <= 8 ? { kind: 'transient', message: 'down' } : world.send(c)) };
    const state = await new SagaExecutor({ store: new InMemorySagaStore(), port, clock }).start(leaveSaga, 's_1', { ...ids });
    expect(state.status).toBe('completed');
    expect(calls).toBe(9);
  });
  it('an empty stack credits nothing', async () => {
    const { world } = await run(leaveSaga, ids, { 'cmd.lifecycle.unseat-player': () => ({ returnedBets: [] }), 'cmd.treasury.cash-out-stack': () => ({ amount: 0 }) });
    expect(world.subjects).toEqual(['lifecycle.unseat-player', 'consensus.remove-participant', 'treasury.cash-out-stack', 'lifecycle.confirm-leave']);
  });
  // nothing is ever undone: past the pivot a refusal fails the saga for an operator, silence is waited out
  describe('a failure at each step', () => {
    failureTable(leaveSaga, ids, script, [
      ['lifecycle.unseat-player', 'refused', 'compensated', []],
      ['lifecycle.unseat-player', 'no answer, then late', 'completed', ['consensus.remove-participant', 'treasury.release-bet', 'treasury.release-bet', 'treasury.cash-out-stack', 'player.credit-wallet', 'lifecycle.confirm-leave']],
      ['consensus.remove-participant', 'refused', 'failed', []],
      ['consensus.remove-participant', 'no answer, then late', 'completed', ['treasury.release-bet', 'treasury.release-bet', 'treasury.cash-out-stack', 'player.credit-wallet', 'lifecycle.confirm-leave']],
      ['treasury.release-bet', 'refused', 'failed', []],
      ['treasury.release-bet', 'no answer, then late', 'completed', ['treasury.cash-out-stack', 'player.credit-wallet', 'lifecycle.confirm-leave']],
      ['treasury.cash-out-stack', 'refused', 'failed', []],
      ['treasury.cash-out-stack', 'no answer, then late', 'completed', ['player.credit-wallet', 'lifecycle.confirm-leave']],
      ['player.credit-wallet', 'refused', 'failed', []],
      ['player.credit-wallet', 'no answer, then late', 'completed', ['lifecycle.confirm-leave']],
      ['lifecycle.confirm-leave', 'refused', 'failed', []],
      ['lifecycle.confirm-leave', 'no answer, then late', 'completed', []],
    ]);
  });
});

describe('leave saga, version 1 (only to finish the ones stored before version 2)', () => {
  const script: Script = {
    'cmd.lifecycle.unseat-player': () => ({ returnedBets: [{ betId: 'b_1', amount: 5 }] }),
    'cmd.treasury.cash-out-stack': () => ({ amount: 105 }),
  };
  it('unseats, removes the participant, releases returned bets, cashes out, credits the wallet', async () => {
    const { state, world } = await run(leaveSagaV1, ids, script);
    expect(world.subjects).toEqual(['lifecycle.unseat-player', 'consensus.remove-participant', 'treasury.release-bet', 'treasury.cash-out-stack', 'player.credit-wallet']);
    expect(world.sent[0]!.payload).toEqual({ gameId: 'g_1', playerId: 'p_1', opId: 's_1:unseat' });
    expect(state.version).toBeUndefined();
    expect(state).toMatchObject({ status: 'completed', ctx: { returned: 105 } });
  });
  describe('a failure at each step', () => {
    failureTable(leaveSagaV1, ids, script, [
      ['lifecycle.unseat-player', 'refused', 'compensated', []],
      ['lifecycle.unseat-player', 'no answer, then late', 'completed', ['consensus.remove-participant', 'treasury.release-bet', 'treasury.cash-out-stack', 'player.credit-wallet']],
      ['consensus.remove-participant', 'refused', 'failed', []],
      ['consensus.remove-participant', 'no answer, then late', 'completed', ['treasury.release-bet', 'treasury.cash-out-stack', 'player.credit-wallet']],
      ['treasury.release-bet', 'refused', 'failed', []],
      ['treasury.release-bet', 'no answer, then late', 'completed', ['treasury.cash-out-stack', 'player.credit-wallet']],
      ['treasury.cash-out-stack', 'refused', 'failed', []],
      ['treasury.cash-out-stack', 'no answer, then late', 'completed', ['player.credit-wallet']],
      ['player.credit-wallet', 'refused', 'failed', []],
      ['player.credit-wallet', 'no answer, then late', 'completed', []],
    ]);
  });
});

describe('roll saga', () => {
  const roll = {
    rollIndex: 3, dice: [3, 4], total: 7, phase: 'come-out', point: null, shooter: 'p_1', sevenOut: false, nextShooter: null, moved: [],
    resolutions: [{ betId: 'b_1', playerId: 'p_1', type: 'pass', outcome: 'win', amount: 10, payout: 10 }],
  };
  const script: Script = {
    'cmd.lifecycle.check-shooter': () => ({ rollIndex: 3, shooter: 'p_1' }),
    'cmd.consensus.produce-roll': () => ({ dice: [3, 4] }),
    'cmd.lifecycle.apply-roll': () => ({ roll }),
  };
  it('checks the shooter, produces the dice, applies them, settles, closes the round', async () => {
    const { state, world } = await run(rollSaga, ids, script);
    expect(world.subjects).toEqual(['lifecycle.check-shooter', 'consensus.produce-roll', 'lifecycle.apply-roll', 'treasury.settle-roll', 'lifecycle.close-round']);
    expect(world.sent[2].payload).toEqual({ gameId: 'g_1', rollIndex: 3, dice: [3, 4] });
    expect(world.sent[3].payload).toEqual({ gameId: 'g_1', rollIndex: 3, resolutions: [{ betId: 'b_1', playerId: 'p_1', outcome: 'win', amount: 10, payout: 10 }] });
    expect(state).toMatchObject({ status: 'completed', ctx: { roll } });
  });
  it('not the shooter: nothing to undo', async () => {
    const { state, world } = await run(rollSaga, ids, { 'cmd.lifecycle.check-shooter': 'refuse' });
    expect(world.subjects).toEqual(['lifecycle.check-shooter']);
    expect(state.status).toBe('compensated');
  });
  it('no dice (quorum failed): the reserved roll is cancelled', async () => {
    const { world } = await run(rollSaga, ids, { ...script, 'cmd.consensus.produce-roll': 'refuse' });
    expect(world.subjects).toEqual(['lifecycle.check-shooter', 'consensus.produce-roll', 'lifecycle.cancel-roll']);
  });
  it('past the pivot a settlement that fails is retried, never undone', async () => {
    let calls = 0;
    const world = new World(script);
    const port: CommandPort = { send: async (c) => (c.def.subject.endsWith('settle-roll') && ++calls <= 6 ? { kind: 'transient', message: 'treasury down' } : world.send(c)) };
    const state = await new SagaExecutor({ store: new InMemorySagaStore(), port, clock }).start(rollSaga, 's_1', { ...ids });
    expect(state.status).toBe('completed');
    expect(world.subjects.filter((s) => s.includes('cancel'))).toEqual([]);
  });
  // before the pivot (apply-roll) the reserved roll is cancelled; once applied it is only paid and closed
  describe('a failure at each step', () => {
    failureTable(
      rollSaga,
      ids,
      script,
      [
        ['lifecycle.check-shooter', 'refused', 'compensated', []],
        ['lifecycle.check-shooter', 'no answer', 'compensated', ['lifecycle.cancel-roll']],
        ['consensus.produce-roll', 'refused', 'compensated', ['lifecycle.cancel-roll']],
        ['consensus.produce-roll', 'no answer', 'compensated', ['lifecycle.cancel-roll']],
        ['lifecycle.apply-roll', 'refused', 'compensated', ['lifecycle.cancel-roll']],
        ['lifecycle.apply-roll', 'no answer, then late', 'completed', ['treasury.settle-roll', 'lifecycle.close-round']],
        ['treasury.settle-roll', 'refused', 'failed', []],
        ['treasury.settle-roll', 'no answer, then late', 'completed', ['lifecycle.close-round']],
        ['lifecycle.close-round', 'refused', 'failed', []],
        ['lifecycle.close-round', 'no answer, then late', 'completed', []],
      ],
      // produce-roll waits for reveals: its budget is its own
      (at) => (at === 'consensus.produce-roll' ? rollSaga.steps[1]!.maxAttempts! : DEFAULT_MAX_ATTEMPTS),
    );
  });
});

describe('expire saga', () => {
  const script: Script = {
    'cmd.lifecycle.close-game': () => ({
      players: [{ playerId: 'p_a', stack: 90 }, { playerId: 'p_b', stack: 0 }],
      bets: [{ betId: 'b_1', playerId: 'p_a', type: 'pass', amount: 10 }],
    }),
    'cmd.treasury.cash-out-stack': (p: { playerId: string }) => ({ amount: p.playerId === 'p_a' ? 100 : 0 }),
  };
  it('suspends, closes, refunds open bets, cashes every stack out to its wallet', async () => {
    const { state, world } = await run(expireSaga, { sagaId: 's_1', gameId: 'g_1' }, script);
    expect(world.subjects).toEqual(['lifecycle.suspend-game', 'lifecycle.close-game', 'treasury.release-bet', 'treasury.cash-out-stack', 'treasury.cash-out-stack', 'player.credit-wallet']);
    expect(world.sent.at(-1)!.payload).toMatchObject({ playerId: 'p_a', amount: 100 });
    expect(state.status).toBe('completed');
  });
  it('a game already closed is left alone', async () => {
    const { state, world } = await run(expireSaga, { sagaId: 's_1', gameId: 'g_1' }, { 'cmd.lifecycle.suspend-game': 'refuse' });
    expect(world.subjects).toEqual(['lifecycle.suspend-game']);
    expect(state.status).toBe('compensated');
  });
  it('starts as version 2', async () => {
    const { state } = await run(expireSaga, { sagaId: 's_1', gameId: 'g_1' }, script);
    expect(state.version).toBe(2);
  });
  // the suspension is the pivot: a frozen table is closed, or the saga fails for an operator; never compensated
  // with the table left frozen (version 1), never resumed (the suspension may not be ours)
  describe('a failure at each step', () => {
    failureTable(expireSaga, { sagaId: 's_1', gameId: 'g_1' }, script, [
      ['lifecycle.suspend-game', 'refused', 'compensated', []],
      ['lifecycle.suspend-game', 'no answer, then late', 'completed', ['lifecycle.close-game', 'treasury.release-bet', 'treasury.cash-out-stack', 'treasury.cash-out-stack', 'player.credit-wallet']],
      ['lifecycle.close-game', 'refused', 'failed', []],
      ['lifecycle.close-game', 'no answer, then late', 'completed', ['treasury.release-bet', 'treasury.cash-out-stack', 'treasury.cash-out-stack', 'player.credit-wallet']],
      ['treasury.release-bet', 'refused', 'failed', []],
      ['treasury.release-bet', 'no answer, then late', 'completed', ['treasury.cash-out-stack', 'treasury.cash-out-stack', 'player.credit-wallet']],
      ['treasury.cash-out-stack', 'refused', 'failed', []],
      ['treasury.cash-out-stack', 'no answer, then late', 'completed', ['player.credit-wallet']],
      ['player.credit-wallet', 'refused', 'failed', []],
      ['player.credit-wallet', 'no answer, then late', 'completed', []],
    ]);
  });
});

describe('expire saga, version 1 (only to finish the ones stored before version 2)', () => {
  // kept as it was, flaw included: a table it froze stays frozen, the saga says compensated
  it.each([
    ['lifecycle.close-game', 'refuse', ['lifecycle.suspend-game', 'lifecycle.close-game']],
    ['lifecycle.suspend-game', 'down', Array(DEFAULT_MAX_ATTEMPTS).fill('lifecycle.suspend-game')],
  ] as const)('%s answering %s ends compensated, nothing sent to reopen the table', async (at, how, sent) => {
    const { state, world } = await run(expireSagaV1, { sagaId: 's_1', gameId: 'g_1' }, { [`cmd.${at}`]: how });
    expect(state.status).toBe('compensated');
    expect(state.version).toBeUndefined();
    expect(world.subjects).toEqual(sent);
  });
});
