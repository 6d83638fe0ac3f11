import { checkBet, recordBet, releaseBetHold, removeBet, type RecordBetCommand } from './bets';
import { ANN, BOB, CY, GAME_ID, nextOf, T0, tableWith } from './fixtures';
import { applyRollTo, checkShooter } from './rolls';
import type { GameRecord } from './game';

const bet = (betId: string, playerId: string, type: RecordBetCommand['type'], amount: number, number?: number): RecordBetCommand => ({
  gameId: GAME_ID,
  betId,
  playerId,
  type,
  amount,
  opId: `saga-${betId}:record`,
  ...(number !== undefined ? { number } : {}),
});
const roll = (g: GameRecord, dice: [number, number]) => {
  const checked = nextOf(checkShooter(g, { gameId: GAME_ID, playerId: g.shooter!, opId: `r${g.rollCount + 1}` }, T0));
  return nextOf(applyRollTo(checked, { gameId: GAME_ID, rollIndex: g.rollCount + 1, dice }, T0));
};

describe('checkBet (validate-bet)', () => {
  const validate = (game: GameRecord, request: RecordBetCommand) => checkBet(game, request, T0).reply;
  const g = tableWith([ANN, BOB], 100, { maxBet: 50, allowedBets: ['pass', 'dont_pass', 'field', 'come', 'pass_odds'] });

  it('accepts a bet the table takes now and holds it under its id, stake untouched', () => {
    const d = checkBet(g, bet('b1', ANN, 'pass', 10), T0);
    expect(d.reply).toEqual({ ok: true, betId: 'b1' });
    expect(d.next!.held).toEqual([{ betId: 'b1', playerId: ANN, at: new Date(T0).toISOString() }]);
    expect(d.next!.players).toEqual(g.players);
    expect(d.next!.bets).toEqual([]);
  });

  it('a replay passes without a second hold; another player under that id is a CONFLICT', () => {
    const held = nextOf(checkBet(g, bet('b1', ANN, 'pass', 10), T0));
    expect(checkBet(held, bet('b1', ANN, 'pass', 10), T0)).toEqual({ reply: { ok: true, betId: 'b1' } });
    expect(validate(held, bet('b1', BOB, 'pass', 10))).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('a refusal holds nothing and is final for that bet id: a late duplicate, or a late record-bet, gets it too', () => {
    const rolling = nextOf(checkShooter(g, { gameId: GAME_ID, playerId: ANN, opId: 'r1' }, T0));
    const d = checkBet(rolling, bet('b9', BOB, 'field', 10), T0);
    expect(d.reply).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED' });
    const after = nextOf(d);
    expect(after.held).toEqual([]);
    // the roll ends; the same command delivered late is still refused, and holds nothing
    const rolled = nextOf(applyRollTo(after, { gameId: GAME_ID, rollIndex: 1, dice: [3, 4] }, T0));
    expect(checkBet(rolled, bet('b9', BOB, 'field', 10), T0)).toEqual({ reply: d.reply });
    expect(recordBet(rolled, bet('b9', BOB, 'field', 10)).reply).toEqual(d.reply);
    // a closed game answers without writing
    expect(checkBet({ ...g, status: 'closed' }, bet('b8', ANN, 'pass', 10), T0).next).toBeUndefined();
  });

  it('a recorded bet ends the hold; a refused record-bet and a removal leave it, for the saga to release last', () => {
    const held = nextOf(checkBet(g, bet('b1', ANN, 'pass', 10), T0));
    expect(nextOf(recordBet(held, bet('b1', ANN, 'pass', 10))).held).toEqual([]);
    // refused: the saga still has the escrow to give back before the player may leave
    expect(nextOf(recordBet({ ...held, status: 'suspended' }, bet('b1', ANN, 'pass', 10))).held).toHaveLength(1);
    const removed = nextOf(removeBet(held, { gameId: GAME_ID, betId: 'b1', opId: 'saga-b1:remove' }));
    expect(removed.held).toHaveLength(1);
    const released = releaseBetHold(removed, { gameId: GAME_ID, betId: 'b1' });
    expect(released.reply).toEqual({ ok: true, betId: 'b1', held: true });
    expect(nextOf(released).held).toEqual([]);
    // and the id is burnt: validating it again is refused, and holds nothing
    expect(checkBet(removed, bet('b1', ANN, 'pass', 10), T0)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'CONFLICT' }) });
  });

  it('release-bet-hold burns an id never validated (a late validate-bet is refused) and is harmless on a recorded bet', () => {
    const burnt = nextOf(releaseBetHold(g, { gameId: GAME_ID, betId: 'b2' }));
    expect(validate(burnt, bet('b2', ANN, 'pass', 10))).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(nextOf(checkBet(burnt, bet('b3', ANN, 'pass', 10), T0)).held).toHaveLength(1);
    const recorded = nextOf(recordBet(nextOf(checkBet(g, bet('b4', ANN, 'pass', 10), T0)), bet('b4', ANN, 'pass', 10)));
    expect(releaseBetHold(recorded, { gameId: GAME_ID, betId: 'b4' })).toEqual({ reply: { ok: true, betId: 'b4', held: false } });
    expect(releaseBetHold({ ...g, status: 'closed' }, { gameId: GAME_ID, betId: 'b5' }).next).toBeUndefined();
  });

  it.each([
    ['NOT_SEATED', bet('b', CY, 'pass', 10)],
    ['BET_NOT_ALLOWED', bet('b', ANN, 'come', 10)], // come-out: come bets only in the point phase
    ['BET_NOT_ALLOWED', bet('b', ANN, 'yo', 10)], // not in allowedBets
    ['BET_LIMIT', bet('b', ANN, 'field', 51)], // above maxBet
    ['BET_NOT_ALLOWED', bet('b', ANN, 'pass_odds', 10)], // nothing to back
  ])('refuses with %s (libs/craps validateBet)', (code, request) => {
    expect(validate(g, request)).toMatchObject({ ok: false, code });
  });

  it('refuses INSUFFICIENT_STACK when the table view of the stack is short', () => {
    const poor = tableWith([ANN], 10);
    expect(validate(poor, bet('b', ANN, 'pass', 11))).toMatchObject({ ok: false, code: 'INSUFFICIENT_STACK' });
  });

  it('refuses while suspended, closed, or while the dice roll', () => {
    expect(validate({ ...g, status: 'suspended' }, bet('b', ANN, 'pass', 10))).toMatchObject({ code: 'GAME_SUSPENDED' });
    expect(validate({ ...g, status: 'closed' }, bet('b', ANN, 'pass', 10))).toMatchObject({ code: 'GAME_CLOSED' });
    const rolling = nextOf(checkShooter(g, { gameId: GAME_ID, playerId: ANN, opId: 'r1' }, T0));
    expect(validate(rolling, bet('b', BOB, 'field', 10))).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED', message: expect.stringContaining('dice roll') });
  });

  it('passes a bet already recorded under its id, and refuses another bet under that id', () => {
    const after = nextOf(recordBet(g, bet('b1', ANN, 'pass', 10)));
    expect(validate(after, bet('b1', ANN, 'pass', 10))).toEqual({ ok: true, betId: 'b1' });
    expect(validate(after, bet('b1', ANN, 'pass', 11))).toMatchObject({ ok: false, code: 'CONFLICT' });
  });
});

describe('recordBet', () => {
  it('puts the bet on the layout and takes the stake off the stack', () => {
    const g = tableWith([ANN], 100);
    const d = recordBet(g, bet('b1', ANN, 'pass', 30));
    expect(d.reply).toEqual({ ok: true, bet: { betId: 'b1', playerId: ANN, type: 'pass', amount: 30 }, stack: 70 });
    expect(nextOf(d).bets).toEqual([{ betId: 'b1', playerId: ANN, type: 'pass', amount: 30, point: null }]);
    expect(nextOf(d).players[0]!.stack).toBe(70);
  });

  it('is idempotent by bet id: the replay answers the first answer and changes nothing', () => {
    const g = nextOf(recordBet(tableWith([ANN], 100), bet('b1', ANN, 'pass', 30)));
    expect(recordBet(g, bet('b1', ANN, 'pass', 30))).toEqual({ reply: { ok: true, bet: expect.objectContaining({ betId: 'b1' }), stack: 70 } });
    expect(recordBet(g, { ...bet('b1', ANN, 'pass', 30), opId: 'other-saga' }).next).toBeUndefined();
    expect(recordBet(g, bet('b1', ANN, 'pass', 31)).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('re-validates: a bet that was fine at validate-bet may not be any more', () => {
    const g = roll(nextOf(recordBet(tableWith([ANN, BOB]), bet('b0', ANN, 'pass', 10))), [3, 3]);
    expect(g.phase).toBe('point');
    const d = recordBet(g, bet('late', BOB, 'pass', 10));
    expect(d.reply).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED' });
    expect(nextOf(d).bets.map((b) => b.betId)).toEqual(['b0']);
  });

  it('remembers a refusal: the same bet id is refused again later', () => {
    const g = tableWith([ANN], 100);
    const refused = nextOf(recordBet({ ...g, status: 'suspended' }, bet('b1', ANN, 'pass', 10)));
    expect(recordBet({ ...refused, status: 'open' }, bet('b1', ANN, 'pass', 10)).reply).toMatchObject({ ok: false, code: 'GAME_SUSPENDED' });
  });
});

describe('removeBet', () => {
  const remove = (g: GameRecord, betId: string) => removeBet(g, { gameId: GAME_ID, betId, opId: `saga-${betId}:undo` });

  it('takes a bet down and gives the stake back; a replay answers the same', () => {
    const g = nextOf(recordBet(tableWith([ANN], 100), bet('b1', ANN, 'field', 25)));
    const d = remove(g, 'b1');
    expect(d.reply).toEqual({ ok: true, betId: 'b1', status: 'removed', amount: 25, playerId: ANN });
    const after = nextOf(d);
    expect(after.bets).toEqual([]);
    expect(after.players[0]!.stack).toBe(100);
    expect(remove(after, 'b1')).toEqual({ reply: d.reply });
  });

  it('compensates a pass bet before any roll (no contract bet yet)', () => {
    const g = nextOf(recordBet(tableWith([ANN], 100), bet('b1', ANN, 'pass', 25)));
    expect(remove(g, 'b1').reply).toMatchObject({ status: 'removed', amount: 25 });
  });

  it('refuses BET_NOT_REMOVABLE for a contract bet, compensation or not', () => {
    const g = roll(nextOf(recordBet(tableWith([ANN, BOB]), bet('b1', ANN, 'pass', 25))), [2, 4]);
    const d = remove(g, 'b1');
    expect(d.reply).toMatchObject({ ok: false, code: 'BET_NOT_REMOVABLE' });
    expect(nextOf(d).bets).toHaveLength(1);
  });

  it('answers `absent` for a bet never recorded and burns its id: the late record-bet is refused', () => {
    const g = tableWith([ANN], 100);
    const d = remove(g, 'ghost');
    expect(d.reply).toEqual({ ok: true, betId: 'ghost', status: 'absent', amount: 0, playerId: null });
    const late = recordBet(nextOf(d), bet('ghost', ANN, 'field', 10));
    expect(late.reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(late.next).toBeUndefined();
  });

  it('answers `resolved` for a bet a roll settled', () => {
    const g = roll(nextOf(recordBet(tableWith([ANN, BOB]), bet('b1', ANN, 'field', 10))), [1, 1]);
    expect(g.bets).toEqual([]);
    expect(remove(g, 'b1').reply).toEqual({ ok: true, betId: 'b1', status: 'resolved', amount: 0, playerId: ANN });
  });

  it('works while suspended (compensations must), harmless when closed', () => {
    const g = nextOf(recordBet(tableWith([ANN], 100), bet('b1', ANN, 'field', 25)));
    expect(remove({ ...g, status: 'suspended' }, 'b1').reply).toMatchObject({ status: 'removed' });
    expect(remove({ ...g, status: 'closed', bets: [] }, 'zzz')).toEqual({ reply: expect.objectContaining({ status: 'absent' }) });
  });
});
