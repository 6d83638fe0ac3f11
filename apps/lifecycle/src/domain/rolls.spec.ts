import { applyRoll, createBet } from '@bitcraps/craps';
import { recordBet, type RecordBetCommand } from './bets';
import { ANN, BOB, CY, GAME_ID, nextOf, T0, tableWith } from './fixtures';
import { applyRollTo, cancelRoll, checkShooter, closeRound, passDiceOnTimeout, ROLLS_KEPT } from './rolls';
import type { GameRecord } from './game';

const check = (g: GameRecord, playerId: string, opId = `chk-${g.rollCount + 1}`) => checkShooter(g, { gameId: GAME_ID, playerId, opId }, T0 + 10);
const apply = (g: GameRecord, rollIndex: number, dice: [number, number]) => applyRollTo(g, { gameId: GAME_ID, rollIndex, dice }, T0 + 20);
/** A whole roll as the roll saga makes it: check the shooter, apply the dice, close the round once paid. */
const rollOnce = (g: GameRecord, dice: [number, number]) => nextOf(closeRound(nextOf(apply(nextOf(check(g, g.shooter!)), g.rollCount + 1, dice)), g.rollCount + 1));
const place = (g: GameRecord, b: Omit<RecordBetCommand, 'gameId' | 'opId'>) => nextOf(recordBet(g, { ...b, gameId: GAME_ID, opId: `o-${b.betId}` }));

describe('checkShooter', () => {
  it('reserves the next roll for the shooter: betting closes, the roll clock stops', () => {
    const g = tableWith([ANN, BOB]);
    expect(g.rollDeadline).not.toBeNull();
    const d = check(g, ANN, 'saga-1:check');
    expect(d.reply).toEqual({ ok: true, rollIndex: 1, shooter: ANN });
    expect(nextOf(d)).toMatchObject({ pendingRoll: { rollIndex: 1, opId: 'saga-1:check' }, rollDeadline: null });
  });

  it('refuses NOT_SHOOTER to anyone else, and a second roll while one is in progress', () => {
    const g = tableWith([ANN, BOB]);
    expect(check(g, BOB).reply).toMatchObject({ ok: false, code: 'NOT_SHOOTER' });
    expect(check(g, CY).reply).toMatchObject({ ok: false, code: 'NOT_SHOOTER' });
    const reserved = nextOf(check(g, ANN, 'saga-1'));
    expect(check(reserved, ANN, 'saga-1')).toEqual({ reply: { ok: true, rollIndex: 1, shooter: ANN } });
    expect(check(reserved, ANN, 'saga-2').reply).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('asks the shooter to try again while the last roll is applied and not yet paid, remembering nothing', () => {
    const applied = nextOf(apply(nextOf(check(tableWith([ANN, BOB]), ANN)), 1, [2, 3])); // point 5, ANN keeps the dice
    expect(check(applied, ANN, 'c2')).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining('roll 1 is being paid') }) });
    expect(check(nextOf(closeRound(applied, 1)), ANN, 'c2').reply).toMatchObject({ ok: true, rollIndex: 2 });
  });

  it('refuses while suspended or closed', () => {
    const g = tableWith([ANN]);
    expect(check({ ...g, status: 'suspended' }, ANN).reply).toMatchObject({ code: 'GAME_SUSPENDED' });
    expect(check({ ...g, status: 'closed' }, ANN).reply).toMatchObject({ code: 'GAME_CLOSED' });
  });
});

describe('cancelRoll', () => {
  it('releases the reserved roll; the shooter keeps the dice with a fresh clock', () => {
    const g = nextOf(check(tableWith([ANN, BOB]), ANN, 'saga-1'));
    const d = cancelRoll(g, 'saga-1', T0 + 99);
    expect(d.reply).toEqual({ ok: true, cancelled: true, rollIndex: 1 });
    expect(nextOf(d)).toMatchObject({ pendingRoll: null, shooter: ANN, rollDeadline: T0 + 99 + g.config.rollTimeoutMs });
    expect(cancelRoll(nextOf(d), 'saga-1', T0)).toEqual({ reply: d.reply });
  });

  it('is harmless when nothing was reserved, and refuses the late check-shooter', () => {
    const g = tableWith([ANN, BOB]);
    const d = cancelRoll(g, 'saga-9', T0);
    expect(d.reply).toEqual({ ok: true, cancelled: false, rollIndex: null });
    expect(check(nextOf(d), ANN, 'saga-9').reply).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('cancels nothing once the roll was applied (the pivot)', () => {
    const g = rollOnce(tableWith([ANN, BOB]), [3, 4]);
    expect(cancelRoll(g, 'chk-1', T0).reply).toEqual({ ok: true, cancelled: false, rollIndex: 1 });
  });
});

describe('applyRollTo', () => {
  it('resolves bets exactly as libs/craps applyRoll does, and credits returns to the stacks', () => {
    let g = tableWith([ANN, BOB], 1_000);
    g = place(g, { betId: 'p', playerId: ANN, type: 'pass', amount: 100 });
    g = place(g, { betId: 'dp', playerId: BOB, type: 'dont_pass', amount: 50 });
    g = place(g, { betId: 'f', playerId: BOB, type: 'field', amount: 20 });
    g = place(g, { betId: 'y', playerId: ANN, type: 'yo', amount: 5 });
    g = rollOnce(g, [4, 4]); // point 8
    g = place(g, { betId: 'po', playerId: ANN, type: 'pass_odds', amount: 250 });
    g = place(g, { betId: 'c', playerId: BOB, type: 'come', amount: 10 });
    g = place(g, { betId: 'h', playerId: ANN, type: 'hardway', number: 8, amount: 10 });

    const expected = applyRoll(
      { phase: 'point', point: 8, seats: [ANN, BOB], shooter: ANN, rollCount: 1 },
      [
        createBet({ playerId: ANN, type: 'pass', amount: 100 }, 'p'),
        createBet({ playerId: BOB, type: 'dont_pass', amount: 50 }, 'dp'),
        createBet({ playerId: ANN, type: 'pass_odds', amount: 250 }, 'po'),
        createBet({ playerId: BOB, type: 'come', amount: 10 }, 'c'),
        createBet({ playerId: ANN, type: 'hardway', number: 8, amount: 10 }, 'h'),
      ],
      [5, 3],
    );
    const before = new Map(g.players.map((p) => [p.playerId, p.stack]));
    const checked = nextOf(check(g, ANN, 'chk-2'));
    const d = apply(checked, 2, [5, 3]);
    if (!d.reply.ok) throw new Error(d.reply.message);
    const { roll } = d.reply;
    expect(roll.resolutions).toEqual(expected.resolutions.map(({ number, ...r }) => (number === undefined ? r : { ...r, number })));
    expect(roll).toMatchObject({ rollIndex: 2, dice: [5, 3], total: 8, phase: 'come-out', point: null, shooter: ANN, sevenOut: false, nextShooter: null, moved: [{ betId: 'c', point: 8 }] });
    // pass 100 wins 100, odds 250 on 8 win 300 (6:5), hardway 8 rolled easy loses; dont_pass loses
    const next = nextOf(d);
    expect(next.players.find((p) => p.playerId === ANN)!.stack).toBe(before.get(ANN)! + 200 + 550);
    expect(next.players.find((p) => p.playerId === BOB)!.stack).toBe(before.get(BOB)!);
    expect(next.bets).toEqual([{ betId: 'c', playerId: BOB, type: 'come', amount: 10, point: 8 }]);
    expect(next).toMatchObject({ rollCount: 2, pendingRoll: null, phase: 'come-out' });
    expect(next.rollDeadline).toBe(T0 + 20 + g.config.rollTimeoutMs);
  });

  it('passes the dice on a seven-out', () => {
    let g = rollOnce(tableWith([ANN, BOB, CY]), [2, 2]);
    g = rollOnce(g, [3, 4]);
    expect(g).toMatchObject({ phase: 'come-out', point: null, shooter: BOB });
    expect(g.rolls.at(-1)).toMatchObject({ sevenOut: true, nextShooter: BOB, shooter: BOB });
  });

  it('is idempotent on rollIndex: a replay answers the same outcome and changes nothing', () => {
    let g = tableWith([ANN, BOB]);
    g = place(g, { betId: 'f', playerId: BOB, type: 'field', amount: 20 });
    const checked = nextOf(check(g, ANN));
    const first = apply(checked, 1, [6, 6]);
    const after = nextOf(first);
    expect(apply(after, 1, [6, 6])).toEqual({ reply: first.reply });
    expect(apply({ ...after, status: 'suspended' }, 1, [6, 6])).toEqual({ reply: first.reply });
    expect(apply(after, 1, [1, 1]).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('keeps the last rolls for replays, and refuses older ones', () => {
    let g = tableWith([ANN, BOB]);
    for (let i = 0; i < ROLLS_KEPT + 2; i++) g = rollOnce(g, [1, 2]);
    expect(g.rolls.map((r) => r.rollIndex)).toEqual([3, 4, 5]);
    expect(apply(g, 5, [1, 2]).reply).toMatchObject({ ok: true });
    expect(apply(g, 1, [1, 2]).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('refuses a roll nobody reserved, out of order, suspended or closed', () => {
    const g = tableWith([ANN, BOB]);
    expect(apply(g, 1, [1, 2]).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    const checked = nextOf(check(g, ANN));
    expect(apply(checked, 2, [1, 2]).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(apply({ ...checked, status: 'suspended' }, 1, [1, 2]).reply).toMatchObject({ code: 'GAME_SUSPENDED' });
    expect(apply({ ...checked, status: 'closed' }, 1, [1, 2]).reply).toMatchObject({ code: 'GAME_CLOSED' });
  });
});

describe('closeRound', () => {
  it('records the roll as settled, idempotently, also on a closed game', () => {
    const g = nextOf(apply(nextOf(check(tableWith([ANN, BOB]), ANN)), 1, [1, 2])); // applied, not yet paid
    const d = closeRound(g, 1);
    expect(d.reply).toEqual({ ok: true, rollIndex: 1, settledThrough: 1 });
    expect(closeRound(nextOf(d), 1)).toEqual({ reply: d.reply });
    expect(closeRound({ ...g, status: 'closed' }, 1).next).toBeUndefined();
    expect(closeRound(g, 2).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
  });
});

describe('passDiceOnTimeout', () => {
  it('passes the dice to the next seat once the roll clock ran out, keeping the point', () => {
    const g = { ...tableWith([ANN, BOB, CY]), phase: 'point' as const, point: 5 };
    const deadline = g.rollDeadline!;
    expect(passDiceOnTimeout(g, deadline - 1)).toEqual({ rearmAt: deadline });
    const d = passDiceOnTimeout(g, deadline);
    expect(d.passed).toEqual({ from: ANN, to: BOB });
    expect(d.next).toMatchObject({ shooter: BOB, phase: 'point', point: 5, rollDeadline: deadline + g.config.rollTimeoutMs });
    expect(passDiceOnTimeout(d.next!, deadline + g.config.rollTimeoutMs).passed).toEqual({ from: BOB, to: CY });
  });

  it('does nothing while a roll is reserved, suspended, or without a clock', () => {
    const g = tableWith([ANN, BOB]);
    expect(passDiceOnTimeout(nextOf(check(g, ANN)), Number.MAX_SAFE_INTEGER)).toEqual({});
    expect(passDiceOnTimeout({ ...g, status: 'suspended' }, Number.MAX_SAFE_INTEGER)).toEqual({});
    expect(passDiceOnTimeout(tableWith([ANN]), Number.MAX_SAFE_INTEGER)).toEqual({});
  });
});
