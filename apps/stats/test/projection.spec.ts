import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CreateGame, GetStats } from '@bitcraps/contracts';
import { connectNats, JetStreamClientProxy, toNatsHeaders, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { statsService } from '../src/stats.service';
import { rebuildStats } from '../src/rebuild';

/** A lifecycle reply event as it lands on EVT (only its subject and `game.gameId` matter here). */
async function publishGameCreated(nc: NatsConnection, gameId: string, msgId = randomUUID()) {
  const body = { ok: true, game: { gameId } };
  await jetstream(nc).publish(CreateGame.replySubject, JSON.stringify(body), { msgID: msgId, headers: toNatsHeaders({ msgId, correlationId: msgId, version: 1 }) });
}

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

  it('serves the figures as Prometheus metrics', async () => {
    const text = await (await fetch(`${stats.url}/metrics`)).text();
    expect(text).toMatch(/bitcraps_games_total\{service="stats"\} 8/);
    // DESIGN.md section 10: active games and the total pot (no bets were placed here)
    expect(text).toMatch(/bitcraps_games_active\{service="stats"\} 8/);
    expect(text).toMatch(/bitcraps_total_pot_chips\{service="stats"\} 0/);
  });
});
