import { maxPayoutRatio, payoutOf, type BetType } from '@bitcraps/craps';

/**
 * The most the house can pay on a bet: its stake at the highest ratio its type (and
 * number, when it has one) can pay. Undefined when the type cannot take that number.
 */
export function worstCaseOf(type: BetType, number: number | null | undefined, amount: number): number | undefined {
  const ratio = maxPayoutRatio(type, number);
  return ratio === undefined ? undefined : payoutOf(amount, ratio);
}

/** The part of the bankroll that open bets may put at risk: all but the reserve (rounded up, in the house's favour). */
export function riskableBankroll(bankroll: number, reserveRatio: number): number {
  return Math.max(0, bankroll - Math.ceil(bankroll * reserveRatio));
}

/**
 * DESIGN.md section 4: a bet is accepted only if the bankroll covers the worst case of
 * every open bet plus this one and keeps `reserveRatio` of it untouched.
 */
export function canCover(bankroll: number, openExposure: number, worstCase: number, reserveRatio: number): boolean {
  return openExposure + worstCase <= riskableBankroll(bankroll, reserveRatio);
}
