import { maxPayoutRatio, PAYOUTS, payoutOf, payoutRatio } from './payouts';
import { BET_TYPES } from './types';

describe('payouts', () => {
  it('has an entry for every bet type', () => {
    expect(Object.keys(PAYOUTS).sort()).toEqual([...BET_TYPES].sort());
  });

  it.each([
    ['pass', undefined, 1, 1],
    ['dont_come', undefined, 1, 1],
    ['pass_odds', 4, 2, 1],
    ['pass_odds', 9, 3, 2],
    ['come_odds', 8, 6, 5],
    ['dont_pass_odds', 10, 1, 2],
    ['dont_come_odds', 5, 2, 3],
    ['dont_pass_odds', 6, 5, 6],
    ['place', 4, 9, 5],
    ['place', 9, 7, 5],
    ['place', 6, 7, 6],
    ['hardway', 10, 7, 1],
    ['hardway', 8, 9, 1],
    ['field', 2, 2, 1],
    ['field', 12, 3, 1],
    ['field', 11, 1, 1],
    ['any_seven', undefined, 4, 1],
    ['any_craps', undefined, 7, 1],
    ['yo', undefined, 15, 1],
    ['ace_deuce', undefined, 15, 1],
    ['aces', undefined, 30, 1],
    ['boxcars', undefined, 30, 1],
    ['big_8', undefined, 1, 1],
  ] as const)('%s %s pays %i:%i', (type, number, num, den) => {
    expect(payoutRatio(type, number)).toEqual({ num, den });
  });

  it('has no ratio for a number the type does not take', () => {
    expect(payoutRatio('place', 7)).toBeUndefined();
    expect(payoutRatio('hardway', 5)).toBeUndefined();
    expect(payoutRatio('field', 7)).toBeUndefined();
    expect(payoutRatio('pass_odds')).toBeUndefined();
  });

  it('knows the largest ratio each bet can win at', () => {
    expect(maxPayoutRatio('field')).toEqual({ num: 3, den: 1 });
    expect(maxPayoutRatio('field', 3)).toEqual({ num: 3, den: 1 });
    expect(maxPayoutRatio('pass_odds')).toEqual({ num: 2, den: 1 });
    expect(maxPayoutRatio('pass_odds', 6)).toEqual({ num: 6, den: 5 });
    expect(maxPayoutRatio('dont_pass_odds')).toEqual({ num: 5, den: 6 });
    expect(maxPayoutRatio('place')).toEqual({ num: 9, den: 5 });
    expect(maxPayoutRatio('boxcars')).toEqual({ num: 30, den: 1 });
  });

  it('rounds down to whole chips', () => {
    expect(payoutOf(5, { num: 3, den: 2 })).toBe(7);
    expect(payoutOf(7, { num: 6, den: 5 })).toBe(8);
    expect(payoutOf(1, { num: 1, den: 2 })).toBe(0);
    expect(payoutOf(11, { num: 5, den: 6 })).toBe(9);
    expect(payoutOf(10, { num: 30, den: 1 })).toBe(300);
  });

  it('is exact for stakes whose product with the ratio would leave the safe range', () => {
    const big = Number.MAX_SAFE_INTEGER - 1; // 2^53 - 2, product with 5 is not a safe integer
    expect(payoutOf(big, { num: 5, den: 6 })).toBe(Number((BigInt(big) * 5n) / 6n));
    expect(payoutOf(big, { num: 2, den: 3 })).toBe(Number((BigInt(big) * 2n) / 3n));
  });

  it('throws when the payout itself is not a safe integer', () => {
    expect(() => payoutOf(Number.MAX_SAFE_INTEGER, { num: 2, den: 1 })).toThrow(RangeError);
  });
});
