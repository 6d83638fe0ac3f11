import { Body, Controller, Get, HttpCode, Module, Post, Req, Res, UseGuards } from '@nestjs/common';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { waitFor } from '@bitcraps/messaging';
import type { Express, Request, Response as ExpressResponse } from 'express';
import { idempotentId } from '../src/idempotency/idempotent-id';
import { answerIsNotFinal } from '../src/idempotency/idempotency.interceptor';
import { gatewayService } from '../src/gateway.service';
import { GatewayModule } from '../src/gateway.module';
import { AuthGuard, CurrentPlayer } from '../src/auth/auth.guard';
import { AdminGuard } from '../src/auth/admin.guard';
import { issueToken } from '../src/auth/bearer-token';
import { ApiError } from '../src/http/api-error';
import { ROUTES } from '../src/docs/routes';
import { openApiPath } from '../src/docs/openapi';
import { registeredRoutes, undocumentedRoutes } from '../src/docs/docs';

/**
 * The gateway's cross-cutting features through HTTP: a real gateway (in this process)
 * over a private NATS and Redis, the player service as a child process, and probe
 * routes that count their effects.
 */
const probe = { calls: 0, gate: Promise.resolve(), open: (): void => undefined, script: [] as Array<'try-again' | 'undone' | 'unknown' | 'running' | 'done'> };
function closeGate() {
  probe.gate = new Promise<void>((resolve) => (probe.open = resolve));
}

@Controller('v1/probe')
class ProbeController {
  @Post('effects')
  @HttpCode(201)
  effect(@Body() body: unknown) {
    probe.calls++;
    return { call: probe.calls, body: body ?? null };
  }

  @Post('player-effects')
  @UseGuards(AuthGuard)
  effectOfPlayer(@CurrentPlayer() playerId: string) {
    probe.calls++;
    return { call: probe.calls, playerId };
  }

  @Post('slow')
  async slow() {
    const call = ++probe.calls;
    await probe.gate;
    return { call };
  }

  @Post('refuse')
  refuse() {
    probe.calls++;
    throw new ApiError('INSUFFICIENT_BALANCE', `refusal number ${probe.calls}`);
  }

  @Post('boom')
  boom() {
    probe.calls++;
    throw new Error('outage');
  }

  @Post('accepted')
  @HttpCode(202)
  accepted() {
    probe.calls++;
  }

  /** Answers as `probe.script` says, with the saga id it would start (derived from the Idempotency-Key). */
  @Post('saga')
  saga(@Req() req: Request, @Res({ passthrough: true }) res: ExpressResponse) {
    probe.calls++;
    const sagaId = idempotentId(req, 's');
    const next = probe.script.shift() ?? 'done';
    if (next === 'try-again') throw new ApiError('TRY_AGAIN', `not now (${sagaId})`);
    if (next === 'undone') throw ApiError.undone('SERVICE_UNAVAILABLE', `undone (${sagaId})`);
    if (next === 'unknown') throw new ApiError('SERVICE_UNAVAILABLE', `no answer (${sagaId})`);
    if (next === 'running') {
      res.status(202);
      answerIsNotFinal(res);
      return { sagaId, status: 'running' };
    }
    return { sagaId, status: 'completed', call: probe.calls };
  }

  @Get('admin')
  @UseGuards(AdminGuard)
  admin() {
    return { admin: true };
  }
}

@Module({ imports: [GatewayModule], controllers: [ProbeController] })
class ProbeGatewayModule {}

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123';
const TOKEN_SECRET = 'test-token-secret-0123456789abcdef0123';

describe('gateway cross-cutting features over HTTP', () => {
  let infra: Infrastructure;
  let player: ServiceProcess;
  const apps: ServiceApp[] = [];
  let base: string; // normal gateway: rate limits off
  let limited: string; // tight rate limits
  let impatient: string; // short request timeout, no admin token
  let real: ServiceApp; // the gateway as it ships
  let crowded: string; // a tight per-address window; X-Forwarded-For believed (one proxy)

  beforeAll(async () => {
    infra = await Infrastructure.start();
    const env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'fatal', TOKEN_SECRET, ADMIN_TOKEN };
    player = new ServiceProcess('player', await freePort(), { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl });
    const probeGateway = { ...gatewayService, module: ProbeGatewayModule };
    // the child first: an app on port 0 could otherwise take the port picked for it
    await player.start();
    const [a, b, c, d, e] = await Promise.all([
      createServiceApp(probeGateway, { ...env, RATE_LIMITS: 'off' }),
      createServiceApp(probeGateway, { ...env, RATE_LIMITS: 'general=3,joins=1,bets=2,rolls=1,burst=1', REQUEST_TIMEOUT_MS: '300' }),
      createServiceApp(probeGateway, { ...env, RATE_LIMITS: 'off', REQUEST_TIMEOUT_MS: '300', ADMIN_TOKEN: '' }),
      createServiceApp(gatewayService, env),
      createServiceApp(probeGateway, { ...env, RATE_LIMITS: 'general=5,ip=6,burst=1', TRUST_PROXY_HOPS: '1' }),
    ]);
    apps.push(a, b, c, d, e);
    [base, limited, impatient, real, crowded] = [a.url, b.url, c.url, d, e.url];
  });

  afterAll(async () => {
    probe.open();
    for (const app of apps) await app.close();
    await player?.kill('SIGTERM');
    await infra?.stop();
  });

  const post = (url: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();
  const key = (k: string) => ({ 'idempotency-key': k });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  let keys = 0;
  const freshKey = () => `key-${Date.now()}-${++keys}`;

  async function register(name: string, headers: Record<string, string> = {}, on = base) {
    const res = await post(`${on}/v1/players`, { name, deposit: 100 }, headers);
    return { res, body: (await json(res)) as { playerId: string; token: string; balance: number } };
  }

  describe('bearer tokens', () => {
    it('registration answers a JWT that expires in 24 hours and opens /v1/players/me', async () => {
      const { res, body } = await register('Ann');
      expect(res.status).toBe(201);
      const [header, payload] = body.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
      expect(payload).toMatchObject({ sub: body.playerId });
      expect(payload.exp - payload.iat).toBe(86_400);
      const me = await fetch(`${base}/v1/players/me`, { headers: bearer(body.token) });
      expect(me.status).toBe(200);
      expect(await json(me)).toEqual({ playerId: body.playerId, name: 'Ann', balance: 100 });
    });

    it('answers 401 UNAUTHORIZED for an expired, a forged or another secret’s token', async () => {
      const { body } = await register('Bo');
      const expired = await issueToken(TOKEN_SECRET, body.playerId, 60, Date.now() - 120_000);
      const otherSecret = await issueToken('another-secret-0123456789abcdef0123', body.playerId);
      const [h, p, s] = body.token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const otherPlayer = [h, Buffer.from(JSON.stringify({ ...claims, sub: 'p_00000000-0000-4000-8000-000000000009' })).toString('base64url'), s].join('.');
      for (const [token, message] of [
        [expired, /expired/],
        [otherSecret, /invalid/],
        [otherPlayer, /invalid/],
        ['garbage', /invalid/],
      ] as const) {
        const res = await fetch(`${base}/v1/players/me`, { headers: bearer(token) });
        expect(res.status).toBe(401);
        expect((await json(res)).error).toEqual({ code: 'UNAUTHORIZED', message: expect.stringMatching(message) });
      }
    });
  });

  describe('admin token', () => {
    it('401 without a bearer token, 403 with a wrong one (or a player’s), 200 with ADMIN_TOKEN', async () => {
      const { body } = await register('Cy');
      const statuses: number[] = [];
      for (const headers of [{}, bearer('wrong'), bearer(body.token), bearer(ADMIN_TOKEN)]) {
        statuses.push((await fetch(`${base}/v1/probe/admin`, { headers })).status);
      }
      expect(statuses).toEqual([401, 403, 403, 200]);
    });

    it('403 for everyone when ADMIN_TOKEN is not set', async () => {
      const res = await fetch(`${impatient}/v1/probe/admin`, { headers: bearer(ADMIN_TOKEN) });
      expect(res.status).toBe(403);
      expect((await json(res)).error).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/ADMIN_TOKEN is not set/) });
    });
  });

  describe('request bodies', () => {
    const raw = (url: string, body: string, contentType: string | null, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers }, body });

    it('a body that is not JSON is 415 UNSUPPORTED_MEDIA_TYPE and runs nothing, with or without an Idempotency-Key', async () => {
      const k = freshKey();
      const before = probe.calls;
      for (const [contentType, headers] of [['text/plain', {}], ['application/x-www-form-urlencoded', {}], [null, {}], ['text/plain', key(k)]] as const) {
        const res = await raw(`${base}/v1/probe/effects`, '{"a":1}', contentType, headers);
        expect(res.status).toBe(415);
        expect(await json(res)).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/must be JSON/) } });
      }
      expect(probe.calls).toBe(before);
      // the refusal took no claim on the key
      expect((await post(`${base}/v1/probe/effects`, { a: 1 }, key(k))).status).toBe(201);
      // no body at all, whatever its declared type, and JSON types run
      expect((await raw(`${base}/v1/probe/effects`, '', 'text/plain')).status).toBe(201);
      expect((await raw(`${base}/v1/probe/effects`, '{"a":1}', 'application/merge-patch+json; charset=utf-8')).status).toBe(201);
      expect(probe.calls).toBe(before + 3);
    });

    it('the shipped routes refuse a non-JSON body before they act: no game is created with default settings', async () => {
      const { body: ann } = await register('Ola', {}, real.url);
      for (const path of ['/v1/games', '/v1/games/g_00000000-0000-4000-8000-000000000003/roll', '/v1/games/g_00000000-0000-4000-8000-000000000003/leave']) {
        const res = await raw(`${real.url}${path}`, '{"maxPlayers":2}', 'text/plain', bearer(ann.token));
        expect({ path, status: res.status, code: (await json(res)).error.code }).toEqual({ path, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      }
    });

    it('/roll and /leave take no body: anything in one is 400 VALIDATION_FAILED, not ignored', async () => {
      const { body: ann } = await register('Pia', {}, real.url);
      const game = `${real.url}/v1/games/g_00000000-0000-4000-8000-000000000004`;
      for (const [path, body] of [['roll', { dice: [6, 6] }], ['leave', { reason: 'x' }], ['roll', []], ['leave', 'x']] as const) {
        const res = await post(`${game}/${path}`, body, bearer(ann.token));
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('Idempotency-Key on every POST', () => {
    it('the same key and body answer the first answer (status and body) and run once', async () => {
      const k = freshKey();
      const before = probe.calls;
      const first = await post(`${base}/v1/probe/effects`, { a: 1, b: [1, 2] }, key(k));
      const again = await post(`${base}/v1/probe/effects`, { b: [1, 2], a: 1 }, key(k));
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(await json(again)).toEqual(await json(first));
      expect(probe.calls).toBe(before + 1);
    });

    it('the same key with another body, or on another endpoint, is 409 IDEMPOTENCY_KEY_REUSED and runs nothing', async () => {
      const k = freshKey();
      await post(`${base}/v1/probe/effects`, { a: 1 }, key(k));
      const before = probe.calls;
      for (const res of [await post(`${base}/v1/probe/effects`, { a: 2 }, key(k)), await post(`${base}/v1/probe/accepted`, undefined, key(k))]) {
        expect(res.status).toBe(409);
        expect((await json(res)).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      }
      expect(probe.calls).toBe(before);
    });

    it('without a key every POST runs; GETs ignore the header', async () => {
      const before = probe.calls;
      await post(`${base}/v1/probe/effects`, { a: 1 });
      await post(`${base}/v1/probe/effects`, { a: 1 });
      expect(probe.calls).toBe(before + 2);
      expect((await fetch(`${base}/v1/probe/admin`, { headers: { ...key('x'), ...bearer(ADMIN_TOKEN) } })).status).toBe(200);
      expect((await fetch(`${base}/v1/probe/admin`, { headers: { ...key('x'), ...bearer(ADMIN_TOKEN) } })).status).toBe(200);
    });

    it('refuses a malformed key with 400 and runs nothing', async () => {
      const before = probe.calls;
      for (const k of ['x'.repeat(201), 'caf\u00e9']) {
        const res = await post(`${base}/v1/probe/effects`, {}, { 'idempotency-key': k });
        expect(res.status).toBe(400);
        expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
      }
      expect(probe.calls).toBe(before);
    });

    it('keys belong to a player: another player’s same key is another request', async () => {
      const [ann, bo] = [(await register('Dee')).body, (await register('Eve')).body];
      const k = freshKey();
      const a1 = await json(post(`${base}/v1/probe/player-effects`, {}, { ...key(k), ...bearer(ann.token) }));
      const b1 = await json(post(`${base}/v1/probe/player-effects`, {}, { ...key(k), ...bearer(bo.token) }));
      const a2 = await json(post(`${base}/v1/probe/player-effects`, {}, { ...key(k), ...bearer(ann.token) }));
      expect(a1.playerId).toBe(ann.playerId);
      expect(b1.playerId).toBe(bo.playerId);
      expect(b1.call).toBe(a1.call + 1);
      expect(a2).toEqual(a1);
    });

    it('stores a refusal (4xx) as the first answer; gives the key up after a 5xx so a retry runs', async () => {
      const k1 = freshKey();
      const before = probe.calls;
      const r1 = await post(`${base}/v1/probe/refuse`, {}, key(k1));
      const r2 = await post(`${base}/v1/probe/refuse`, {}, key(k1));
      expect([r1.status, r2.status]).toEqual([422, 422]);
      expect(await json(r2)).toEqual(await json(r1));
      expect(probe.calls).toBe(before + 1);
      const k2 = freshKey();
      expect((await post(`${base}/v1/probe/boom`, {}, key(k2))).status).toBe(500);
      expect((await post(`${base}/v1/probe/boom`, {}, key(k2))).status).toBe(500);
      expect(probe.calls).toBe(before + 3);
    });

    it('does not keep answers that are not final: TRY_AGAIN and an undone saga run again with fresh ids, an unknown outcome with the same', async () => {
      const k = freshKey();
      const before = probe.calls;
      const idOf = async (res: Response) => /\((s_[^)]+)\)/.exec((await json(res)).error.message)![1];
      probe.script = ['try-again', 'unknown', 'undone', 'done'];
      const notNow = await post(`${base}/v1/probe/saga`, {}, key(k));
      expect(notNow.status).toBe(409);
      const first = await idOf(notNow);
      const unknown = await post(`${base}/v1/probe/saga`, {}, key(k));
      expect(unknown.status).toBe(503);
      const second = await idOf(unknown);
      const undone = await post(`${base}/v1/probe/saga`, {}, key(k));
      expect(undone.status).toBe(503);
      expect(await idOf(undone)).toBe(second); // the outcome was unknown: the same saga again
      const done = await post(`${base}/v1/probe/saga`, {}, key(k));
      expect(done.status).toBe(201);
      const final = await json(done);
      expect(new Set([first, second, final.sagaId]).size).toBe(3); // after "not now" and "undone": fresh ids
      expect(probe.calls).toBe(before + 4);
      // the final answer is kept
      const replay = await post(`${base}/v1/probe/saga`, {}, key(k));
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await json(replay)).toEqual(final);
      expect(probe.calls).toBe(before + 4);
    });

    it('a 202 "running" is not kept: a retry runs with the same saga id and its final answer is kept', async () => {
      const k = freshKey();
      const before = probe.calls;
      probe.script = ['running', 'running', 'done'];
      const answers = [];
      for (let i = 0; i < 4; i++) {
        const res = await post(`${base}/v1/probe/saga`, {}, key(k));
        answers.push({ http: res.status, replayed: res.headers.get('idempotent-replayed'), ...(await json(res)) });
      }
      expect(answers.map((a) => [a.http, a.status, a.call, a.replayed])).toEqual([
        [202, 'running', undefined, null],
        [202, 'running', undefined, null],
        [201, 'completed', before + 3, null],
        [201, 'completed', before + 3, 'true'],
      ]);
      expect(new Set(answers.map((a) => a.sagaId)).size).toBe(1);
      expect(probe.calls).toBe(before + 3);
    });

    it('replays an answer without a body (202)', async () => {
      const k = freshKey();
      const first = await post(`${base}/v1/probe/accepted`, undefined, key(k));
      const again = await post(`${base}/v1/probe/accepted`, undefined, key(k));
      expect([first.status, again.status]).toEqual([202, 202]);
      expect(await again.text()).toBe('');
    });

    it('concurrent requests with one key run once: the others wait for the first answer', async () => {
      const k = freshKey();
      closeGate();
      const before = probe.calls;
      const answers = Array.from({ length: 5 }, () => post(`${base}/v1/probe/slow`, {}, key(k)));
      await waitFor(() => probe.calls === before + 1, { what: 'the first request to run' });
      probe.open();
      const results = await Promise.all(answers.map(async (r) => ({ status: (await r).status, body: await json(r) })));
      expect(results).toEqual(Array(5).fill({ status: 201, body: { call: before + 1 } }));
      expect(probe.calls).toBe(before + 1);
    });

    it('a waiting request gives up with 409 CONFLICT (in progress) and Retry-After when the first takes too long', async () => {
      const k = freshKey();
      closeGate();
      const before = probe.calls;
      const first = post(`${impatient}/v1/probe/slow`, {}, key(k));
      await waitFor(() => probe.calls === before + 1, { what: 'the first request to run' });
      const second = await post(`${impatient}/v1/probe/slow`, {}, key(k));
      expect(second.status).toBe(409);
      expect(second.headers.get('retry-after')).toBe('1');
      expect((await json(second)).error).toEqual({ code: 'CONFLICT', message: expect.stringMatching(/in progress/) });
      probe.open();
      expect((await first).status).toBe(201);
      expect(probe.calls).toBe(before + 1);
    });

    it('registration: a retried POST /v1/players with its key gets the same player and token, not a second account', async () => {
      const k = freshKey();
      const first = await register('Fay', key(k));
      const again = await register('Fay', key(k));
      expect(again.res.status).toBe(201);
      expect(again.body).toEqual(first.body);
      const other = await register('Fay', key(freshKey()));
      expect(other.body.playerId).not.toBe(first.body.playerId);
    });
  });

  describe('rate limits', () => {
    it('per player: over the general limit answers 429 RATE_LIMITED with Retry-After; others are not affected', async () => {
      const ann = (await register('Gus')).body; // counted against this client's IP, not Gus
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited}/v1/players/me`, { headers: bearer(ann.token) })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await fetch(`${limited}/v1/players/me`, { headers: bearer(ann.token) });
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await json(refused)).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/too many requests/) } });
      // another player, and the bets class of the same player, still pass
      const bo = (await register('Hal')).body;
      expect((await fetch(`${limited}/v1/players/me`, { headers: bearer(bo.token) })).status).toBe(200);
      expect((await post(`${limited}/v1/games/g_00000000-0000-4000-8000-000000000001/bets`, {}, bearer(ann.token))).status).not.toBe(429);
    });

    it('joins, bets and rolls have their own limits', async () => {
      const ann = (await register('Ida')).body;
      const game = `${limited}/v1/games/g_00000000-0000-4000-8000-000000000002`;
      const statusesOf = async (path: string, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await post(`${game}/${path}`, {}, bearer(ann.token))).status);
        return out.map((s) => (s === 429 ? 429 : 'passed'));
      };
      expect(await statusesOf('join', 2)).toEqual(['passed', 429]);
      expect(await statusesOf('bets', 3)).toEqual(['passed', 'passed', 429]);
      const roll = await post(`${game}/roll`, {}, bearer(ann.token));
      expect(roll.status).not.toBe(429);
      const refused = await post(`${game}/roll`, {}, bearer(ann.token));
      expect(refused.status).toBe(429);
      expect((await json(refused)).error.message).toMatch(/too many roll requests/);
    });

    it('per address as well: many accounts behind one IP share its window (TRUST_PROXY_HOPS decides the IP)', async () => {
      const players = [];
      for (const name of ['Jo', 'Kai', 'Lu']) players.push((await register(name)).body);
      const me = (token: string, ip: string) => fetch(`${crowded}/v1/players/me`, { headers: { ...bearer(token), 'x-forwarded-for': ip } });
      const statuses: number[] = [];
      // each player stays within their own general limit (5): two requests apiece, six from the address
      for (const p of players) for (let i = 0; i < 2; i++) statuses.push((await me(p.token, '10.9.0.1')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      const refused = await me(players[0].token, '10.9.0.1');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await json(refused)).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/too many requests from this address/) } });
      // a fresh account from that address is refused too; the same player from another address is served
      const fresh = (await register('Mo')).body;
      expect((await me(fresh.token, '10.9.0.1')).status).toBe(429);
      expect((await me(players[0].token, '10.9.0.2')).status).toBe(200);
    });

    it('without a valid token the client’s IP is the subject; health, metrics and docs are never limited', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(`${limited}/v1/players/me`, { headers: bearer(`forged-${i}`) })).status);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.slice(-1)).toEqual([429]);
      for (let i = 0; i < 5; i++) {
        for (const path of ['/health/live', '/metrics', '/docs/openapi.json']) expect((await fetch(`${limited}${path}`)).status).toBe(200);
      }
    });
  });

  describe('OpenAPI document', () => {
    it('every route the shipped gateway registers is documented, and the document shows exactly those', async () => {
      const instance = real.app.getHttpAdapter().getInstance() as Express;
      expect(undocumentedRoutes(instance)).toEqual([]);
      const doc = await json(fetch(`${real.url}/docs/openapi.json`));
      const served = registeredRoutes(instance).map((r) => `${r.method} ${openApiPath(r.path)}`);
      const documented = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
      expect(documented.sort()).toEqual([...new Set(served)].sort());
      for (const r of ['post /v1/players', 'get /v1/players/me', 'post /v1/games', 'get /v1/games/{gameId}', 'get /v1/stats']) expect(documented).toContain(r);
      expect(doc.openapi).toBe('3.1.0');
      // the table holds no row for a route nobody registers twice
      expect(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTES.length);
    });

    it('serves a page at /docs without external assets', async () => {
      const res = await fetch(`${real.url}/docs`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const page = await res.text();
      expect(page).toContain('/v1/players');
      expect(page).not.toMatch(/<script|src="http/);
    });
  });
});
