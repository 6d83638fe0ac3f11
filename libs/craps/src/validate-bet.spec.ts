import { createTable } from './apply-roll';
import { tableConfig } from './config';
import { validateBet } from './validate-bet';
import { Bet, BetRequest, BetType, Table } from './types';

const comeOut: Table = createTable(['alice', 'bob']);
const onSix: Table = { ...comeOut, phase: 'point', point: 6 };
const req = (type: BetType, amount: number, number?: number, playerId = 'alice'): BetRequest =>
  number === undefined ? { playerId, type, amount } : { playerId, type, amount, number };
let seq = 0;
const open = (type: BetType, amount: number, extra: Partial<Bet> = {}): Bet => ({
  betId: `b${++seq}`,
  playerId: 'alice',
  type,
  amount,
  ...extra,
});

describe('validateBet: accepted bets', () => {
  it.each([
    ['pass on the come-out', comeOut, req('pass', 10)],
    ['dont_pass on the come-out', comeOut, req('dont_pass', 10)],
    ['come in the point phase', onSix, req('come', 10)],
    ['dont_come in the point phase', onSix, req('dont_come', 10)],
    ['place 4 on the come-out', comeOut, req('place', 10, 4)],
    ['place 10 in the point phase', onSix, req('place', 10, 10)],
    ['hardway 8 on the come-out', comeOut, req('hardway', 10, 8)],
    ['field', onSix, req('field', 10)],
    ['any_seven', comeOut, req('any_seven', 10)],
    ['any_craps', comeOut, req('any_craps', 10)],
    ['yo', comeOut, req('yo', 10)],
    ['ace_deuce', comeOut, req('ace_deuce', 10)],
    ['aces', comeOut, req('aces', 10)],
    ['boxcars', comeOut, req('boxcars', 10)],
    ['big_6', comeOut, req('big_6', 10)],
    ['big_8', onSix, req('big_8', 10)],
    ['the table minimum', comeOut, req('field', 1)],
    ['the table maximum', comeOut, req('field', 10_000)],
  ] as const)('%s', (_name, table, bet) => {
    expect(validateBet(table, [], bet)).toEqual({ ok: true });
  });

  it('accepts odds up to the multiple, in several bets', () => {
    const pass = open('pass', 10);
    expect(validateBet(onSix, [pass], req('pass_odds', 50))).toEqual({ ok: true });
    expect(validateBet(onSix, [pass, open('pass_odds', 30)], req('pass_odds', 20))).toEqual({ ok: true });
    const dontPass = open('dont_pass', 10);
    expect(validateBet({ ...onSix, point: 4 }, [dontPass], req('dont_pass_odds', 30))).toEqual({ ok: true });
    const come = open('come', 10, { point: 5 });
    expect(validateBet(onSix, [come], req('come_odds', 40, 5))).toEqual({ ok: true });
    const dontCome = open('dont_come', 10, { point: 9 });
    expect(validateBet(comeOut, [dontCome], req('dont_come_odds', 40, 9))).toEqual({ ok: true });
  });

  it('lets odds exceed maxBet within the multiple', () => {
    const config = tableConfig({ maxBet: 100 });
    expect(validateBet(onSix, [open('pass', 100)], req('pass_odds', 500), config)).toEqual({ ok: true });
  });

  it('sums several backed bets on the same number', () => {
    const bets = [open('come', 10, { point: 8 }), open('come', 5, { point: 8 })];
    expect(validateBet(onSix, bets, req('come_odds', 75, 8))).toEqual({ ok: true });
    expect(validateBet(onSix, bets, req('come_odds', 76, 8))).toMatchObject({ ok: false, code: 'BET_LIMIT', reason: 'ODDS_ABOVE_MAX' });
  });
});

describe('validateBet: refusals', () => {
  it.each([
    // BET_NOT_ALLOWED
    ['an unknown type', comeOut, [], req('lay' as BetType, 10), 'BET_NOT_ALLOWED', 'UNKNOWN_TYPE'],
    ['pass in the point phase', onSix, [], req('pass', 10), 'BET_NOT_ALLOWED', 'WRONG_PHASE'],
    ['dont_pass in the point phase', onSix, [], req('dont_pass', 10), 'BET_NOT_ALLOWED', 'WRONG_PHASE'],
    ['come on the come-out', comeOut, [], req('come', 10), 'BET_NOT_ALLOWED', 'WRONG_PHASE'],
    ['dont_come on the come-out', comeOut, [], req('dont_come', 10), 'BET_NOT_ALLOWED', 'WRONG_PHASE'],
    ['pass_odds on the come-out', comeOut, [open('pass', 10)], req('pass_odds', 10), 'BET_NOT_ALLOWED', 'WRONG_PHASE'],
    ['dont_pass_odds on the come-out', comeOut, [open('dont_pass', 10)], req('dont_pass_odds', 10), 'BET_NOT_ALLOWED', 'WRONG_PHASE'],
    ['pass_odds without a pass bet', onSix, [open('dont_pass', 10)], req('pass_odds', 10), 'BET_NOT_ALLOWED', 'NO_BASE_BET'],
    ['pass_odds on another player\'s pass bet', onSix, [open('pass', 10, { playerId: 'bob' })], req('pass_odds', 10), 'BET_NOT_ALLOWED', 'NO_BASE_BET'],
    ['dont_pass_odds without a dont_pass bet', onSix, [open('pass', 10)], req('dont_pass_odds', 10), 'BET_NOT_ALLOWED', 'NO_BASE_BET'],
    ['come_odds on a come bet that has not moved', onSix, [open('come', 10)], req('come_odds', 10, 6), 'BET_NOT_ALLOWED', 'NO_BASE_BET'],
    ['come_odds on another number', onSix, [open('come', 10, { point: 5 })], req('come_odds', 10, 6), 'BET_NOT_ALLOWED', 'NO_BASE_BET'],
    ['come_odds on a dont_come bet', onSix, [open('dont_come', 10, { point: 5 })], req('come_odds', 10, 5), 'BET_NOT_ALLOWED', 'NO_BASE_BET'],
    ['dont_come_odds without a dont_come bet there', onSix, [open('come', 10, { point: 5 })], req('dont_come_odds', 10, 5), 'BET_NOT_ALLOWED', 'NO_BASE_BET'],
    ['come_odds without a number', onSix, [open('come', 10, { point: 5 })], req('come_odds', 10), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    ['place without a number', onSix, [], req('place', 10), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    ['place 7', onSix, [], req('place', 10, 7), 'BET_LIMIT', 'BAD_NUMBER'],
    ['place 11', onSix, [], req('place', 10, 11), 'BET_LIMIT', 'BAD_NUMBER'],
    ['place 4.5', onSix, [], req('place', 10, 4.5), 'BET_LIMIT', 'BAD_NUMBER'],
    ['hardway 5', onSix, [], req('hardway', 10, 5), 'BET_LIMIT', 'BAD_NUMBER'],
    ['hardway 2', onSix, [], req('hardway', 10, 2), 'BET_LIMIT', 'BAD_NUMBER'],
    ['hardway without a number', onSix, [], req('hardway', 10), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    ['field with a number', onSix, [], req('field', 10, 2), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    ['big_6 with a number', onSix, [], req('big_6', 10, 6), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    ['yo with a number', onSix, [], req('yo', 10, 11), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    ['pass with a number', comeOut, [], req('pass', 10, 6), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    ['pass_odds with a number', onSix, [open('pass', 10)], req('pass_odds', 10, 6), 'BET_NOT_ALLOWED', 'BAD_NUMBER'],
    // BET_LIMIT
    ['a zero stake', comeOut, [], req('field', 0), 'BET_LIMIT', 'BAD_STAKE'],
    ['a negative stake', comeOut, [], req('field', -5), 'BET_LIMIT', 'BAD_STAKE'],
    ['a fractional stake', comeOut, [], req('field', 2.5), 'BET_LIMIT', 'BAD_STAKE'],
    ['a NaN stake', comeOut, [], req('field', NaN), 'BET_LIMIT', 'BAD_STAKE'],
    ['an infinite stake', comeOut, [], req('field', Infinity), 'BET_LIMIT', 'BAD_STAKE'],
    ['a stake above the safe integers', comeOut, [], req('field', 2 ** 53), 'BET_LIMIT', 'BAD_STAKE'],
    ['a string stake', comeOut, [], req('field', '10' as unknown as number), 'BET_LIMIT', 'BAD_STAKE'],
    ['a stake above maxBet', comeOut, [], req('field', 10_001), 'BET_LIMIT', 'ABOVE_MAX'],
    ['odds above 5x on 6', onSix, [open('pass', 10)], req('pass_odds', 51), 'BET_LIMIT', 'ODDS_ABOVE_MAX'],
    ['odds above 3x on 4', { ...onSix, point: 4 }, [open('pass', 10)], req('pass_odds', 31), 'BET_LIMIT', 'ODDS_ABOVE_MAX'],
    ['odds above 4x on 9, summed with odds already on', { ...onSix, point: 9 }, [open('pass', 10), open('pass_odds', 30)], req('pass_odds', 11), 'BET_LIMIT', 'ODDS_ABOVE_MAX'],
    ['lay odds above 3x on 10', { ...onSix, point: 10 }, [open('dont_pass', 10)], req('dont_pass_odds', 31), 'BET_LIMIT', 'ODDS_ABOVE_MAX'],
    ['come odds above 4x on 5', onSix, [open('come', 10, { point: 5 }), open('come_odds', 40, { number: 5 })], req('come_odds', 1, 5), 'BET_LIMIT', 'ODDS_ABOVE_MAX'],
    ['dont_come odds above 5x on 8', onSix, [open('dont_come', 10, { point: 8 })], req('dont_come_odds', 51, 8), 'BET_LIMIT', 'ODDS_ABOVE_MAX'],
  ] as [string, Table, Bet[], BetRequest, string, string][])('refuses %s', (_name, table, bets, bet, code, reason) => {
    const result = validateBet(table, bets, bet);
    expect(result).toMatchObject({ ok: false, code, reason });
    expect(result.ok === false && result.message.length).toBeGreaterThan(0);
  });

  it('refuses a type the table does not allow', () => {
    const config = tableConfig({ allowedBets: ['pass', 'dont_pass'] });
    expect(validateBet(comeOut, [], req('pass', 10), config)).toEqual({ ok: true });
    expect(validateBet(comeOut, [], req('field', 10), config)).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED', reason: 'TYPE_NOT_ALLOWED' });
    expect(validateBet(onSix, [open('pass', 10)], req('pass_odds', 10), config)).toMatchObject({
      ok: false,
      code: 'BET_NOT_ALLOWED',
      reason: 'TYPE_NOT_ALLOWED',
    });
  });

  it('refuses a stake below minBet, odds included', () => {
    const config = tableConfig({ minBet: 5 });
    expect(validateBet(comeOut, [], req('field', 4), config)).toMatchObject({ ok: false, code: 'BET_LIMIT', reason: 'BELOW_MIN' });
    expect(validateBet(onSix, [open('pass', 10)], req('pass_odds', 4), config)).toMatchObject({ ok: false, code: 'BET_LIMIT', reason: 'BELOW_MIN' });
  });

  it('follows the configured odds multiples', () => {
    const config = tableConfig({ maxOdds: { 4: 1, 5: 1, 6: 1, 8: 1, 9: 1, 10: 0 } });
    expect(validateBet(onSix, [open('pass', 10)], req('pass_odds', 10), config)).toEqual({ ok: true });
    expect(validateBet(onSix, [open('pass', 10)], req('pass_odds', 11), config)).toMatchObject({ code: 'BET_LIMIT', reason: 'ODDS_ABOVE_MAX' });
    expect(validateBet({ ...onSix, point: 10 }, [open('pass', 10)], req('pass_odds', 1), config)).toMatchObject({
      code: 'BET_LIMIT',
      reason: 'ODDS_ABOVE_MAX',
    });
  });

  it('refuses a bet beyond maxBetsPerPlayer open bets of that player, counting only theirs', () => {
    const config = tableConfig({ maxBetsPerPlayer: 3 });
    const bets = [open('field', 1), open('field', 1), open('yo', 1, { playerId: 'bob' }), open('yo', 1, { playerId: 'bob' })];
    expect(validateBet(comeOut, bets, req('field', 1), config)).toEqual({ ok: true });
    const full = [...bets, open('aces', 1)];
    expect(validateBet(comeOut, full, req('field', 1), config)).toMatchObject({ ok: false, code: 'BET_LIMIT', reason: 'TOO_MANY_BETS' });
    expect(validateBet(comeOut, full, req('field', 1, undefined, 'bob'), config)).toEqual({ ok: true });
  });
});
