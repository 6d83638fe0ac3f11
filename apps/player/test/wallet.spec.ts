import { randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { CreditWallet, DebitWallet, RefundDebit, GetPlayer, GetPlayerActivity, GetWalletTotals, RegisterPlayer } from '@bitcraps/contracts';
import { JetStreamClientProxy } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { playerService } from '../src/player.service';
import { AccountsStore } from '../src/accounts.store';
import { WalletMovements } from '../src/wallet-movements';
import { opRecordKey, WALLET_OPS_BUCKET } from '../src/wallet-ops.store';

/**
 * The player service's wallets against a private NATS JetStream and Redis, the service
 * in this process, commands sent over JetStream like the orchestrator sends them.
 */
describe('player wallets', () => {
  let infra: Infrastructure;
  let env: NodeJS.ProcessEnv;
  let player: ServiceApp;
  let client: JetStreamClientProxy;
  let walletOps: KV;
  const registered: Array<{ playerId: string; deposit: number }> = [];

  beforeAll(async () => {
    infra = await Infrastructure.start();
    env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', FAUCET_MAX: '1000000' };
    player = await createServiceApp(playerService, env);
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'player-wallet-test', timeoutMs: 20_000 });
    walletOps = await new Kvm(await client.connect()).open(WALLET_OPS_BUCKET);
  });

  afterAll(async () => {
    await client?.close();
    await player?.close();
    await infra?.stop();
  });

  async function register(deposit: number): Promise<string> {
    const playerId = `p_${randomUUID()}`;
    const reply = await client.command(RegisterPlayer, { playerId, name: 'Ann', deposit });
    expect(reply.ok).toBe(true);
    registered.push({ playerId, deposit });
    return playerId;
  }
  const debit = (playerId: string, opId: string, amount: number, reason = 'test debit') => client.command(DebitWallet, { playerId, opId, amount, reason });
  const credit = (playerId: string, opId: string, amount: number, reason = 'test credit') => client.command(CreditWallet, { playerId, opId, amount, reason });
  const balanceOf = async (playerId: string) => {
    const r = await client.query(GetPlayer, { playerId });
    if (!r.ok) throw new Error(r.code);
    return r.player.balance;
  };
  const activityOf = async (playerId: string) => {
    const r = await client.query(GetPlayerActivity, { playerId });
    if (!r.ok) throw new Error(r.code);
    return r;
  };
  const opId = (step: string) => `s_${randomUUID()}:${step}`;
  const conflictsOf = async (app: ServiceApp) => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    return Number(/^bitcraps_player_account_cas_conflicts_total\S* (\d+)/m.exec(text)?.[1] ?? NaN);
  };

  it('debits and credits a wallet, answering the balance after each movement, and keeps the history', async () => {
    const p = await register(100);
    const buyIn = opId('buy-in');
    const d = await debit(p, buyIn, 30, 'buy-in');
    expect(d).toEqual({ ok: true, playerId: p, opId: buyIn, amount: 30, balance: 70, at: expect.any(String) });
    const cashOut = opId('cash-out');
    const c = await credit(p, cashOut, 45, 'cash-out');
    expect(c).toMatchObject({ ok: true, balance: 115 });
    expect(await balanceOf(p)).toBe(115);
    const activity = await activityOf(p);
    expect(activity.history).toEqual([
      { opId: `open:${p}`, kind: 'deposit', amount: 100, balanceAfter: 100, reason: 'faucet', at: expect.any(String) },
      { opId: buyIn, kind: 'debit', amount: 30, balanceAfter: 70, reason: 'buy-in', at: d.ok ? d.at : '' },
      { opId: cashOut, kind: 'credit', amount: 45, balanceAfter: 115, reason: 'cash-out', at: c.ok ? c.at : '' },
    ]);
    expect(activity.lastActiveAt).toBe(c.ok && c.at);
  });

  it('refuses an overdraft with INSUFFICIENT_BALANCE, and the first answer stays final after a credit', async () => {
    const p = await register(10);
    const op = opId('buy-in');
    const refused = await debit(p, op, 15);
    expect(refused).toEqual({ ok: false, code: 'INSUFFICIENT_BALANCE', message: 'the wallet holds 10, 15 needed' });
    expect(await balanceOf(p)).toBe(10);
    expect(await credit(p, opId('win'), 100)).toMatchObject({ ok: true, balance: 110 });
    expect(await debit(p, op, 15)).toEqual(refused);
    expect(await balanceOf(p)).toBe(110);
    const { history } = await activityOf(p);
    expect(history.filter((a) => a.opId === op)).toEqual([expect.objectContaining({ kind: 'debit', balanceAfter: 10, refused: { code: 'INSUFFICIENT_BALANCE', message: refused.ok ? '' : refused.message } })]);
  });

  it('answers PLAYER_NOT_FOUND for an unknown player, on commands and queries', async () => {
    const ghost = `p_${randomUUID()}`;
    expect(await debit(ghost, opId('x'), 1)).toMatchObject({ ok: false, code: 'PLAYER_NOT_FOUND' });
    expect(await credit(ghost, opId('x'), 1)).toMatchObject({ ok: false, code: 'PLAYER_NOT_FOUND' });
    expect(await client.query(GetPlayerActivity, { playerId: ghost })).toMatchObject({ ok: false, code: 'PLAYER_NOT_FOUND' });
  });

  it('applies a replayed op (same opId, new msgId) once and answers the first answer, even ten at once', async () => {
    const p = await register(500);
    const op = opId('buy-in');
    const first = await debit(p, op, 120);
    expect(first).toMatchObject({ ok: true, balance: 380 });
    const before = await activityOf(p);
    const replies = await Promise.all(Array.from({ length: 10 }, () => debit(p, op, 120, 'retried after a restart')));
    for (const r of replies) expect(r).toEqual(first);
    expect(await balanceOf(p)).toBe(380);
    // a replay is no activity: the account is not written at all
    expect(await activityOf(p)).toEqual(before);

    // the first delivery racing its own replays: one effect, one answer for all
    const raced = opId('bet');
    const answers = await Promise.all(Array.from({ length: 8 }, () => credit(p, raced, 7)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await balanceOf(p)).toBe(387);
  });

  it('refunds an applied debit once, and a refund that arrives first bars the debit for good', async () => {
    const playerId = await register(100);
    const applied = opId('debit');
    expect((await debit(playerId, applied, 40)).ok).toBe(true);
    const refund = (id: string, amount: number) => client.command(RefundDebit, { playerId, opId: id, amount, reason: 'compensation' });
    expect(await refund(applied, 40)).toMatchObject({ ok: true, refunded: 40 });
    expect(await refund(applied, 40)).toMatchObject({ ok: true, refunded: 40 });
    expect(await balanceOf(playerId)).toBe(100);

    const never = opId('debit');
    expect(await refund(never, 30)).toMatchObject({ ok: true, refunded: 0 });
    // the debit's message arrives late: it moves nothing
    expect(await debit(playerId, never, 30)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await balanceOf(playerId)).toBe(100);

    const refused = opId('debit');
    expect(await debit(playerId, refused, 1_000)).toMatchObject({ ok: false, code: 'INSUFFICIENT_BALANCE' });
    expect(await refund(refused, 1_000)).toMatchObject({ ok: true, refunded: 0 });
    expect(await balanceOf(playerId)).toBe(100);
  });

  it('refuses an opId reused for another amount or kind with IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const p = await register(100);
    const op = opId('buy-in');
    await debit(p, op, 10);
    expect(await debit(p, op, 11)).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await credit(p, op, 10)).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await balanceOf(p)).toBe(90);
  });

  it('recognizes a replay after its op fell out of the 100-action ring (op record)', async () => {
    const p = await register(1_000);
    const op = opId('buy-in');
    const first = await debit(p, op, 250);
    await Promise.all(Array.from({ length: 100 }, (_, i) => credit(p, opId(`tip-${i}`), 1)));
    const { history } = await activityOf(p);
    expect(history).toHaveLength(100);
    expect(history.some((a) => a.opId === op)).toBe(false);
    expect(await debit(p, op, 250)).toEqual(first);
    expect(await balanceOf(p)).toBe(850);
  });

  it('recognizes a replay whose op record was lost between the two writes (ring), and writes the record again', async () => {
    const p = await register(300);
    const op = opId('buy-in');
    const first = await debit(p, op, 100);
    const key = opRecordKey(p, op);
    await walletOps.purge(key); // as if the service died after the account write
    expect(await walletOps.get(key).then((e) => e?.operation)).not.toBe('PUT');
    expect(await debit(p, op, 100)).toEqual(first);
    expect(await balanceOf(p)).toBe(200);
    expect((await walletOps.get(key))?.json()).toMatchObject({ playerId: p, action: { opId: op, kind: 'debit', amount: 100 } });
  });

  it('writes the op record of an action before the ring drops it, so even a lost record is never forgotten', async () => {
    const p = await register(300);
    const op = opId('buy-in');
    const first = await debit(p, op, 100);
    await walletOps.purge(opRecordKey(p, op));
    await Promise.all(Array.from({ length: 100 }, (_, i) => credit(p, opId(`tip-${i}`), 1)));
    expect((await activityOf(p)).history.some((a) => a.opId === op)).toBe(false);
    expect((await walletOps.get(opRecordKey(p, op)))?.operation).toBe('PUT');
    expect(await debit(p, op, 100)).toEqual(first);
    expect(await balanceOf(p)).toBe(300);
  });

  it('never overdraws a wallet under 100 concurrent debits across two replicas, and the balance is exact', async () => {
    const second = await createServiceApp(playerService, env);
    try {
      const p = await register(1_000);
      const store = player.app.get(AccountsStore);
      const revisionBefore = (await store.getWithRevision(p))!.revision;
      const conflictsBefore = (await conflictsOf(player)) + (await conflictsOf(second));
      const ops = Array.from({ length: 100 }, (_, i) => opId(`bet-${i}`));
      const replies = await Promise.all(ops.map((op) => debit(p, op, 15)));

      const ok = replies.filter((r) => r.ok);
      const refused = replies.filter((r) => !r.ok);
      expect(ok).toHaveLength(66);
      expect(refused).toHaveLength(34);
      for (const r of refused) expect(r).toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
      expect(await balanceOf(p)).toBe(10);
      // serializable: the successful debits saw every balance from 985 down to 10 exactly once
      expect(ok.map((r) => (r.ok ? r.balance : -1)).sort((a, b) => b - a)).toEqual(Array.from({ length: 66 }, (_, i) => 985 - 15 * i));

      // one account write per command, none lost and none doubled
      const after = (await store.getWithRevision(p))!;
      expect(after.revision - revisionBefore).toBe(100);
      expect(after.value.totals).toEqual({ deposited: 1_000, credited: 0, debited: 990 });
      const history = after.value.history;
      expect(history).toHaveLength(100);
      expect(new Set(history.map((a) => a.opId))).toEqual(new Set(ops));
      expect(history.filter((a) => a.refused)).toHaveLength(34);
      const conflicts = (await conflictsOf(player)) + (await conflictsOf(second)) - conflictsBefore;
      const handled = async (app: ServiceApp) => Number(/^bitcraps_command_duration_seconds_count\{[^}]*subject="cmd.player.debit-wallet"[^}]*\} (\d+)/m.exec(await (await fetch(`${app.url}/metrics`)).text())?.[1] ?? 0);
      // the test is about two deciders: both took part
      expect(await handled(second)).toBeGreaterThan(0);
      process.stdout.write(`two replicas, 100 debits on one wallet: ${conflicts} compare-and-set conflicts retried; the second replica handled ${await handled(second)}\n`);
    } finally {
      await second.close();
    }
  });

  it('retries compare-and-set conflicts: concurrent movements on one account inside one process', async () => {
    // straight to the shell, past the transport's per-player queue, so the writes race
    const p = await register(0);
    const movements = player.app.get(WalletMovements);
    const conflictsBefore = await conflictsOf(player);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => movements.apply(p, { kind: 'credit', opId: opId(`c${i}`), amount: i + 1, reason: 'race' })));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(await balanceOf(p)).toBe(210);
    expect(await conflictsOf(player)).toBeGreaterThan(conflictsBefore);
    // the history is one serial chain: each balance is the one before plus the credit
    const { history } = await activityOf(p);
    expect(history).toHaveLength(20);
    history.forEach((a, i) => expect(a.balanceAfter).toBe((i === 0 ? 0 : history[i - 1].balanceAfter) + a.amount));
  });

  it('keeps wallets, histories and answered ops across a restart of the service', async () => {
    const p = await register(400);
    const op = opId('buy-in');
    const first = await debit(p, op, 150);
    const activity = await activityOf(p);
    await player.close();
    player = await createServiceApp(playerService, env);
    expect(await balanceOf(p)).toBe(250);
    expect(await activityOf(p)).toEqual(activity);
    expect(await debit(p, op, 150)).toEqual(first);
    expect(await credit(p, opId('cash-out'), 50)).toMatchObject({ ok: true, balance: 300 });
  });

  it('answers the audit totals: Σ wallets, Σ faucet deposits, number of players', async () => {
    const balances = await Promise.all(registered.map((r) => balanceOf(r.playerId)));
    const totals = await client.query(GetWalletTotals, {});
    expect(totals).toEqual({
      ok: true,
      wallets: balances.reduce((a, b) => a + b, 0),
      deposits: registered.reduce((a, r) => a + r.deposit, 0),
      players: registered.length,
    });
  });
});
