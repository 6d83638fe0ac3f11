import fc from 'fast-check';
import {
  BANKROLL_ACCOUNT,
  FUNDING_CLEARING_ACCOUNT,
  TRANSFER_KINDS,
  WALLETS_CLEARING_ACCOUNT,
  escrowAccount,
  stackAccount,
  type LedgerEntry,
  type LedgerTransfer,
} from '@bitcraps/contracts';
import { Ledger, isClearing } from './ledger';

const G1 = 'g_00000000-0000-4000-8000-000000000001';
const G2 = 'g_00000000-0000-4000-8000-000000000002';
const P1 = 'p_00000000-0000-4000-8000-000000000001';
const P2 = 'p_00000000-0000-4000-8000-000000000002';
const AT = '2026-01-01T00:00:00.000Z';

const ACCOUNTS = [
  BANKROLL_ACCOUNT,
  WALLETS_CLEARING_ACCOUNT,
  FUNDING_CLEARING_ACCOUNT,
  stackAccount(G1, P1),
  stackAccount(G1, P2),
  stackAccount(G2, P1),
  escrowAccount(G1),
  escrowAccount(G2),
];

/** Any transfer at all between the accounts above: most break some rule of the fold. */
const anyTransfer: fc.Arbitrary<LedgerTransfer> = fc.record({
  type: fc.constant('transfer' as const),
  transferId: fc.integer({ min: 1, max: 60 }).map((n) => `t${n}`),
  opId: fc.constant('op'),
  kind: fc.constantFrom(...TRANSFER_KINDS),
  from: fc.constantFrom(...ACCOUNTS),
  to: fc.constantFrom(...ACCOUNTS),
  amount: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constant(Number.MAX_SAFE_INTEGER)),
  at: fc.constant(AT),
  betId: fc.integer({ min: 1, max: 8 }).map((n) => `b${n}`),
  worstCase: fc.integer({ min: 0, max: 5_000 }),
});

/** Transfers more likely to be valid: funding first, then moves along the allowed shapes. */
const plausibleTransfer: fc.Arbitrary<LedgerTransfer> = fc
  .record({
    n: fc.integer({ min: 1, max: 60 }),
    shape: fc.constantFrom<[string, string, string]>(
      ['seed', FUNDING_CLEARING_ACCOUNT, BANKROLL_ACCOUNT],
      ['fund', FUNDING_CLEARING_ACCOUNT, BANKROLL_ACCOUNT],
      ['buy-in', WALLETS_CLEARING_ACCOUNT, stackAccount(G1, P1)],
      ['buy-in', WALLETS_CLEARING_ACCOUNT, stackAccount(G2, P1)],
      ['cash-out', stackAccount(G1, P1), WALLETS_CLEARING_ACCOUNT],
      ['escrow', stackAccount(G1, P1), escrowAccount(G1)],
      ['escrow', stackAccount(G2, P1), escrowAccount(G2)],
      ['release', escrowAccount(G1), stackAccount(G1, P1)],
      ['win-payout', BANKROLL_ACCOUNT, stackAccount(G1, P1)],
      ['win-stake', escrowAccount(G1), stackAccount(G1, P1)],
      ['lose', escrowAccount(G2), BANKROLL_ACCOUNT],
      ['push', escrowAccount(G2), stackAccount(G2, P1)],
    ),
    amount: fc.integer({ min: 1, max: 300 }),
    bet: fc.integer({ min: 1, max: 6 }),
  })
  .map(({ n, shape: [kind, from, to], amount, bet }) => ({
    type: 'transfer' as const,
    transferId: `t${n}`,
    opId: 'op',
    kind: kind as LedgerTransfer['kind'],
    from: from!,
    to: to!,
    amount,
    at: AT,
    betId: `b${bet}`,
    worstCase: amount * 2,
  }));

const entries = fc.array(fc.oneof(anyTransfer, plausibleTransfer, plausibleTransfer), { maxLength: 120 });

function foldAll(list: LedgerEntry[], into = new Ledger()): Ledger {
  for (const e of list) into.apply(into.lastSequence + 1, e);
  return into;
}

/** Everything a fold decides, except where in the stream it stands. */
function books(l: Ledger) {
  const { lastSequence: _ignored, ...audit } = l.audit();
  const balances = Object.fromEntries([...l.allAccounts()].map(([id, a]) => [id, a.balance]));
  return { audit, balances, rejected: l.rejected };
}

function checkInvariants(l: Ledger): void {
  let total = 0;
  for (const [id, { balance }] of l.allAccounts()) {
    total += balance;
    if (!isClearing(id)) expect(balance).toBeGreaterThanOrEqual(0);
    expect(Number.isSafeInteger(balance)).toBe(true);
  }
  expect(total).toBe(0);
  const audit = l.audit();
  expect(audit.balanced).toBe(true);
  // escrow holds exactly the stakes of the open bets, and exposure is their worst cases
  let exposure = 0;
  for (const g of [G1, G2]) {
    const open = l.openBetsOf(g);
    expect(l.balance(escrowAccount(g))).toBe(open.reduce((s, b) => s + b.amount, 0));
    exposure += open.reduce((s, b) => s + b.worstCase, 0);
  }
  expect(audit.openExposure).toBe(exposure);
}

describe('Ledger fold', () => {
  it('conserves the total and keeps every non-clearing account at or above zero, whatever it is given', () => {
    fc.assert(
      fc.property(entries, (list) => {
        checkInvariants(foldAll(list));
      }),
      { numRuns: 500 },
    );
  });

  it('changes nothing when transfers are replayed, in any order', () => {
    fc.assert(
      fc.property(entries, fc.integer({ min: 0, max: 1_000 }), (list, seed) => {
        const l = new Ledger();
        const applied = list.filter((e) => l.apply(l.lastSequence + 1, e).result === 'applied');
        const before = books(l);
        // the same ids again, in another order and with other contents: all already decided
        const replay = applied.map((e, i) => ({ ...e, amount: e.amount + ((i + seed) % 3) })).sort((a, b) => ((a.amount + seed) % 5) - ((b.amount + seed) % 5));
        for (const e of replay) expect(l.apply(l.lastSequence + 1, e).result).toBe('duplicate');
        expect(books(l)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores an entry at or before the last folded sequence', () => {
    const l = new Ledger();
    const seed: LedgerTransfer = { type: 'transfer', transferId: 'seed', opId: 'seed', kind: 'seed', from: FUNDING_CLEARING_ACCOUNT, to: BANKROLL_ACCOUNT, amount: 100, at: AT };
    expect(l.apply(5, seed)).toEqual({ result: 'applied', touched: [FUNDING_CLEARING_ACCOUNT, BANKROLL_ACCOUNT] });
    expect(l.apply(5, { ...seed, transferId: 'other' })).toEqual({ result: 'stale' });
    expect(l.apply(3, { ...seed, transferId: 'other' })).toEqual({ result: 'stale' });
    expect(l.balance(BANKROLL_ACCOUNT)).toBe(100);
    expect(l.account(BANKROLL_ACCOUNT)).toEqual({ balance: 100, seq: 5 });
  });

  it('refuses overdrafts, wrong shapes and bets that are not open', () => {
    const l = new Ledger();
    const t = (transferId: string, kind: LedgerTransfer['kind'], from: string, to: string, amount: number, extra: Partial<LedgerTransfer> = {}): LedgerTransfer => ({
      type: 'transfer', transferId, opId: 'op', kind, from, to, amount, at: AT, ...extra,
    });
    const s = stackAccount(G1, P1);
    expect(l.apply(1, t('a', 'buy-in', WALLETS_CLEARING_ACCOUNT, s, 50)).result).toBe('applied');
    expect(l.apply(2, t('b', 'escrow', s, escrowAccount(G1), 51, { betId: 'x', worstCase: 51 }))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/overdraft/) });
    expect(l.apply(3, t('c', 'escrow', s, escrowAccount(G2), 10, { betId: 'x', worstCase: 10 }))).toMatchObject({ result: 'rejected' });
    expect(l.apply(4, t('d', 'buy-in', FUNDING_CLEARING_ACCOUNT, s, 10))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/may not move/) });
    expect(l.apply(5, t('e', 'escrow', s, escrowAccount(G1), 20, { betId: 'x', worstCase: 40 })).result).toBe('applied');
    expect(l.apply(6, t('f', 'escrow', s, escrowAccount(G1), 5, { betId: 'x', worstCase: 5 }))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/escrowed before/) });
    expect(l.apply(7, t('g', 'release', escrowAccount(G1), s, 19, { betId: 'x' }))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/holds 20/) });
    expect(l.apply(8, t('h', 'win-payout', BANKROLL_ACCOUNT, s, 10, { betId: 'x' }))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/overdraft/) });
    expect(l.apply(9, t('i', 'release', escrowAccount(G1), stackAccount(G1, P2), 20, { betId: 'x' }))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/another stack/) });
    expect(l.apply(10, t('j', 'release', escrowAccount(G1), s, 20, { betId: 'x' })).result).toBe('applied');
    expect(l.apply(11, t('k', 'escrow', s, escrowAccount(G1), 20, { betId: 'y', worstCase: 40 })).result).toBe('applied');
    expect(l.apply(12, t('l', 'lose', escrowAccount(G1), BANKROLL_ACCOUNT, 20, { betId: 'x' }))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/not open/) });
    expect(l.rejected).toBe(8);
    expect(l.audit()).toMatchObject({ stacks: 30, escrow: 20, walletsIn: 50, openExposure: 40, openBets: 1, lastSequence: 12, balanced: true });
  });

  it('refuses a transfer that would take the audit totals past the safe integers, so `balanced` stays exact', () => {
    // fast-check's counterexample: each balance stays safe, but chips in would not
    const l = new Ledger();
    const t = (transferId: string, kind: LedgerTransfer['kind'], from: string, to: string, amount: number): LedgerTransfer => ({ type: 'transfer', transferId, opId: 'op', kind, from, to, amount, at: AT });
    expect(l.apply(1, t('t1', 'seed', FUNDING_CLEARING_ACCOUNT, BANKROLL_ACCOUNT, 1)).result).toBe('applied');
    expect(l.apply(2, t('t3', 'buy-in', WALLETS_CLEARING_ACCOUNT, stackAccount(G2, P1), Number.MAX_SAFE_INTEGER))).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/audit totals/) });
    expect(l.apply(3, t('t2', 'seed', FUNDING_CLEARING_ACCOUNT, BANKROLL_ACCOUNT, 273)).result).toBe('applied');
    expect(l.apply(4, t('t4', 'buy-in', WALLETS_CLEARING_ACCOUNT, stackAccount(G2, P1), Number.MAX_SAFE_INTEGER - 274)).result).toBe('applied');
    expect(l.audit()).toMatchObject({ walletsIn: Number.MAX_SAFE_INTEGER - 274, balanced: true });
  });

  it('remembers a mark in its id slot, once', () => {
    const l = new Ledger();
    expect(l.apply(1, { type: 'mark', markId: 'm', opId: 'op', kind: 'cancelled', at: AT }).result).toBe('applied');
    expect(l.apply(2, { type: 'mark', markId: 'm', opId: 'op', kind: 'refused', at: AT }).result).toBe('duplicate');
    expect(l.entry('m')).toMatchObject({ seq: 1, entry: { kind: 'cancelled' } });
  });
});
