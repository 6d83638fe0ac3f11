import { DEFAULT_TABLE_CONFIG } from './config';
import { isPointNumber } from './rules';
import { Bet, BET_TYPES, BetRefusalReason, BetRequest, BetType, BetValidation, PointNumber, Table, TableConfig } from './types';

const OK: BetValidation = Object.freeze({ ok: true });

const ODDS_BASE: Partial<Record<BetType, BetType>> = {
  pass_odds: 'pass',
  dont_pass_odds: 'dont_pass',
  come_odds: 'come',
  dont_come_odds: 'dont_come',
};

/**
 * Whether `bet` may be added to the layout of `table`, which already holds `openBets`.
 *
 * `BET_NOT_ALLOWED`: unknown type, type not in `allowedBets`, a number the type does not take
 * (or a missing one), the wrong phase, or an odds bet with nothing to back.
 * `BET_LIMIT`: the stake is not a positive safe integer, below `minBet`, above `maxBet` (not
 * odds), odds that would take the backed bets above the odds multiple, or the player already
 * has `maxBetsPerPlayer` open bets.
 *
 * Odds: the player's odds of one kind on one base are summed; the cap is the multiple for the
 * point times the sum of the player's backed bets (all `pass` bets for `pass_odds`, all `come`
 * bets whose point is `number` for `come_odds`, and likewise for the don'ts). So odds may be
 * added in several bets, up to the cap in total.
 */
export function validateBet(
  table: Table,
  openBets: readonly Bet[],
  bet: BetRequest,
  config: TableConfig = DEFAULT_TABLE_CONFIG,
): BetValidation {
  const { type, playerId, amount } = bet;
  const number = bet.number ?? null;

  if (!(BET_TYPES as readonly string[]).includes(type)) return notAllowed('UNKNOWN_TYPE', `unknown bet type ${String(type)}`);
  if (!config.allowedBets.includes(type)) return notAllowed('TYPE_NOT_ALLOWED', `this table does not accept ${type} bets`);

  // The number.
  switch (type) {
    case 'place':
    case 'come_odds':
    case 'dont_come_odds':
      if (number === null) return notAllowed('BAD_NUMBER', `a ${type} bet needs a number among 4, 5, 6, 8, 9, 10`);
      // a number outside the bet's range is a limit, as a stake outside the table's is
      if (!isPointNumber(number)) return limit('BAD_NUMBER', `a ${type} bet needs a number among 4, 5, 6, 8, 9, 10`);
      break;
    case 'hardway':
      if (number === null) return notAllowed('BAD_NUMBER', 'a hardway bet needs a number among 4, 6, 8, 10');
      if (number !== 4 && number !== 6 && number !== 8 && number !== 10)
        return limit('BAD_NUMBER', 'a hardway bet needs a number among 4, 6, 8, 10');
      break;
    default:
      if (number !== null) return notAllowed('BAD_NUMBER', `a ${type} bet takes no number`);
  }

  // The phase.
  switch (type) {
    case 'pass':
    case 'dont_pass':
      if (table.phase !== 'come-out') return notAllowed('WRONG_PHASE', `${type} bets are placed on the come-out only`);
      break;
    case 'come':
    case 'dont_come':
    case 'pass_odds':
    case 'dont_pass_odds':
      if (table.phase !== 'point') return notAllowed('WRONG_PHASE', `${type} bets are placed in the point phase only`);
      break;
    default:
  }

  // The stake.
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0)
    return limit('BAD_STAKE', 'the stake must be a positive whole number of chips');
  if (amount < config.minBet) return limit('BELOW_MIN', `the stake is below the table minimum of ${config.minBet}`);

  // Odds: something to back, and the cap.
  const base = ODDS_BASE[type];
  if (base !== undefined) {
    const point = (base === 'pass' || base === 'dont_pass' ? table.point : number) as PointNumber;
    let backed = 0;
    let odds = 0;
    for (const open of openBets) {
      if (open.playerId !== playerId) continue;
      if (open.type === base && (base === 'pass' || base === 'dont_pass' || open.point === point)) backed += open.amount;
      else if (open.type === type && (open.number ?? null) === number) odds += open.amount;
    }
    if (backed === 0)
      return notAllowed(
        'NO_BASE_BET',
        base === 'pass' || base === 'dont_pass'
          ? `${type} needs your ${base} bet on the layout`
          : `${type} on ${point} needs your ${base} bet that has moved to ${point}`,
      );
    const cap = backed * (config.maxOdds[point] ?? 0);
    if (odds + amount > cap)
      return limit('ODDS_ABOVE_MAX', `odds on ${point} are capped at ${cap} chips; ${odds} already on, ${amount} asked`);
  } else if (amount > config.maxBet) {
    return limit('ABOVE_MAX', `the stake is above the table maximum of ${config.maxBet}`);
  }

  // How many bets the player has.
  let count = 0;
  for (const open of openBets) if (open.playerId === playerId) count++;
  if (count >= config.maxBetsPerPlayer)
    return limit('TOO_MANY_BETS', `at most ${config.maxBetsPerPlayer} open bets per player`);

  return OK;
}

function notAllowed(reason: BetRefusalReason, message: string): BetValidation {
  return { ok: false, code: 'BET_NOT_ALLOWED', reason, message };
}

function limit(reason: BetRefusalReason, message: string): BetValidation {
  return { ok: false, code: 'BET_LIMIT', reason, message };
}
