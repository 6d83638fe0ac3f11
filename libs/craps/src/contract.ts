import { Bet, PlayerId, Table } from './types';

/**
 * A contract bet may not be taken down until it resolves: a `pass` bet once the table has a
 * point, a `come` bet once it has its own point. Every other bet (don'ts, odds, place, props,
 * a pass bet before the come-out roll, a come bet before its first roll) may be.
 */
export function isContractBet(bet: Bet, table: Table): boolean {
  if (bet.type === 'pass') return table.point !== null;
  if (bet.type === 'come') return bet.point != null;
  return false;
}

/** Whether `playerId` has a contract bet on the layout; such a player cannot leave the table. */
export function hasContractBets(openBets: readonly Bet[], playerId: PlayerId, table: Table): boolean {
  return openBets.some((bet) => bet.playerId === playerId && isContractBet(bet, table));
}

/** Whether a player may take `bet` down (get the stake back) now. */
export function canRemoveBet(table: Table, bet: Bet): boolean {
  return !isContractBet(bet, table);
}
