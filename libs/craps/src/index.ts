/**
 * @bitcraps/craps: the rules of craps as pure functions (CRAPS.md). No I/O, no clock, no
 * randomness, no dependencies.
 */
export * from './types';
export { DEFAULT_TABLE_CONFIG, ODDS_3_4_5, parseMaxOdds, tableConfig } from './config';
export { PAYOUTS, maxPayoutRatio, payoutOf, payoutRatio } from './payouts';
export { isDice } from './dice';
export { isPointNumber, nextInSeatOrder } from './rules';
export { applyRoll, createBet, createTable } from './apply-roll';
export { validateBet } from './validate-bet';
export { canRemoveBet, hasContractBets, isContractBet } from './contract';
export { Fraction } from './fraction';
export { houseEdge } from './house-edge';
export type { EdgeStart, HouseEdgeOptions } from './house-edge';
