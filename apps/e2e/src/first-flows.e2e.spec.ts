import { Infrastructure } from '@bitcraps/testing';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { gatewayService } from '../../gateway/src/gateway.service';
import { playerService } from '../../player/src/player.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { statsService } from '../../stats/src/stats.service';
import { waitFor } from '@bitcraps/messaging';

/**
 * The first flows end to end: a real gateway, player and lifecycle (in this process,
 * on their own HTTP ports) over NATS JetStream and Redis that the harness started.
 */
describe('gateway: players and games end to end', () => {
  let infra: Infrastructure;
  const services: ServiceApp[] = [];
  let base: string;

  beforeAll(async () => {
    // a private NATS: the fixed stream names (CMD, EVT) must not meet other suites'
    infra = await Infrastructure.start();
    const env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', FAUCET_MAX: '1000000', GATEWAY_PORT: '' };
    services.push(await createServiceApp(playerService, env));
    services.push(await createServiceApp(lifecycleService, env));
    services.push(await createServiceApp(statsService, env));
    const gateway = await createServiceApp(gatewayService, env);
    services.push(gateway);
    base = gateway.url;
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.close();
    await infra.stop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers });
  const json = async (res: Response): Promise<any> => res.json();
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function register(name = 'Ann', deposit?: number) {
    const res = await post('/v1/players', deposit === undefined ? { name } : { name, deposit });
    expect(res.status).toBe(201);
    return (await res.json()) as { playerId: string; token: string; balance: number };
  }

  it('registers a player with the faucet deposit and shows the wallet', async () => {
    const p = await register('Ann', 2_500);
    expect(p).toEqual({ playerId: expect.stringMatching(/^p_/), token: expect.any(String), balance: 2_500 });
    const me = await get('/v1/players/me', bearer(p.token));
    expect(me.status).toBe(200);
    expect(await json(me)).toEqual({ playerId: p.playerId, name: 'Ann', balance: 2_500 });
  });

  it('registers with a zero balance when no deposit is given', async () => {
    expect((await register('Bo')).balance).toBe(0);
  });

  it('creates a game with defaults and reads it back', async () => {
    const p = await register('Cy', 100);
    const created = await post('/v1/games', { maxPlayers: 6, minBet: 5, password: 'sesame' }, bearer(p.token));
    expect(created.status).toBe(201);
    const game = await json(created);
    expect(game).toMatchObject({
      gameId: expect.stringMatching(/^g_/),
      status: 'open', phase: 'come-out', point: null, shooter: null, players: [], bets: [], rollCount: 0,
      config: { maxPlayers: 6, minBet: 5, maxBet: 10_000, consensus: 'house', private: true },
    });
    expect(JSON.stringify(game)).not.toContain('sesame');
    const read = await get(`/v1/games/${game.gameId}`, bearer(p.token));
    expect(read.status).toBe(200);
    expect(await json(read)).toEqual(game);
  });

  it('accepts an empty create body', async () => {
    const p = await register('Di');
    const res = await fetch(base + '/v1/games', { method: 'POST', headers: bearer(p.token) });
    expect(res.status).toBe(201);
  });

  it('answers 404 GAME_NOT_FOUND for an unknown or malformed game id', async () => {
    const p = await register('Ed');
    for (const id of ['g_00000000-0000-4000-8000-000000000000', 'nope', '..%2F..%2Fetc']) {
      const res = await get(`/v1/games/${id}`, bearer(p.token));
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('GAME_NOT_FOUND');
    }
  });

  it('answers 401 for a missing, malformed or forged token', async () => {
    const p = await register('Fay');
    const forged = p.token.slice(0, -4) + (p.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    // the same token claiming to be another player: the signature no longer matches
    const [h, payload, sig] = p.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const otherPlayer = [h, Buffer.from(JSON.stringify({ ...claims, sub: 'p_00000000-0000-4000-8000-000000000009' })).toString('base64url'), sig].join('.');
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('garbage'), bearer(forged), bearer(otherPlayer)]) {
      for (const res of [await get('/v1/players/me', headers), await post('/v1/games', {}, headers)]) {
        expect(res.status).toBe(401);
        expect((await json(res)).error.code).toBe('UNAUTHORIZED');
      }
    }
  });

  it('answers 400 VALIDATION_FAILED with the zod issues, and changes nothing', async () => {
    const p = await register('Gus', 10);
    const bad: unknown[] = [
      {},
      { name: '' },
      { name: 'x'.repeat(41) },
      { name: 'Hal', deposit: -1 },
      { name: 'Hal', deposit: 1.5 },
      { name: 'Hal', deposit: Number.MAX_SAFE_INTEGER + 2 },
      { name: 'Hal', deposit: '100' },
      { name: 'Hal', admin: true },
      { name: { $ne: 1 } },
    ];
    for (const body of bad) {
      const res = await post('/v1/players', body);
      expect(res.status).toBe(400);
      const answer = await json(res);
      expect(answer.error.code).toBe('VALIDATION_FAILED');
      expect(answer.error.issues.length).toBeGreaterThan(0);
    }
    for (const body of [{ maxPlayers: 21 }, { minBet: 10, maxBet: 5 }, { allowedBets: ['roulette'] }, { consensus: 'chaos' }, { maxBet: 0 }, { colour: 'red' }]) {
      const res = await post('/v1/games', body, bearer(p.token));
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
    }
    const notJson = await post('/v1/players', '{"name": "trunc');
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error.code).toBe('VALIDATION_FAILED');
    // nothing moved: the wallet is as it was
    expect(await json(await get('/v1/players/me', bearer(p.token)))).toMatchObject({ balance: 10 });
  });

  it('refuses a deposit above the faucet maximum', async () => {
    const res = await post('/v1/players', { name: 'Ida', deposit: 1_000_001 });
    expect(res.status).toBe(400);
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await post('/v1/players', { name: 'Jo', padding: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('GET /v1/stats counts the games created through the API', async () => {
    const p = await register('Kim');
    const before = await json(await get('/v1/stats'));
    await post('/v1/games', {}, bearer(p.token));
    await post('/v1/games', {}, bearer(p.token));
    const after = await waitFor(async () => {
      const s = await json(await get('/v1/stats'));
      return s.totalGames === before.totalGames + 2 ? s : null;
    }, { what: 'two more games in the stats' });
    expect(after).toMatchObject({ activeGames: after.totalGames, totalRolls: 0 });
  });

  it('serves health and metrics', async () => {
    expect((await get('/health/live')).status).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({ status: 'ok', info: { nats: { status: 'up' }, redis: { status: 'up' } } });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('bitcraps_process_cpu_user_seconds_total');
  });
});
