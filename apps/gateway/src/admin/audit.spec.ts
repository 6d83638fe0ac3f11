import { assembleAudit } from './audit';

const treasury = { bankroll: 1_000, stacks: 300, escrow: 50, initialBankroll: 1_000, bankrollAdditions: 0, walletsIn: 350, walletsOut: 0, openExposure: 0, openBets: 1, lastSequence: 9, balanced: true };

describe('audit', () => {
  it('balances when every chip is in a wallet, a stack, escrow or the bankroll', () => {
    expect(assembleAudit({ wallets: 650, deposits: 1_000 }, treasury, 0)).toMatchObject({ inFlight: 0, balanced: true });
  });
  it('counts chips between a wallet and the table as in flight while a saga runs', () => {
    expect(assembleAudit({ wallets: 600, deposits: 1_000 }, treasury, 1)).toMatchObject({ inFlight: 50, balanced: true });
    expect(assembleAudit({ wallets: 600, deposits: 1_000 }, treasury, 0)).toMatchObject({ inFlight: 50, balanced: false });
  });
  it('does not balance when a chip appeared from nowhere', () => {
    expect(assembleAudit({ wallets: 651, deposits: 1_000 }, treasury, 0).balanced).toBe(false);
  });
});
