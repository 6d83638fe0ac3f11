/**
 * The rules of one roll for one bet, shared by `applyRoll` and `houseEdge` so that the edges
 * are proven on the very code that settles bets. Internal: not exported from index.ts.
 */
import { PAYOUTS } from './payouts';
import { BetType, Phase, PlayerId, PointNumber, Ratio } from './types';

/** What one roll does to one bet. Small integers: this runs in the hot path. */
export const STAND = 0;
export const WIN = 1;
export const LOSE = 2;
export const PUSH = 3;
/** A come / don't-come bet moves to the rolled number. */
export const MOVE = 4;
export type Verdict = typeof STAND | typeof WIN | typeof LOSE | typeof PUSH | typeof MOVE;

export function isPointNumber(n: unknown): n is PointNumber {
  return n === 4 || n === 5 || n === 6 || n === 8 || n === 9 || n === 10;
}

/**
 * The verdict of a roll of `total` (a pair when `hard`) on a bet of `type` with its `number`
 * and own `betPoint` (come / don't-come), the table being in `phase` with `tablePoint`.
 */
export function settle(
  type: BetType,
  number: number | null | undefined,
  betPoint: number | null | undefined,
  phase: Phase,
  tablePoint: number | null,
  total: number,
  hard: boolean,
): Verdict {
  switch (type) {
    case 'pass':
      if (phase === 'come-out') {
        if (total === 7 || total === 11) return WIN;
        if (total === 2 || total === 3 || total === 12) return LOSE;
        return STAND;
      }
      return total === tablePoint ? WIN : total === 7 ? LOSE : STAND;
    case 'dont_pass':
      if (phase === 'come-out') {
        if (total === 2 || total === 3) return WIN;
        if (total === 12) return PUSH;
        if (total === 7 || total === 11) return LOSE;
        return STAND;
      }
      return total === 7 ? WIN : total === tablePoint ? LOSE : STAND;
    case 'come':
      if (betPoint == null) {
        if (total === 7 || total === 11) return WIN;
        if (total === 2 || total === 3 || total === 12) return LOSE;
        return MOVE;
      }
      return total === betPoint ? WIN : total === 7 ? LOSE : STAND;
    case 'dont_come':
      if (betPoint == null) {
        if (total === 2 || total === 3) return WIN;
        if (total === 12) return PUSH;
        if (total === 7 || total === 11) return LOSE;
        return MOVE;
      }
      return total === 7 ? WIN : total === betPoint ? LOSE : STAND;
    case 'pass_odds':
      if (phase === 'come-out') return STAND;
      return total === tablePoint ? WIN : total === 7 ? LOSE : STAND;
    case 'dont_pass_odds':
      if (phase === 'come-out') return STAND;
      return total === 7 ? WIN : total === tablePoint ? LOSE : STAND;
    case 'come_odds':
      return total === number ? WIN : total === 7 ? LOSE : STAND;
    case 'dont_come_odds':
      return total === 7 ? WIN : total === number ? LOSE : STAND;
    case 'place':
      if (phase === 'come-out') return STAND;
      return total === number ? WIN : total === 7 ? LOSE : STAND;
    case 'hardway':
      if (phase === 'come-out') return STAND;
      if (total === number) return hard ? WIN : LOSE;
      return total === 7 ? LOSE : STAND;
    case 'field':
      return total >= 5 && total <= 8 ? LOSE : WIN;
    case 'any_seven':
      return total === 7 ? WIN : LOSE;
    case 'any_craps':
      return total === 2 || total === 3 || total === 12 ? WIN : LOSE;
    case 'yo':
      return total === 11 ? WIN : LOSE;
    case 'ace_deuce':
      return total === 3 ? WIN : LOSE;
    case 'aces':
      return total === 2 ? WIN : LOSE;
    case 'boxcars':
      return total === 12 ? WIN : LOSE;
    case 'big_6':
      return total === 6 ? WIN : total === 7 ? LOSE : STAND;
    case 'big_8':
      return total === 8 ? WIN : total === 7 ? LOSE : STAND;
  }
}

/** The ratio a bet that `settle` declared a WIN is paid at. */
export function winRatio(type: BetType, number: number | null | undefined, tablePoint: number | null, total: number): Ratio {
  let ratio: Ratio | undefined;
  switch (type) {
    case 'pass_odds':
      ratio = PAYOUTS.pass_odds[tablePoint as PointNumber];
      break;
    case 'dont_pass_odds':
      ratio = PAYOUTS.dont_pass_odds[tablePoint as PointNumber];
      break;
    case 'come_odds':
    case 'dont_come_odds':
    case 'place':
      ratio = PAYOUTS[type][number as PointNumber];
      break;
    case 'hardway':
      ratio = PAYOUTS.hardway[number as 4 | 6 | 8 | 10];
      break;
    case 'field':
      ratio = PAYOUTS.field[total as 2 | 3 | 4 | 9 | 10 | 11 | 12];
      break;
    default:
      ratio = PAYOUTS[type];
  }
  if (ratio === undefined) throw new RangeError(`no payout for a winning ${type} bet (number ${number}, point ${tablePoint})`);
  return ratio;
}

/** The phase and point after a roll of `total`. */
export function nextPhase(phase: Phase, point: number | null, total: number): { phase: Phase; point: PointNumber | null } {
  if (phase === 'come-out') return isPointNumber(total) ? { phase: 'point', point: total } : { phase: 'come-out', point: null };
  if (total === point || total === 7) return { phase: 'come-out', point: null };
  return { phase: 'point', point: point as PointNumber };
}

/**
 * The player after `current` in seat order, wrapping. The first seat when `current` is null or
 * not seated; null when nobody is seated.
 */
export function nextInSeatOrder(seats: readonly PlayerId[], current: PlayerId | null): PlayerId | null {
  if (seats.length === 0) return null;
  const at = current === null ? -1 : seats.indexOf(current);
  return seats[(at + 1) % seats.length] ?? null;
}
