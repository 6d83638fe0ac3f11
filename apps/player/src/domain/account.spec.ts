import { checkDeposit, openAccount, toPlayerView } from './account';

const id = 'p_00000000-0000-4000-8000-000000000001';

describe('account', () => {
  it('opens with the deposit as balance and as the first action', () => {
    const a = openAccount({ playerId: id, name: 'Ann', deposit: 500 }, new Date('2026-01-01T00:00:00Z'));
    expect(toPlayerView(a)).toEqual({ playerId: id, name: 'Ann', balance: 500 });
    expect(a.history).toEqual([{ opId: `open:${id}`, kind: 'deposit', amount: 500, balanceAfter: 500, at: '2026-01-01T00:00:00.000Z' }]);
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
});
