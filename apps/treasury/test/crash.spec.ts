import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CreditStack, EscrowBet, GetStack, GetTreasuryAudit, LEDGER_STREAM, SettleRoll, ledgerEntryId, type LedgerTransfer } from '@bitcraps/contracts';
import { JetStreamClientProxy, ReplyTimeoutError, waitFor } from '@bitcraps/messaging';
import { Infrastructure, ServiceProcess, freePort } from '@bitcraps/testing';
import { gameId, playerId, readLedger, readProjection, replayLedger, balancesOf } from './treasury.harness';

/**
 * The treasury as its own process, killed -9 in the middle of a settlement, and NATS
 * restarted under it: every resolution is still settled exactly once and the books
 * still equal the fold of LEDGER. (A killed command waits for JetStream's ack wait,
 * 30 s, before it is redelivered: this suite is slow on purpose.)
 */
describe('treasury: crashes and outages', () => {
  let infra: Infrastructure;
  let treasury: ServiceProcess;
  let client: JetStreamClientProxy;
  let nc: NatsConnection;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    treasury = new ServiceProcess('treasury', await freePort(), { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HOUSE_BANKROLL: '10000000' });
    await treasury.start();
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'treasury-crash-test', timeoutMs: 120_000 });
    nc = await connect({ servers: infra.natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await nc?.close();
    await treasury?.kill('SIGTERM');
    await infra?.stop();
  });

  const lastSequence = async () => (await (await jetstreamManager(nc)).streams.info(LEDGER_STREAM.name)).state.last_seq;

  it('settles every resolution exactly once when killed -9 half way through a settlement', async () => {
    const g = gameId();
    const players = Array.from({ length: 4 }, () => playerId());
    for (const p of players) expect(await client.command(CreditStack, { opId: `s_${g}:${p}`, gameId: g, playerId: p, amount: 100_000 })).toMatchObject({ ok: true });
    const bets = Array.from({ length: 400 }, (_, i) => ({ betId: `${g}:b${i}`, playerId: players[i % 4]!, amount: 10 + (i % 7) }));
    const escrows = await Promise.all(bets.map((b) => client.command(EscrowBet, { ...b, gameId: g, type: 'field' })));
    expect(escrows.every((r) => r.ok)).toBe(true);
    const start = await lastSequence();
    const resolutions = bets.map((b, i) => ({ ...b, outcome: (['win', 'lose', 'push'] as const)[i % 3]!, payout: i % 3 === 0 ? b.amount * 2 : 0 }));
    const settled = client.command(SettleRoll, { gameId: g, rollIndex: 0, resolutions });
    // kill it once some legs are on the ledger
    await waitFor(async () => (await lastSequence()) >= start + 20, { intervalMs: 5, what: 'the settlement to start' });
    await treasury.kill('SIGKILL');
    const atKill = (await lastSequence()) - start;
    await treasury.start();
    const reply = await settled;
    const wins = resolutions.filter((r) => r.outcome === 'win');
    const losses = resolutions.filter((r) => r.outcome === 'lose');
    const sum = (rs: typeof resolutions, f: (r: (typeof resolutions)[number]) => number) => rs.reduce((s, r) => s + f(r), 0);
    const expected = {
      ok: true,
      settled: 400,
      void: [],
      returned: sum(resolutions, (r) => (r.outcome === 'lose' ? 0 : r.amount)),
      paid: sum(wins, (r) => r.payout),
      collected: sum(losses, (r) => r.amount),
    };
    expect(reply).toEqual(expected);
    // every bet closed once, every win paid once
    const legs = (await readLedger(nc)).filter(({ seq }) => seq > start).map(({ entry }) => entry as LedgerTransfer);
    expect(legs).toHaveLength(400 + wins.length);
    expect(new Set(legs.map((e) => ledgerEntryId(e))).size).toBe(legs.length);
    expect(atKill).toBeLessThan(legs.length); // the kill did land half way
    for (const p of players) {
      const mine = resolutions.filter((r) => r.playerId === p);
      const stack = 100_000 + sum(mine, (r) => (r.outcome === 'lose' ? -r.amount : r.payout));
      expect(await client.query(GetStack, { gameId: g, playerId: p })).toEqual({ ok: true, stack });
    }
    // once more, now that it is done: the same answer, nothing appended
    const seq = await lastSequence();
    expect(await client.command(SettleRoll, { gameId: g, rollIndex: 0, resolutions })).toEqual(expected);
    expect(await lastSequence()).toBe(seq);
  }, 150_000);

  it('rides out a NATS restart and keeps the books equal to LEDGER', async () => {
    const g = gameId();
    const p = playerId();
    const before = await client.query(GetTreasuryAudit, {});
    // a publish that meets the outage is sent again, as a saga would: a new message, the same op id
    const credits = Array.from({ length: 40 }, (_, i) => async () => {
      for (;;) {
        try {
          return await client.command(CreditStack, { opId: `s_${g}:c${i}`, gameId: g, playerId: p, amount: 5 });
        } catch (err) {
          if (err instanceof ReplyTimeoutError) throw err;
          await new Promise((r) => setTimeout(r, 100)); // backoff before resending, not a synchronisation
        }
      }
    });
    const first = Promise.all(credits.slice(0, 20).map((send) => send()));
    await infra.restartNats();
    const second = Promise.all(credits.slice(20).map((send) => send()));
    const replies = [...(await first), ...(await second)];
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(await client.query(GetStack, { gameId: g, playerId: p })).toEqual({ ok: true, stack: 200 });
    const audit = await client.query(GetTreasuryAudit, {});
    if (!audit.ok || !before.ok) throw new Error('audit refused');
    expect(audit.audit).toMatchObject({ walletsIn: before.audit.walletsIn + 200, balanced: true });
    const replayed = await replayLedger(nc);
    expect(replayed.audit()).toEqual(audit.audit);
    await waitFor(async () => {
      const { balances } = await readProjection(nc);
      expect(balances).toEqual(balancesOf(replayed));
      return true;
    }, { what: 'KV accounts to match the replay' });
  }, 150_000);
});
