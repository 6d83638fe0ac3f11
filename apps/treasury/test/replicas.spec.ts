import { isDeepStrictEqual } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  CashOutStack,
  CreditStack,
  EscrowBet,
  GetStack,
  GetTreasuryAudit,
  SettleRoll,
  ledgerEntryId,
  stackAccount,
  type PayloadOf,
} from '@bitcraps/contracts';
import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import type { ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { decideEscrow } from '../src/domain/planning';
import type { TreasuryConfig } from '../src/config';
import { balancesOf, gameId, journalOf, playerId, readLedger, readProjection, replayLedger, startTreasury } from './treasury.harness';

/**
 * Two treasury replicas on the same servers, sharing the command consumer and racing
 * on LEDGER: no transfer twice, no stack overdrawn, the bankroll seeded once across
 * any number of starts.
 */
describe('treasury: replicas and restarts', () => {
  let infra: Infrastructure;
  let replicas: ServiceApp<TreasuryConfig>[] = [];
  let client: JetStreamClientProxy;
  let nc: NatsConnection;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'treasury-replicas-test', timeoutMs: 30_000 });
    nc = await connect({ servers: infra.natsUrl });
  });

  afterAll(async () => {
    await client?.close();
    await nc?.close();
    for (const r of replicas) await r.close();
    await infra?.stop();
  });

  const audit = async () => {
    const r = await client.query(GetTreasuryAudit, {});
    if (!r.ok) throw new Error(r.message);
    return r.audit;
  };

  it('seeds the bankroll once when two replicas start together on an empty ledger', async () => {
    replicas = await Promise.all([startTreasury(infra, { HOUSE_BANKROLL: '5000000' }), startTreasury(infra, { HOUSE_BANKROLL: '5000000' })]);
    const entries = await readLedger(nc);
    expect(entries.map(({ entry }) => entry && ledgerEntryId(entry))).toEqual(['seed:bankroll']);
    expect(await audit()).toMatchObject({ bankroll: 5_000_000, initialBankroll: 5_000_000, balanced: true });
  });

  it('never applies a transfer twice with commands spread over both replicas and each sent twice', async () => {
    const tables = Array.from({ length: 20 }, () => ({ g: gameId(), p: playerId() }));
    const twice = <T>(send: () => Promise<T>) => Promise.all([send(), send()]);
    const credits = await Promise.all(
      tables.map(({ g, p }) => twice(() => client.command(CreditStack, { opId: `s_${g}:credit`, gameId: g, playerId: p, amount: 1_000 }))),
    );
    for (const [a, b] of credits) {
      expect(a).toEqual({ ok: true, credited: 1_000, stack: 1_000 });
      expect(b).toEqual(a);
    }
    const bets = await Promise.all(
      tables.flatMap(({ g, p }) =>
        Array.from({ length: 5 }, (_, i) => twice(() => client.command(EscrowBet, { betId: `${g}:b${i}`, gameId: g, playerId: p, type: 'pass', amount: 100 }))),
      ),
    );
    for (const [a, b] of bets) expect(b).toEqual(a);
    const settles = await Promise.all(
      tables.map(({ g, p }) =>
        twice(() =>
          client.command(SettleRoll, {
            gameId: g,
            rollIndex: 0,
            resolutions: Array.from({ length: 5 }, (_, i) => ({ betId: `${g}:b${i}`, playerId: p, outcome: i % 2 ? ('lose' as const) : ('win' as const), amount: 100, payout: i % 2 ? 0 : 100 })),
          }),
        ),
      ),
    );
    for (const [a, b] of settles) {
      expect(a).toEqual({ ok: true, settled: 5, void: [], returned: 300, paid: 300, collected: 200 });
      expect(b).toEqual(a);
    }
    const cashOuts = await Promise.all(tables.map(({ g, p }) => twice(() => client.command(CashOutStack, { opId: `s_${g}:leave`, gameId: g, playerId: p }))));
    for (const [a, b] of cashOuts) {
      expect(a).toEqual({ ok: true, amount: 1_000 + 300 - 200 });
      expect(b).toEqual(a);
    }
    // each id once on LEDGER, and nothing refused by the fold
    const ids = (await readLedger(nc)).map(({ entry }) => ledgerEntryId(entry!));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(1 + 20 * (1 + 5 + 3 + 5 + 1));
    expect(await audit()).toMatchObject({ bankroll: 5_000_000 - 20 * 100, stacks: 0, escrow: 0, walletsIn: 20_000, walletsOut: 22_000, openExposure: 0, balanced: true });
    // both replicas did some of the work
    expect(replicas.map((r) => journalOf(r).appended).every((n) => n > 0)).toBe(true);
  });

  it('never overdraws one stack when both replicas escrow on it at once', async () => {
    const g = gameId();
    const p = playerId();
    const credited = await client.command(CreditStack, { opId: `s_${g}:credit`, gameId: g, playerId: p, amount: 1_000 });
    expect(credited).toMatchObject({ ok: true });
    const at = () => new Date().toISOString();
    const escrow = (i: number): PayloadOf<typeof EscrowBet> => ({ betId: `${g}:r${i}`, gameId: g, playerId: p, type: 'field', amount: 30 });
    // straight into each replica's journal, alternating, so that they must race
    const conflictsBefore = replicas.reduce((n, r) => n + journalOf(r).conflicts, 0);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => journalOf(replicas[i % 2]!).run((l) => decideEscrow(l, escrow(i), at(), 0.1))),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(33);
    expect(replies.filter((r) => !r.ok && r.code === 'INSUFFICIENT_STACK')).toHaveLength(17);
    expect(replicas.reduce((n, r) => n + journalOf(r).conflicts, 0)).toBeGreaterThan(conflictsBefore);
    expect(await client.query(GetStack, { gameId: g, playerId: p })).toEqual({ ok: true, stack: 10 });
    // the same 50 again through the transport: every answer is the first one
    const again = await Promise.all(Array.from({ length: 50 }, (_, i) => client.command(EscrowBet, escrow(i))));
    expect(again).toEqual(replies);
  });

  it('keeps both replicas, KV `accounts` and a replay of LEDGER identical', async () => {
    const replayed = await replayLedger(nc);
    expect(replayed.rejected).toBe(0);
    for (const r of replicas) {
      const journal = journalOf(r);
      await journal.syncToHead();
      expect(journal.ledger.audit()).toEqual(replayed.audit());
      expect(balancesOf(journal.ledger)).toEqual(balancesOf(replayed));
    }
    await waitFor(
      async () => {
        const { balances, summary } = await readProjection(nc);
        return isDeepStrictEqual(balances, balancesOf(replayed)) && isDeepStrictEqual(summary, replayed.audit());
      },
      { what: 'KV accounts to converge on the replay' },
    );
  });

  it('seeds nothing on later starts, whatever HOUSE_BANKROLL says, and rebuilds the books from LEDGER', async () => {
    const g = gameId();
    const p = playerId();
    expect(await client.command(CreditStack, { opId: `s_${g}:credit`, gameId: g, playerId: p, amount: 777 })).toMatchObject({ ok: true });
    const before = await audit();
    for (const r of replicas) await r.close();
    replicas = [await startTreasury(infra, { HOUSE_BANKROLL: '42' })];
    const after = await audit();
    expect(after).toEqual(before);
    expect(journalOf(replicas[0]!).ledger.balance(stackAccount(g, p))).toBe(777);
    replicas.push(await startTreasury(infra, { HOUSE_BANKROLL: '43' }));
    expect(await audit()).toEqual(before);
    const seeds = (await readLedger(nc)).filter(({ entry }) => entry?.type === 'transfer' && entry.kind === 'seed');
    expect(seeds).toHaveLength(1);
    // and the restarted replicas still refuse to repeat what their predecessors did
    expect(await client.command(CreditStack, { opId: `s_${g}:credit`, gameId: g, playerId: p, amount: 777 })).toEqual({ ok: true, credited: 777, stack: 777 });
    expect(await audit()).toEqual(before);
  });
});
