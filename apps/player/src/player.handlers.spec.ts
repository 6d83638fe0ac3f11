import type { AccountsStore } from './accounts.store';
import type { PlayerConfig } from './config';
import { openAccount } from './domain/account';
import { PlayerHandlers } from './player.handlers';

const playerId = 'p_00000000-0000-4000-8000-000000000001';
const cmd = { playerId, name: 'Ann', deposit: 100 };

/** The handler's decisions with an in-memory store standing in for KV `players`. */
function handlers(store: Partial<AccountsStore>) {
  return new PlayerHandlers(store as AccountsStore, { FAUCET_MAX: 1_000 } as PlayerConfig);
}

describe('RegisterPlayer handler', () => {
  it('answers the account another delivery created when its own create loses the race', async () => {
    const winner = openAccount({ ...cmd, name: 'First' }, new Date(0));
    let reads = 0;
    const h = handlers({ get: async () => (reads++ === 0 ? null : winner), create: async () => false });
    expect(await h.register(cmd)).toEqual({ ok: true, player: { playerId, name: 'First', balance: 100 } });
  });

  it('never answers an account it did not write: a create refused with nothing to read back is an error (redelivered)', async () => {
    const h = handlers({ get: async () => null, create: async () => false });
    await expect(h.register(cmd)).rejects.toThrow(/could not be created nor read back/);
  });
});
