import { AccountSchema, checkDeposit, openAccount, toPlayerView } from './account';

const id = 'p_00000000-0000-4000-8000-000000000001';

describe('account', () => {
  it('opens with the deposit as balance and as the first action', () => {
    const a = openAccount({ playerId: id, name: 'Ann', deposit: 500 }, new Date('2026-01-01T00:00:00Z'));
    expect(toPlayerView(a)).toEqual({ playerId: id, name: 'Ann', balance: 500 });
    expect(a.history).toEqual([{ opId: `open:${id}`, kind: 'deposit', amount: 500, balanceAfter: 500, reason: 'faucet', at: '2026-01-01T00:00:00.000Z' }]);
    expect(a.totals).toEqual({ deposited: 500, credited: 0, debited: 0 });
  });

  it('opens empty without a deposit', () => {
    expect(openAccount({ playerId: id, name: 'Bo', deposit: 0 }, new Date()).history).toEqual([]);
  });

  it('caps faucet deposits and refuses them when the faucet is off', () => {
    expect(checkDeposit(0, 0)).toBeNull();
    expect(checkDeposit(1_000, 1_000)).toBeNull();
    expect(checkDeposit(1_001, 1_000)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(checkDeposit(1, 0)).toMatchObject({ ok: false, code: 'FAUCET_DISABLED' });
  });

  it('reads accounts stored before wallets existed, deriving their totals from the history', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const old = { playerId: id, name: 'Old', balance: 70, createdAt: at, lastActiveAt: at, history: [{ opId: `open:${id}`, kind: 'deposit', amount: 70, balanceAfter: 70, at }] };
    const read = AccountSchema.parse(old);
    expect(read.totals).toEqual({ deposited: 70, credited: 0, debited: 0 });
    expect(read.history[0].reason).toBe('faucet');
    expect(AccountSchema.parse(read)).toEqual(read);
  });

  it('refuses a stored account that is not one (negative balance, overlong history)', () => {
    const a = openAccount({ playerId: id, name: 'Ann', deposit: 5 }, new Date());
    expect(AccountSchema.safeParse({ ...a, balance: -1 }).success).toBe(false);
    expect(AccountSchema.safeParse({ ...a, history: Array.from({ length: 101 }, () => a.history[0]) }).success).toBe(false);
  });
});
