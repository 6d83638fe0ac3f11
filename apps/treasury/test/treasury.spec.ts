import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  BANKROLL_ACCOUNT,
  CashOutStack,
  CreditStack,
  EscrowBet,
  FundBankroll,
  GetGameEscrow,
  GetStack,
  GetTreasuryAudit,
  LEDGER_STREAM,
  ReleaseBet,
  ReverseStackCredit,
  SettleRoll,
  stackAccount,
  type LedgerTransfer,
  type OkReplyOf,
  type PayloadOf,
} from '@bitcraps/contracts';
import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import type { ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { riskableBankroll } from '../src/domain/exposure';
import { slots } from '../src/domain/planning';
import type { TreasuryConfig } from '../src/config';
import { balancesOf, gameId, playerId, readLedger, readProjection, replayLedger, startTreasury } from './treasury.harness';

/**
 * The treasury alone, in this process, against a private NATS JetStream and Redis:
 * commands through the JetStream transport, reads through queries, and the books
 * checked against LEDGER itself.
 */
describe('treasury: the ledger through its commands', () => {
  let infra: Infrastructure;
  let treasury: ServiceApp<TreasuryConfig>;
  let client: JetStreamClientProxy;
  let nc: NatsConnection;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    treasury = await startTreasury(infra, { HOUSE_BANKROLL: '100000', RESERVE_RATIO: '0.1' });
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'treasury-test', timeoutMs: 20_000 });
    nc = await connect({ servers: infra.natsUrl });
  });

  afterAll(async () => {
    await client?.close();
    await nc?.close();
    await treasury?.close();
    await infra?.stop();
  });

  const audit = async () => {
    const r = await client.query(GetTreasuryAudit, {});
    if (!r.ok) throw new Error(r.message);
    return r.audit;
  };
  const stackOf = async (g: string, p: string) => {
    const r = await client.query(GetStack, { gameId: g, playerId: p });
    if (!r.ok) throw new Error(r.message);
    return r.stack;
  };
  const lastSequence = async () => (await (await jetstreamManager(nc)).streams.info(LEDGER_STREAM.name)).state.last_seq;
  const ok = <T extends { ok: boolean }>(reply: T): Extract<T, { ok: true }> => {
    if (!reply.ok) throw new Error(`refused: ${JSON.stringify(reply)}`);
    return reply as Extract<T, { ok: true }>;
  };

  async function seat(buyIn: number) {
    const g = gameId();
    const p = playerId();
    ok(await client.command(CreditStack, { opId: `s_${g}:credit`, gameId: g, playerId: p, amount: buyIn }));
    return { g, p };
  }

  it('seeds the bankroll from HOUSE_BANKROLL and reports a balanced audit', async () => {
    expect(await audit()).toMatchObject({ bankroll: 100_000, initialBankroll: 100_000, stacks: 0, escrow: 0, bankrollAdditions: 0, openExposure: 0, balanced: true });
    const metrics = await (await fetch(`${treasury.url}/metrics`)).text();
    expect(metrics).toMatch(/^bitcraps_treasury_bankroll\{[^}]*\} 100000$/m);
    expect(metrics).toMatch(/^bitcraps_treasury_open_exposure\{[^}]*\} 0$/m);
  });

  it('buys in, bets, settles a roll and cashes out, every chip accounted for', async () => {
    const before = await audit();
    const { g, p } = await seat(1_000);
    expect(await stackOf(g, p)).toBe(1_000);
    const bet = (betId: string, type: PayloadOf<typeof EscrowBet>['type'], amount: number, number?: number) =>
      client.command(EscrowBet, { betId, gameId: g, playerId: p, type, amount, number });
    expect(await bet(`${g}:b1`, 'place', 60, 6)).toEqual({ ok: true, stack: 940, worstCase: 70 });
    expect(await bet(`${g}:b2`, 'pass', 100)).toEqual({ ok: true, stack: 840, worstCase: 100 });
    expect(await bet(`${g}:b3`, 'dont_pass', 40)).toEqual({ ok: true, stack: 800, worstCase: 40 });
    expect(await client.query(GetGameEscrow, { gameId: g })).toEqual({
      ok: true,
      escrow: 200,
      exposure: 210,
      openBets: expect.arrayContaining([
        { betId: `${g}:b1`, playerId: p, amount: 60, worstCase: 70 },
        { betId: `${g}:b2`, playerId: p, amount: 100, worstCase: 100 },
        { betId: `${g}:b3`, playerId: p, amount: 40, worstCase: 40 },
      ]),
    });
    const settled = await client.command(SettleRoll, {
      gameId: g,
      rollIndex: 0,
      resolutions: [
        { betId: `${g}:b1`, playerId: p, outcome: 'win', amount: 60, payout: 70 },
        { betId: `${g}:b2`, playerId: p, outcome: 'lose', amount: 100, payout: 0 },
        { betId: `${g}:b3`, playerId: p, outcome: 'push', amount: 40, payout: 0 },
      ],
    });
    expect(settled).toEqual({ ok: true, settled: 3, void: [], returned: 100, paid: 70, collected: 100 });
    expect(await stackOf(g, p)).toBe(800 + 60 + 70 + 40);
    expect(await client.command(CashOutStack, { opId: `s_${g}:cash-out`, gameId: g, playerId: p })).toEqual({ ok: true, amount: 970 });
    expect(await stackOf(g, p)).toBe(0);
    const after = await audit();
    expect(after).toMatchObject({
      bankroll: before.bankroll - 70 + 100,
      stacks: before.stacks,
      escrow: before.escrow,
      walletsIn: before.walletsIn + 1_000,
      walletsOut: before.walletsOut + 970,
      openExposure: before.openExposure,
      balanced: true,
    });
  });

  it('answers a replayed command (same ids, new message id) with the first answer and moves nothing', async () => {
    const g = gameId();
    const p = playerId();
    const commands: Array<[unknown, unknown]> = [
      [CreditStack, { opId: `s_${g}:credit`, gameId: g, playerId: p, amount: 500 }],
      [EscrowBet, { betId: `${g}:b1`, gameId: g, playerId: p, type: 'field', amount: 50 }],
      [EscrowBet, { betId: `${g}:b2`, gameId: g, playerId: p, type: 'yo', amount: 10 }],
      [ReleaseBet, { betId: `${g}:b2`, gameId: g, playerId: p }],
      [EscrowBet, { betId: `${g}:too-big`, gameId: g, playerId: p, type: 'pass', amount: 10_000 }],
      [SettleRoll, { gameId: g, rollIndex: 0, resolutions: [{ betId: `${g}:b1`, playerId: p, outcome: 'win', amount: 50, payout: 100 }] }],
      [CashOutStack, { opId: `s_${g}:leave`, gameId: g, playerId: p }],
      [FundBankroll, { opId: `admin:${g}`, amount: 1_234 }],
    ];
    const send = (def: unknown, payload: unknown) => client.command(def as typeof CreditStack, payload as PayloadOf<typeof CreditStack>);
    const first: unknown[] = [];
    for (const [def, payload] of commands) first.push(await send(def, payload));
    expect(first[4]).toMatchObject({ ok: false, code: 'INSUFFICIENT_STACK' });
    expect(first[6]).toEqual({ ok: true, amount: 500 - 50 - 10 + 10 + 50 + 100 });
    const seq = await lastSequence();
    const books = await audit();
    // again, in another order, each twice at once
    const again = await Promise.all([...commands].reverse().flatMap(([def, payload]) => [send(def, payload), send(def, payload)]));
    expect(again).toEqual([...first].reverse().flatMap((r) => [r, r]));
    expect(await lastSequence()).toBe(seq);
    expect(await audit()).toEqual(books);
  });

  it('lets a compensation that arrives before its step bar that step', async () => {
    const g = gameId();
    const p = playerId();
    const opId = `s_${g}:credit`;
    expect(await client.command(ReverseStackCredit, { opId, gameId: g, playerId: p })).toEqual({ ok: true, reversed: 0 });
    expect(await client.command(CreditStack, { opId, gameId: g, playerId: p, amount: 300 })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await stackOf(g, p)).toBe(0);
    // a credit that did run is reversed exactly once
    const other = `s_${g}:credit-2`;
    ok(await client.command(CreditStack, { opId: other, gameId: g, playerId: p, amount: 300 }));
    expect(await client.command(ReverseStackCredit, { opId: other, gameId: g, playerId: p })).toEqual({ ok: true, reversed: 300 });
    expect(await client.command(ReverseStackCredit, { opId: other, gameId: g, playerId: p })).toEqual({ ok: true, reversed: 300 });
    expect(await stackOf(g, p)).toBe(0);
    // a release before its escrow bars the escrow
    ok(await client.command(CreditStack, { opId: `s_${g}:credit-3`, gameId: g, playerId: p, amount: 100 }));
    expect(await client.command(ReleaseBet, { betId: `${g}:late`, gameId: g, playerId: p })).toEqual({ ok: true, released: 0 });
    expect(await client.command(EscrowBet, { betId: `${g}:late`, gameId: g, playerId: p, type: 'pass', amount: 10 })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await stackOf(g, p)).toBe(100);
    expect((await audit()).balanced).toBe(true);
  });

  it('refuses a bet the bankroll cannot cover while keeping RESERVE_RATIO untouched', async () => {
    const { bankroll, openExposure } = await audit();
    const room = riskableBankroll(bankroll, 0.1) - openExposure;
    const most = Math.floor(room / 30); // aces pay 30:1
    const { g, p } = await seat(most + 40);
    const refused = await client.command(EscrowBet, { betId: `${g}:greedy`, gameId: g, playerId: p, type: 'aces', amount: most + 1 });
    expect(refused).toMatchObject({ ok: false, code: 'HOUSE_CANNOT_COVER' });
    expect(await client.command(EscrowBet, { betId: `${g}:fits`, gameId: g, playerId: p, type: 'aces', amount: most })).toEqual({ ok: true, stack: 40, worstCase: most * 30 });
    // now a single chip at 1:1 is too much, until the admin adds to the bankroll
    const oneMore = await client.command(EscrowBet, { betId: `${g}:one-more`, gameId: g, playerId: p, type: 'pass', amount: Math.max(1, room - most * 30 + 1) });
    expect(oneMore).toMatchObject({ ok: false, code: 'HOUSE_CANNOT_COVER' });
    ok(await client.command(FundBankroll, { opId: `admin:${g}`, amount: 1_000 }));
    expect(await client.command(EscrowBet, { betId: `${g}:after-funding`, gameId: g, playerId: p, type: 'pass', amount: 1 })).toMatchObject({ ok: true });
    // the refusal stays the answer of that bet
    expect(await client.command(EscrowBet, { betId: `${g}:greedy`, gameId: g, playerId: p, type: 'aces', amount: most + 1 })).toMatchObject({ ok: false, code: 'HOUSE_CANNOT_COVER' });
    ok(await client.command(ReleaseBet, { betId: `${g}:fits`, gameId: g, playerId: p }));
    ok(await client.command(ReleaseBet, { betId: `${g}:after-funding`, gameId: g, playerId: p }));
    expect(await audit()).toMatchObject({ openExposure, balanced: true });
  });

  it('never overdraws a stack under 50 concurrent escrows', async () => {
    const { g, p } = await seat(1_000);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.command(EscrowBet, { betId: `${g}:c${i}`, gameId: g, playerId: p, type: 'pass', amount: 30 })),
    );
    const accepted = replies.filter((r) => r.ok);
    expect(accepted).toHaveLength(33);
    expect(replies.filter((r) => !r.ok && r.code === 'INSUFFICIENT_STACK')).toHaveLength(17);
    expect(await stackOf(g, p)).toBe(10);
    const escrow = await client.query(GetGameEscrow, { gameId: g });
    expect(escrow).toMatchObject({ ok: true, escrow: 990 });
    // the stacks seen in the answers are each one a step of the same countdown
    expect(accepted.map((r) => (r as OkReplyOf<typeof EscrowBet>).stack).sort((a, b) => b - a)).toEqual(Array.from({ length: 33 }, (_, i) => 970 - i * 30));
  });

  it('pays each resolution exactly once when the settle command is delivered twice, or resumed after a crash', async () => {
    const { g, p } = await seat(1_000);
    for (const [id, type, amount] of [['w1', 'field', 100], ['w2', 'hardway', 50], ['l1', 'pass', 200]] as const) {
      ok(await client.command(EscrowBet, { betId: `${g}:${id}`, gameId: g, playerId: p, type, amount, number: type === 'hardway' ? 8 : undefined }));
    }
    const before = await audit();
    const cmd = {
      gameId: g,
      rollIndex: 7,
      resolutions: [
        { betId: `${g}:w1`, playerId: p, outcome: 'win' as const, amount: 100, payout: 200 },
        { betId: `${g}:w2`, playerId: p, outcome: 'win' as const, amount: 50, payout: 450 },
        { betId: `${g}:l1`, playerId: p, outcome: 'lose' as const, amount: 200, payout: 0 },
      ],
    };
    // a previous attempt crashed right after appending the first payout
    const js = jetstream(nc);
    const leg: LedgerTransfer = {
      type: 'transfer', transferId: slots.payout(`${g}:w1`), opId: `settle:${g}:7`, kind: 'win-payout',
      from: BANKROLL_ACCOUNT, to: stackAccount(g, p), amount: 200, at: new Date().toISOString(), betId: `${g}:w1`,
    };
    await js.publish(`ledger.transfer.win-payout`, JSON.stringify(leg), { msgID: leg.transferId, expect: { lastSequence: await lastSequence() } });
    const [a, b] = await Promise.all([client.command(SettleRoll, cmd), client.command(SettleRoll, cmd)]);
    const answer = { ok: true, settled: 3, void: [], returned: 150, paid: 650, collected: 200 };
    expect(a).toEqual(answer);
    expect(b).toEqual(answer);
    expect(await client.command(SettleRoll, cmd)).toEqual(answer);
    expect(await stackOf(g, p)).toBe(1_000 - 350 + 150 + 650);
    expect(await audit()).toMatchObject({ bankroll: before.bankroll - 650 + 200, escrow: before.escrow - 350, balanced: true });
    const legs = (await readLedger(nc)).filter(({ entry }) => entry?.type === 'transfer' && entry.betId?.startsWith(g) && entry.kind !== 'escrow');
    expect(legs.map(({ entry }) => (entry as LedgerTransfer).kind).sort()).toEqual(['lose', 'win-payout', 'win-payout', 'win-stake', 'win-stake']);
  });

  it('skips a message on LEDGER that is no ledger entry, on every replica alike', async () => {
    const js = jetstream(nc);
    const seq = await lastSequence();
    await js.publish('ledger.noise', JSON.stringify({ hello: 'world' }), { expect: { lastSequence: seq } });
    const { g, p } = await seat(10);
    expect(await stackOf(g, p)).toBe(10);
    expect((await audit()).lastSequence).toBe(seq + 2);
  });

  it('holds in KV `accounts` exactly what a replay of LEDGER from the start gives', async () => {
    const replayed = await replayLedger(nc);
    expect(replayed.audit()).toEqual(await audit());
    await waitFor(async () => {
      const { balances, summary } = await readProjection(nc);
      expect(balances).toEqual(balancesOf(replayed));
      expect(summary).toEqual(replayed.audit());
      return true;
    }, { what: 'KV accounts to match the replay' }).catch(async (err) => {
      // show the difference rather than a timeout
      const { balances, summary } = await readProjection(nc);
      expect({ balances, summary }).toEqual({ balances: balancesOf(replayed), summary: replayed.audit() });
      throw err;
    });
    expect(replayed.rejected).toBe(1); // the noise, and nothing else
  });
});
