import { randomUUID } from 'node:crypto';
import { GetPlayerActivity, GetWalletTotals, RegisterPlayer } from '@bitcraps/contracts';
import { JetStreamClientProxy } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { playerService } from '../src/player.service';
import { AccountsStore } from '../src/accounts.store';

/**
 * RegisterPlayer redelivered (new message ids: JetStream's duplicate window does not
 * help) one after the other and all at once, on two replicas: one account, one faucet
 * deposit, every answer the same.
 */
describe('player registration under redelivery', () => {
  let infra: Infrastructure;
  const replicas: ServiceApp[] = [];
  let client: JetStreamClientProxy;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    const env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', FAUCET_MAX: '1000000' };
    for (let i = 0; i < 2; i++) replicas.push(await createServiceApp(playerService, env));
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'player-register-test', timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await client?.close();
    for (const r of replicas) await r.close();
    await infra?.stop();
  });

  const register = (playerId: string, deposit: number, name = 'Ann') => client.command(RegisterPlayer, { playerId, name, deposit }, { msgId: randomUUID() });
  async function deposits(playerId: string) {
    const activity = await client.query(GetPlayerActivity, { playerId });
    if (!activity.ok) throw new Error(activity.code);
    return activity.history.filter((h) => h.kind === 'deposit');
  }
  const revision = async (playerId: string) => (await replicas[0]!.app.get(AccountsStore).getWithRevision(playerId))?.revision;

  it('sent twice, answers the same account and deposits once', async () => {
    const playerId = `p_${randomUUID()}`;
    const first = await register(playerId, 500);
    expect(first).toEqual({ ok: true, player: { playerId, name: 'Ann', balance: 500 } });
    // the replay answers the account as it is, even with another body
    expect(await register(playerId, 500)).toEqual(first);
    expect(await register(playerId, 900, 'Bob')).toEqual(first);
    expect(await deposits(playerId)).toEqual([expect.objectContaining({ amount: 500, reason: 'faucet' })]);
    // and writes nothing: the account keeps its revision
    const written = await revision(playerId);
    expect(written).toBeDefined();
    await register(playerId, 500);
    expect(await revision(playerId)).toBe(written);
  });

  it('sent concurrently to two replicas, creates one account with one faucet deposit', async () => {
    const playerId = `p_${randomUUID()}`;
    const replies = await Promise.all(Array.from({ length: 12 }, () => register(playerId, 250)));
    for (const r of replies) expect(r).toEqual({ ok: true, player: { playerId, name: 'Ann', balance: 250 } });
    expect(await deposits(playerId)).toHaveLength(1);

    // the audit's terms: the two players of this suite, each deposit counted once
    const totals = await client.query(GetWalletTotals, {});
    expect(totals).toEqual({ ok: true, players: 2, deposits: 500 + 250, wallets: 500 + 250 });
  });
});
