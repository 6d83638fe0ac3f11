import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ApplyRoll,
  CheckShooter,
  CloseGame,
  CloseRound,
  CreateGame,
  GetStats,
  RecordBet,
  RemoveBet,
  SeatPlayer,
  STREAMS,
  UnseatPlayer,
  type CommandDef,
  type PayloadOf,
  type ReplyOf,
  type RollOutcome,
} from '@bitcraps/contracts';
import { connectNats, JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { statsService } from '../src/stats.service';
import { rebuildStats } from '../src/rebuild';

/**
 * The real lifecycle service answers a whole session of play; some steps are sent again
 * with new message ids but their saga's correlation id, as a retried saga step is, some
 * after their game, bet or seat ended. The live projection must count each fact once,
 * and a replay of EVT from the start must give exactly the live projection. Lifecycle
 * runs as a child process from its sources (only e2e tests import another app).
 */
describe('stats: a rebuild equals the live projection of real lifecycle answers', () => {
  let infra: Infrastructure;
  let nc: NatsConnection;
  let client: JetStreamClientProxy;
  let lifecycle: ServiceProcess;
  let stats: ServiceApp;
  const env = () => ({ ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'error', STATS_CHECKPOINT_MS: '20' });

  beforeAll(async () => {
    infra = await Infrastructure.start();
    lifecycle = await new ServiceProcess('lifecycle', await freePort(), { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, LOG_LEVEL: 'error' }).start();
    stats = await createServiceApp(statsService, env());
    nc = await connectNats(infra.natsUrl, 'stats-rebuild-spec');
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'stats-rebuild-spec-client', timeoutMs: 15_000 });
  });
  afterAll(async () => {
    await client?.close();
    await stats?.close();
    await lifecycle?.kill('SIGTERM');
    await nc?.drain();
    await infra?.stop();
  });

  /** One attempt of a saga step: a fresh message id, the saga's correlation id. */
  const send = <D extends CommandDef>(def: D, payload: PayloadOf<D>, saga: string): Promise<ReplyOf<D>> =>
    client.command(def, payload, { msgId: randomUUID(), correlationId: saga });
  /** A step that succeeds; `retries` more attempts answer the first answer (and land on EVT again). */
  async function step<D extends CommandDef>(def: D, payload: PayloadOf<D>, saga: string, retries = 0): Promise<Extract<ReplyOf<D>, { ok: true }>> {
    const first = await send(def, payload, saga);
    if (!(first as { ok: boolean }).ok) throw new Error(`${def.subject} refused: ${JSON.stringify(first)}`);
    for (let i = 0; i < retries; i++) expect(await send(def, payload, saga)).toEqual(first);
    return first as Extract<ReplyOf<D>, { ok: true }>;
  }

  it('counts every fact once and rebuilds to the identical state', async () => {
    const [g1, g2, g3] = [1, 2, 3].map(() => `g_${randomUUID()}`) as [string, string, string];
    const [ann, bob, cyd] = [1, 2, 3].map(() => `p_${randomUUID()}`) as [string, string, string];
    const rolls: RollOutcome[] = [];
    const roll = async (gameId: string, shooter: string, dice: [number, number], saga: string, retries = 0) => {
      const { rollIndex } = await step(CheckShooter, { gameId, playerId: shooter, opId: `${saga}:check` }, saga);
      const { roll: outcome } = await step(ApplyRoll, { gameId, rollIndex, dice }, saga, retries);
      await step(CloseRound, { gameId, rollIndex }, saga);
      rolls.push(outcome);
      return outcome;
    };
    const bet = (gameId: string, betId: string, playerId: string, type: 'pass' | 'field', amount: number) =>
      ({ gameId, betId, playerId, type, amount, opId: `bet-${betId}:record` }) satisfies PayloadOf<typeof RecordBet>;

    // game 1: two players, bets, a compensated bet, two rolls, a leave with a bet on the layout, a re-join, the close
    const create1 = { gameId: g1, createdBy: ann, settings: {} };
    await step(CreateGame, create1, 'create-1', 2);
    const seatAnn = { gameId: g1, playerId: ann, buyIn: 1_000, opId: 'join-ann:seat' };
    await step(SeatPlayer, seatAnn, 'join-ann', 1);
    await step(SeatPlayer, { gameId: g1, playerId: bob, buyIn: 1_000, opId: 'join-bob:seat' }, 'join-bob');
    await step(RecordBet, bet(g1, 'a-pass', ann, 'pass', 50), 'bet-a-pass', 2);
    await step(RecordBet, bet(g1, 'b-field', bob, 'field', 20), 'bet-b-field');
    // a bet saga that fails after recording: its compensation removes the bet, then the record step is retried
    const removed = bet(g1, 'b-gone', bob, 'field', 30);
    await step(RecordBet, removed, 'bet-b-gone');
    expect(await step(RemoveBet, { gameId: g1, betId: 'b-gone', opId: 'bet-b-gone:remove' }, 'bet-b-gone')).toMatchObject({ status: 'removed' });
    expect((await send(RecordBet, removed, 'bet-b-gone')).ok).toBe(true);
    await roll(g1, ann, [3, 4], 'roll-1', 2); // seven on the come-out: pass wins, field loses
    // the resolved bets' record steps again
    await step(RecordBet, bet(g1, 'a-pass', ann, 'pass', 50), 'bet-a-pass');
    await step(RecordBet, bet(g1, 'b-field', bob, 'field', 20), 'bet-b-field');
    await step(RecordBet, bet(g1, 'a-field', ann, 'field', 15), 'bet-a-field');
    // ann leaves with her field bet on the layout: it comes down with her
    const leaveAnn = { gameId: g1, playerId: ann, opId: 'leave-ann:unseat' };
    const left = await step(UnseatPlayer, leaveAnn, 'leave-ann', 1);
    expect(left).toMatchObject({ wasSeated: true, returnedBets: [{ betId: 'a-field', amount: 15 }] });
    await step(RecordBet, bet(g1, 'a-field', ann, 'field', 15), 'bet-a-field');
    await step(SeatPlayer, seatAnn, 'join-ann'); // the old join's seat step again: a replay, not a seat
    await step(SeatPlayer, { gameId: g1, playerId: ann, buyIn: 500, opId: 'join-ann-2:seat' }, 'join-ann-2');
    await step(UnseatPlayer, leaveAnn, 'leave-ann'); // the old leave again: ann stays seated
    await roll(g1, bob, [6, 6], 'roll-2'); // bob holds the dice since ann left; no bets on the layout
    await step(RecordBet, bet(g1, 'b-field-2', bob, 'field', 10), 'bet-b-field-2');
    await roll(g1, bob, [1, 2], 'roll-3', 1); // field wins on 3
    const close1 = { gameId: g1, reason: 'test over', opId: 'expire-1:close' };
    await step(CloseGame, close1, 'expire-1', 1);
    // every step of the game once more, after its end
    await step(CreateGame, create1, 'create-1');
    await step(SeatPlayer, seatAnn, 'join-ann');
    await step(RecordBet, bet(g1, 'b-field-2', bob, 'field', 10), 'bet-b-field-2');
    await step(ApplyRoll, { gameId: g1, rollIndex: rolls[0]!.rollIndex, dice: [3, 4] }, 'roll-1');
    await step(CloseGame, close1, 'expire-1');

    // game 2 stays open with a pot; game 3 opens and closes
    await step(CreateGame, { gameId: g2, createdBy: cyd, settings: {} }, 'create-2');
    await step(SeatPlayer, { gameId: g2, playerId: cyd, buyIn: 1_000, opId: 'join-cyd:seat' }, 'join-cyd', 1);
    await step(RecordBet, bet(g2, 'c-pass', cyd, 'pass', 40), 'bet-c-pass', 1);
    await roll(g2, cyd, [2, 2], 'roll-g2', 1); // point 4: the pass bet stays up
    await step(CreateGame, { gameId: g3, createdBy: bob, settings: {} }, 'create-3');
    await step(CloseGame, { gameId: g3, reason: 'test over', opId: 'expire-3:close' }, 'expire-3');
    await step(CreateGame, { gameId: g3, createdBy: bob, settings: {} }, 'create-3');

    // the live projection folds all of EVT and checkpoints it
    const lastSeq = (await (await jetstreamManager(nc)).streams.info(STREAMS.events.name)).state.last_seq;
    const live = async () => {
      const r = await client.query(GetStats, {});
      if (!r.ok) throw new Error(r.message);
      return r.stats;
    };
    await waitFor(async () => (await live()).eventsFolded >= lastSeq, { what: 'the live projection to fold every event' });
    await waitFor(async () => ((await rebuildStats(nc)).live?.lastSeq ?? 0) >= lastSeq, { what: 'the checkpoint to catch up' });

    const { identical, rebuilt } = await rebuildStats(nc);
    expect(identical).toBe(true);

    const resolutions = rolls.flatMap((r) => r.resolutions);
    const figures = await live();
    expect(figures).toMatchObject({
      totalGames: 3,
      activeGames: 1,
      closedGames: 2,
      totalRolls: rolls.length,
      // a-pass, b-field, a-field, b-field-2, c-pass (b-gone was compensated)
      totalBets: 5,
      totalVolume: 50 + 20 + 15 + 10 + 40,
      outcomes: {
        win: resolutions.filter((r) => r.outcome === 'win').length,
        lose: resolutions.filter((r) => r.outcome === 'lose').length,
        push: resolutions.filter((r) => r.outcome === 'push').length,
      },
      houseProfit: resolutions.reduce((sum, r) => sum + (r.outcome === 'lose' ? r.amount : r.outcome === 'win' ? -r.payout : 0), 0),
      // ann and bob at game 1, then cyd at game 2 while game 1 was closed
      peakPlayers: 2,
      seatedPlayers: 1,
      // a-pass, b-field and b-gone before its removal
      largestPot: 100,
    });
    expect(rolls).toHaveLength(4);
    expect(resolutions.map((r) => [r.betId, r.outcome])).toEqual([['a-pass', 'win'], ['b-field', 'lose'], ['b-field-2', 'win']]);
    expect(Object.values(figures.diceTotals).reduce((a, b) => a + b, 0)).toBe(4);
    expect(figures.diceTotals).toMatchObject({ '3': 1, '4': 1, '7': 1, '12': 1 });
    // the pot of the open game: cyd's pass bet
    expect(Object.keys(rebuilt.games)).toEqual([g2]);
    expect(rebuilt.games[g2]).toMatchObject({ pot: 40, bets: { 'c-pass': 40 }, lastRoll: 1 });
  });
});
