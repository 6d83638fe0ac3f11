import { randomUUID } from 'node:crypto';
import { GetPlayerActivity, TouchActivity, type PlayerSession } from '@bitcraps/contracts';
import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { gatewayService } from '../src/gateway.service';

/**
 * Sessions (issue 4) through the real gateway (in this process) and player service (a
 * child process, restarted with another idle time) over a private NATS and Redis: authenticated requests count in the player's sessions, a gap longer than
 * SESSION_IDLE_MS opens a new one, and a touch delivered twice counts once. The gateway
 * touches on every request here (ACTIVITY_TOUCH_INTERVAL_MS=0); the activity is read
 * straight from the player service so that reading it is not itself activity.
 */
describe('player sessions through the gateway', () => {
  let infra: Infrastructure;
  let env: NodeJS.ProcessEnv;
  let gateway: ServiceApp;
  let player: ServiceProcess;
  let client: JetStreamClientProxy;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'fatal', RATE_LIMITS: 'off' };
    player = await startPlayer(10 * 60_000);
    gateway = await createServiceApp(gatewayService, { ...env, ACTIVITY_TOUCH_INTERVAL_MS: '0', REQUEST_TIMEOUT_MS: '2000' });
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'player-activity-test', timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await player?.kill('SIGTERM');
    await infra?.stop();
  });

  async function startPlayer(idleMs: number) {
    return new ServiceProcess('player', await freePort(), { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, SESSION_IDLE_MS: String(idleMs) }).start();
  }
  const call = (path: string, token?: string, body?: unknown) =>
    fetch(gateway.url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const register = async () => {
    const res = await call('/v1/players', undefined, { name: 'Ann', deposit: 100 });
    expect(res.status).toBe(201);
    return (await res.json()) as { playerId: string; token: string };
  };
  const activityOf = async (playerId: string) => {
    const r = await client.query(GetPlayerActivity, { playerId });
    if (!r.ok) throw new Error(r.code);
    return r;
  };
  const sessionsWhen = (playerId: string, what: string, ok: (s: PlayerSession[]) => boolean) =>
    waitFor(async () => {
      const a = await activityOf(playerId);
      return ok(a.sessions) ? a : null;
    }, { timeoutMs: 15_000, what });

  it('registration opens a session and each request extends it, moving lastActivityAt', async () => {
    const p = await register();
    const opened = await activityOf(p.playerId);
    expect(opened.sessions).toEqual([{ sessionId: 'ses-1', startedAt: opened.lastActiveAt, lastActivityAt: opened.lastActiveAt, actions: 1 }]);

    expect((await call('/v1/players/me', p.token)).status).toBe(200);
    const extended = await sessionsWhen(p.playerId, 'the request counted', (s) => s[0].actions === 2);
    expect(extended.sessions).toHaveLength(1);
    expect(Date.parse(extended.sessions[0].lastActivityAt)).toBeGreaterThan(Date.parse(opened.sessions[0].lastActivityAt));
    expect(extended.lastActiveAt).toBe(extended.sessions[0].lastActivityAt);

    // the route answers the caller's own activity, the faucet deposit in its history
    const res = await call('/v1/players/me/activity', p.token);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ playerId: p.playerId, sessions: [{ sessionId: 'ses-1' }], history: [{ kind: 'deposit', amount: 100 }] });
    expect(Object.keys(body).sort()).toEqual(['history', 'lastActiveAt', 'playerId', 'sessions']);
  });

  it('a request while the player service is down is answered, and counts once it is back', async () => {
    const p = await register();
    await player.kill('SIGTERM');
    // the route needs the player service (503); the touch waits in JetStream meanwhile
    expect((await call('/v1/players/me', p.token)).status).toBe(503);
    player = await startPlayer(10 * 60_000);
    await sessionsWhen(p.playerId, 'the touch sent while the service was down', (s) => s[0].actions === 2);
  });

  it('after a gap longer than SESSION_IDLE_MS the next request opens a second session', async () => {
    const idleMs = 300;
    await player.kill('SIGTERM');
    player = await startPlayer(idleMs);
    const p = await register();
    const first = (await activityOf(p.playerId)).sessions[0];
    // waits for the clock to pass the idle time: nothing else to wait on
    await waitFor(() => Date.now() > Date.parse(first.lastActivityAt) + idleMs + 50, { what: 'the idle time to pass' });

    expect((await call('/v1/players/me', p.token)).status).toBe(200);
    const split = await sessionsWhen(p.playerId, 'a second session', (s) => s.length === 2);
    expect(split.sessions[0]).toEqual(first);
    expect(split.sessions[1]).toMatchObject({ sessionId: 'ses-2', actions: 1 });
    expect(Date.parse(split.sessions[1].startedAt) - Date.parse(first.lastActivityAt)).toBeGreaterThan(idleMs);
  });

  it('a touch command delivered twice counts once; one for an unknown player is refused, one with a bad time fails the contract', async () => {
    const p = await register();
    const before = await activityOf(p.playerId);
    const touch = { playerId: p.playerId, activityId: `a_${randomUUID()}`, at: new Date().toISOString() };
    const first = await client.command(TouchActivity, touch);
    expect(first).toMatchObject({ ok: true, playerId: p.playerId });
    // another message id: JetStream does not drop it, the player service must
    expect(await client.command(TouchActivity, touch)).toEqual(first);
    const after = await activityOf(p.playerId);
    expect(after.sessions.reduce((n, s) => n + s.actions, 0)).toBe(before.sessions.reduce((n, s) => n + s.actions, 0) + 1);

    expect(await client.command(TouchActivity, { ...touch, activityId: `a_${randomUUID()}`, playerId: `p_${randomUUID()}` })).toMatchObject({ ok: false, code: 'PLAYER_NOT_FOUND' });
    expect(() => TouchActivity.payload.parse({ ...touch, at: 'yesterday' })).toThrow();
    expect(await activityOf(p.playerId)).toEqual(after);
  });
});
