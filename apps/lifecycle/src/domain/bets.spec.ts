import { checkBet, recordBet, removeBet, type RecordBetCommand } from './bets';
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
  const g = tableWith([ANN, BOB], 100, { maxBet: 50, allowedBets: ['pass', 'dont_pass', 'field', 'come', 'pass_odds'] });

  it('accepts a bet the table takes now, and changes nothing', () => {
    expect(checkBet(g, bet('b1', ANN, 'pass', 10))).toEqual({ ok: true, betId: 'b1' });
  });

  it.each([
    ['NOT_SEATED', bet('b', CY, 'pass', 10)],
    ['BET_NOT_ALLOWED', bet('b', ANN, 'come', 10)], // come-out: come bets only in the point phase
    ['BET_NOT_ALLOWED', bet('b', ANN, 'yo', 10)], // not in allowedBets
    ['BET_LIMIT', bet('b', ANN, 'field', 51)], // above maxBet
    ['BET_NOT_ALLOWED', bet('b', ANN, 'pass_odds', 10)], // nothing to back
  ])('refuses with %s (libs/craps validateBet)', (code, request) => {
    expect(checkBet(g, request)).toMatchObject({ ok: false, code });
  });

  it('refuses INSUFFICIENT_STACK when the table view of the stack is short', () => {
    const poor = tableWith([ANN], 10);
    expect(checkBet(poor, bet('b', ANN, 'pass', 11))).toMatchObject({ ok: false, code: 'INSUFFICIENT_STACK' });
  });

  it('refuses while suspended, closed, or while the dice roll', () => {
    expect(checkBet({ ...g, status: 'suspended' }, bet('b', ANN, 'pass', 10))).toMatchObject({ code: 'GAME_SUSPENDED' });
    expect(checkBet({ ...g, status: 'closed' }, bet('b', ANN, 'pass', 10))).toMatchObject({ code: 'GAME_CLOSED' });
    const rolling = nextOf(checkShooter(g, { gameId: GAME_ID, playerId: ANN, opId: 'r1' }, T0));
    expect(checkBet(rolling, bet('b', BOB, 'field', 10))).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED', message: expect.stringContaining('dice roll') });
  });

  it('passes a bet already recorded under its id, and refuses another bet under that id', () => {
    const after = nextOf(recordBet(g, bet('b1', ANN, 'pass', 10)));
    expect(checkBet(after, bet('b1', ANN, 'pass', 10))).toEqual({ ok: true, betId: 'b1' });
    expect(checkBet(after, bet('b1', ANN, 'pass', 11))).toMatchObject({ ok: false, code: 'CONFLICT' });
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
