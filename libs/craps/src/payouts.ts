import { BetType, Ratio } from './types';

const r = (num: number, den = 1): Ratio => Object.freeze({ num, den });

const EVEN = r(1);
const ODDS_TRUE = Object.freeze({ 4: r(2), 5: r(3, 2), 6: r(6, 5), 8: r(6, 5), 9: r(3, 2), 10: r(2) });
const ODDS_LAY = Object.freeze({ 4: r(1, 2), 5: r(2, 3), 6: r(5, 6), 8: r(5, 6), 9: r(2, 3), 10: r(1, 2) });

/**
 * The payout table of CRAPS.md: winnings on top of the returned stake, as `num:den` of the
 * stake. Types whose payout depends on a number map it: odds on the point (for `pass_odds` /
 * `dont_pass_odds` the table's point, for `come_odds` / `dont_come_odds` their `number`),
 * `place` / `hardway` on their `number`, `field` on the winning roll total.
 */
export const PAYOUTS = Object.freeze({
  pass: EVEN,
  dont_pass: EVEN,
  come: EVEN,
  dont_come: EVEN,
  pass_odds: ODDS_TRUE,
  dont_pass_odds: ODDS_LAY,
  come_odds: ODDS_TRUE,
  dont_come_odds: ODDS_LAY,
  place: Object.freeze({ 4: r(9, 5), 5: r(7, 5), 6: r(7, 6), 8: r(7, 6), 9: r(7, 5), 10: r(9, 5) }),
  hardway: Object.freeze({ 4: r(7), 6: r(9), 8: r(9), 10: r(7) }),
  field: Object.freeze({ 2: r(2), 3: EVEN, 4: EVEN, 9: EVEN, 10: EVEN, 11: EVEN, 12: r(3) }),
  any_seven: r(4),
  any_craps: r(7),
  yo: r(15),
  ace_deuce: r(15),
  aces: r(30),
  boxcars: r(30),
  big_6: EVEN,
  big_8: EVEN,
}) satisfies Readonly<Record<BetType, Ratio | Readonly<Record<number, Ratio>>>>;

function isRatio(x: Ratio | Readonly<Record<number, Ratio>>): x is Ratio {
  return typeof (x as Ratio).num === 'number';
}

/**
 * The ratio a winning bet of `type` is paid at. `number` is the point for odds bets, the bet's
 * number for `place` / `hardway`, the roll total for `field`, and ignored for flat-paying types.
 * Undefined when the type needs a number and `number` is not one of its numbers.
 */
export function payoutRatio(type: BetType, number?: number | null): Ratio | undefined {
  const entry: Ratio | Readonly<Record<number, Ratio>> = PAYOUTS[type];
  if (isRatio(entry)) return entry;
  return number == null ? undefined : entry[number];
}

/** The largest ratio a bet of `type` can be paid at (over every number when `number` is absent). */
export function maxPayoutRatio(type: BetType, number?: number | null): Ratio | undefined {
  const entry: Ratio | Readonly<Record<number, Ratio>> = PAYOUTS[type];
  if (isRatio(entry)) return entry;
  if (type !== 'field' && number != null) return entry[number];
  let best: Ratio | undefined;
  for (const ratio of Object.values(entry)) {
    if (best === undefined || ratio.num * best.den > best.num * ratio.den) best = ratio;
  }
  return best;
}

/**
 * Winnings of `amount` chips at `ratio`, rounded down: ⌊amount × num / den⌋, computed without
 * an intermediate product that could leave the safe-integer range. Throws when the result itself
 * is not a safe integer (a bug: stakes are validated long before).
 */
export function payoutOf(amount: number, ratio: Ratio): number {
  const { num, den } = ratio;
  const rem = amount % den;
  const payout = ((amount - rem) / den) * num + Math.floor((rem * num) / den);
  if (!Number.isSafeInteger(payout)) throw new RangeError(`payout of ${amount} at ${num}:${den} is not a safe integer`);
  return payout;
}
