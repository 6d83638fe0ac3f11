import { Fraction } from './fraction';
import { houseEdge } from './house-edge';
import { BET_TYPES, BetType, POINT_NUMBERS } from './types';

/** The house-edge column of CRAPS.md, row by row and number by number. */
const TABLE: [BetType, number | undefined, number, number][] = [
  ['pass', undefined, 7, 495],
  ['dont_pass', undefined, 3, 220],
  ['come', undefined, 7, 495],
  ['dont_come', undefined, 3, 220],
  ...POINT_NUMBERS.flatMap((n) =>
    (['pass_odds', 'dont_pass_odds', 'come_odds', 'dont_come_odds'] as const).map((t): [BetType, number, number, number] => [t, n, 0, 1]),
  ),
  ['place', 4, 1, 15],
  ['place', 10, 1, 15],
  ['place', 5, 1, 25],
  ['place', 9, 1, 25],
  ['place', 6, 1, 66],
  ['place', 8, 1, 66],
  ['hardway', 4, 1, 9],
  ['hardway', 10, 1, 9],
  ['hardway', 6, 1, 11],
  ['hardway', 8, 1, 11],
  ['field', undefined, 1, 36],
  ['any_seven', undefined, 1, 6],
  ['any_craps', undefined, 1, 9],
  ['yo', undefined, 1, 9],
  ['ace_deuce', undefined, 1, 9],
  ['aces', undefined, 5, 36],
  ['boxcars', undefined, 5, 36],
  ['big_6', undefined, 1, 11],
  ['big_8', undefined, 1, 11],
];

describe('houseEdge', () => {
  it('has a row for every bet type', () => {
    expect(new Set(TABLE.map(([t]) => t))).toEqual(new Set(BET_TYPES));
  });

  it.each(TABLE)('%s %s: %i/%i', (type, number, num, den) => {
    const edge = houseEdge(type, number);
    expect(Math.abs(edge.toNumber() - num / den)).toBeLessThan(1e-9);
    expect(edge.equals(Fraction.of(num, den))).toBe(true);
  });

  it('does not depend on the table point for come, don\'t-come and their odds', () => {
    for (const point of POINT_NUMBERS) {
      const start = { phase: 'point', point } as const;
      expect(houseEdge('come', undefined, { start }).toString()).toBe('7/495');
      expect(houseEdge('dont_come', undefined, { start }).toString()).toBe('3/220');
      expect(houseEdge('come_odds', 6, { start }).isZero()).toBe(true);
      expect(houseEdge('dont_come_odds', 4, { start }).isZero()).toBe(true);
    }
    expect(houseEdge('come_odds', 5, { start: { phase: 'come-out', point: null } }).isZero()).toBe(true);
  });

  it('gives big 6 and one-roll bets the same edge in either phase', () => {
    const start = { phase: 'point', point: 8 } as const;
    expect(houseEdge('big_6', undefined, { start }).toString()).toBe('1/11');
    expect(houseEdge('field', undefined, { start }).toString()).toBe('1/36');
  });

  it('needs a number for numbered bets and refuses one for the others', () => {
    expect(() => houseEdge('place')).toThrow(RangeError);
    expect(() => houseEdge('place', 7)).toThrow(RangeError);
    expect(() => houseEdge('hardway', 5)).toThrow(RangeError);
    expect(() => houseEdge('pass_odds')).toThrow(RangeError);
    expect(() => houseEdge('pass', 6)).toThrow(RangeError);
  });

  it('refuses a starting state the bet never resolves from', () => {
    expect(() => houseEdge('place', 6, { start: { phase: 'come-out', point: null } })).toThrow(RangeError);
  });

  describe('of a bet as it stands on a table', () => {
    const comeOut = { phase: 'come-out', point: null } as const;
    const on = (point: 4 | 5 | 6 | 8 | 9 | 10) => ({ phase: 'point', point }) as const;

    it('is the row of CRAPS.md for a bet made in its natural state', () => {
      for (const [type, number, num, den] of TABLE) {
        const table = type === 'pass' || type === 'dont_pass' ? comeOut : on(type.endsWith('pass_odds') ? (number as 4) : 4);
        const bet = { type, number: type.endsWith('pass_odds') ? undefined : number };
        expect(houseEdge(bet, table).equals(Fraction.of(num, den))).toBe(true);
      }
    });

    it('follows a line bet once its point is set', () => {
      // pass on 4 wins 3 ways of 9 (7 ways to lose): −(1/3 − 2/3); on 6, 5 ways against 6
      expect(houseEdge({ type: 'pass' }, on(4)).toString()).toBe('1/3');
      expect(houseEdge({ type: 'pass' }, on(6)).toString()).toBe('1/11');
      expect(houseEdge({ type: 'dont_pass' }, on(10)).toString()).toBe('-1/3');
    });

    it('follows a come bet from its own point, whatever the table point', () => {
      expect(houseEdge({ type: 'come', point: 5 }, on(8)).toString()).toBe('1/5');
      expect(houseEdge({ type: 'dont_come', point: 10 }, on(6)).toString()).toBe('-1/3');
      expect(houseEdge({ type: 'come', point: null }, on(6)).toString()).toBe('7/495');
    });

    it('gives place and hardway bets their working edge on a come-out table', () => {
      expect(houseEdge({ type: 'place', number: 6 }, comeOut).toString()).toBe('1/66');
      expect(houseEdge({ type: 'hardway', number: 4 }, comeOut).toString()).toBe('1/9');
      expect(houseEdge({ type: 'field' }, on(9)).toString()).toBe('1/36');
    });

    it('refuses odds on a come-out table and a table whose phase and point disagree', () => {
      expect(() => houseEdge({ type: 'pass_odds' }, comeOut)).toThrow(RangeError);
      expect(() => houseEdge({ type: 'pass' }, { phase: 'point', point: null })).toThrow(RangeError);
    });
  });
});
