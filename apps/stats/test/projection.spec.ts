import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApplyRoll, CloseGame, CreateGame, GetStats, HEADER, RecordBet, SeatPlayer } from '@bitcraps/contracts';
import { connectNats, JetStreamClientProxy, toNatsHeaders, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { statsService } from '../src/stats.service';
import { rebuildStats } from '../src/rebuild';
import { CHECKPOINT_KEY, CheckpointStore } from '../src/checkpoint-store';
import { emptyStats } from '../src/domain/projection';

/** A lifecycle reply event as it lands on EVT (only its subject and `game.gameId` matter here). */
async function publishGameCreated(nc: NatsConnection, gameId: string, msgId = randomUUID()) {
  const body = { ok: true, game: { gameId } };
  await jetstream(nc).publish(CreateGame.replySubject, JSON.stringify(body), { msgID: msgId, headers: toNatsHeaders({ msgId, correlationId: msgId, version: 1 }) });
}

/** A lifecycle reply about a game: the game id travels in the ordering-key header, as lifecycle publishes it. */
async function publishGameReply(nc: NatsConnection, subject: string, gameId: string, body: object, correlationId: string = randomUUID()) {
  const msgId = `reply:${randomUUID()}`;
  const headers = toNatsHeaders({ msgId, correlationId, version: 1 }, { [HEADER.orderingKey]: gameId });
  await jetstream(nc).publish(subject, JSON.stringify(body), { msgID: msgId, headers });
}

/** The value of the series of `name` whose labels start with `labels`, from a Prometheus text page. */
const metricIn = (text: string) => (name: string, labels = '') => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}`));
  if (!line) throw new Error(`no metric ${name}{${labels}…} in:\n${text}`);
  return Number(line.split(' ').at(-1));
};

describe('stats projection on a real EVT stream', () => {
  let infra: Infrastructure;
  let nc: NatsConnection;
  let client: JetStreamClientProxy;
  let stats: ServiceApp;
  const env = () => ({ ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', STATS_CHECKPOINT_MS: '20' });
  const current = async () => {
    const r = await client.query(GetStats, {});
    if (!r.ok) throw new Error(r.message);
    return r.stats;
  };

  beforeAll(async () => {
    infra = await Infrastructure.start();
    stats = await createServiceApp(statsService, env());
    nc = await connectNats(infra.natsUrl, 'stats-spec');
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'stats-spec-client' });
  });
  afterAll(async () => {
    await client.close();
    await stats.close();
    await nc.drain();
    await infra.stop();
  });

  it('folds events as they arrive, resumes from its checkpoint after a restart without counting twice, and a rebuild equals it', async () => {
    for (let i = 0; i < 5; i++) await publishGameCreated(nc, `g_${i}`);
    // an unrelated event moves the position but no figure; a repeated fact changes nothing
    await jetstream(nc).publish('evt.player.something-else', '{}');
    await publishGameCreated(nc, 'g_0');
    await waitFor(async () => (await current()).eventsFolded === 7, { what: 'seven events folded' });
    expect(await current()).toMatchObject({ totalGames: 5, activeGames: 5 });

    await stats.close();
    for (let i = 5; i < 8; i++) await publishGameCreated(nc, `g_${i}`);
    stats = await createServiceApp(statsService, env());
    await waitFor(async () => (await current()).eventsFolded === 10, { what: 'the projection to resume' });
    expect(await current()).toMatchObject({ totalGames: 8 });

    // the live checkpoint catches up, then a replay from the first event gives the same state
    await waitFor(async () => (await rebuildStats(nc)).live?.lastSeq === 10, { what: 'the checkpoint at sequence 10' });
    const { identical, rebuilt } = await rebuildStats(nc);
    expect(identical).toBe(true);
    expect(rebuilt.totalGames).toBe(8);
  });

  it('starts over from the first event when the checkpoint is of an older version of the projection', async () => {
    await stats.close();
    // a version-1 checkpoint (no version, no fact identities, one value) with figures the log does not hold
    const checkpoints = await CheckpointStore.open(nc);
    const { version: _v, recent: _r, ...v1 } = emptyStats();
    await checkpoints.kv.put(CHECKPOINT_KEY, JSON.stringify({ state: { ...v1, lastSeq: 10, totalGames: 99 } }));
    stats = await createServiceApp(statsService, env());
    await waitFor(async () => (await current()).eventsFolded === 10, { what: 'the projection to fold EVT again' });
    expect(await current()).toMatchObject({ totalGames: 8, activeGames: 8 });
    await waitFor(async () => (await checkpoints.load()).state?.version === 2, { what: 'the checkpoint of this version' });
    expect((await rebuildStats(nc)).identical).toBe(true);
  });

  it('serves the figures as Prometheus metrics', async () => {
    // a seat, two bets and a roll at g_0 that resolves one of them; the other stays in the pot
    await publishGameReply(nc, SeatPlayer.replySubject, 'g_0', { ok: true, playerId: 'p_a', stack: 100, seat: 0, shooter: 'p_a' }, 'join-a');
    await publishGameReply(nc, RecordBet.replySubject, 'g_0', { ok: true, bet: { betId: 'b1', amount: 25 }, stack: 75 });
    await publishGameReply(nc, RecordBet.replySubject, 'g_0', { ok: true, bet: { betId: 'b2', amount: 5 }, stack: 70 });
    const roll = { ok: true, roll: { rollIndex: 1, dice: [3, 4], resolutions: [{ betId: 'b2', outcome: 'lose', amount: 5, payout: 0 }] } };
    await publishGameReply(nc, ApplyRoll.replySubject, 'g_0', roll);
    await publishGameReply(nc, ApplyRoll.replySubject, 'g_0', roll); // a retried step: counted once
    await waitFor(async () => (await current()).eventsFolded === 15, { what: 'the seat, bets and roll folded' });

    const text = await (await fetch(`${stats.url}/metrics`)).text();
    const metric = metricIn(text);
    expect(metric('bitcraps_games_total')).toBe(8);
    // DESIGN.md section 10: active games and the total pot (b1 is still on the layout)
    expect(metric('bitcraps_games_active')).toBe(8);
    expect(metric('bitcraps_total_pot_chips')).toBe(25);
    expect(metric('bitcraps_largest_pot_chips')).toBe(30);
    expect(metric('bitcraps_rolls_total')).toBe(1);
    expect(metric('bitcraps_players_seated')).toBe(1);
    expect(metric('bitcraps_games_closed_total')).toBe(0);
    expect(metric('bitcraps_game_length_average_ms')).toBe(0);
    expect(metric('bitcraps_games_per_second')).toBeGreaterThan(0);
    expect(metric('bitcraps_roll_outcomes_total', 'outcome="lose"')).toBe(1);
    expect(metric('bitcraps_roll_outcomes_total', 'outcome="win"')).toBe(0);
    expect(metric('bitcraps_roll_outcomes_total', 'outcome="push"')).toBe(0);
    expect(metric('bitcraps_dice_totals_total', 'total="7"')).toBe(1);
    expect(metric('bitcraps_dice_totals_total', 'total="2"')).toBe(0);
    expect(text.match(/^bitcraps_dice_totals_total\{/gm)).toHaveLength(11);
  });

  it('counts closed games and their average length', async () => {
    await publishGameReply(nc, CloseGame.replySubject, 'g_1', { ok: true, game: { gameId: 'g_1', status: 'closed' } });
    await waitFor(async () => (await current()).closedGames === 1, { what: 'the close folded' });
    const metric = metricIn(await (await fetch(`${stats.url}/metrics`)).text());
    expect(metric('bitcraps_games_closed_total')).toBe(1);
    expect(metric('bitcraps_games_active')).toBe(7);
    const { averageGameLengthMs } = await current();
    expect(averageGameLengthMs).toBeGreaterThan(0);
    expect(metric('bitcraps_game_length_average_ms')).toBe(averageGameLengthMs);
  });
});
