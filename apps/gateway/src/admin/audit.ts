import type { TreasuryAudit } from '@bitcraps/contracts';

/**
 * The conservation check of DESIGN.md section 4 from the player service's wallet totals
 * and the treasury's terms. `inFlight`: chips that left wallets and have not reached the
 * table yet, or the reverse (a join or leave saga between its steps); 0 at quiescence.
 */
export function assembleAudit(wallets: { wallets: number; deposits: number }, t: TreasuryAudit, unfinishedSagas: number) {
  const leftWallets = wallets.deposits - wallets.wallets;
  const reachedTable = t.walletsIn - t.walletsOut;
  const inFlight = leftWallets - reachedTable;
  const held = wallets.wallets + t.stacks + t.escrow + t.bankroll;
  const put = wallets.deposits + t.initialBankroll + t.bankrollAdditions;
  return {
    deposits: wallets.deposits,
    bankroll: t.bankroll,
    initialBankroll: t.initialBankroll,
    bankrollAdditions: t.bankrollAdditions,
    wallets: wallets.wallets,
    stacks: t.stacks,
    escrow: t.escrow,
    inFlight,
    unfinishedSagas,
    balanced: t.balanced && held + inFlight === put && (unfinishedSagas > 0 || inFlight === 0),
  };
}
