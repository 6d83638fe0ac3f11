import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp, type ServiceDefinition } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { consensusService } from '../../consensus/src/consensus.service';
import { statsService } from '../../stats/src/stats.service';

const all: ServiceDefinition<any>[] = [gatewayService, orchestratorService, lifecycleService, playerService, treasuryService, consensusService, statsService];

describe('every service boots', () => {
  let infra: Infrastructure;
  beforeAll(async () => {
    infra = await Infrastructure.start();
  });
  afterAll(async () => {
    await infra.stop();
  });

  it('serves /health/live, /health/ready (NATS and Redis up) and /metrics, and provisions its consumer', async () => {
    const env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'warn' };
    const started: ServiceApp[] = [];
    try {
      for (const def of all) started.push(await createServiceApp(def, env));
      for (const [i, s] of started.entries()) {
        expect((await fetch(`${s.url}/health/live`)).status).toBe(200);
        const ready = await fetch(`${s.url}/health/ready`);
        expect({ service: all[i].service, status: ready.status }).toEqual({ service: all[i].service, status: 200 });
        expect(await (await fetch(`${s.url}/metrics`)).text()).toContain(`service="${all[i].service}"`);
      }
      const nc = await connectNats(infra.natsUrl, 'boot-spec');
      const jsm = await jetstreamManager(nc);
      const durables: string[] = [];
      for await (const c of jsm.consumers.list('CMD')) durables.push(c.name);
      expect(durables.sort()).toEqual(all.filter((d) => d.consumesCommands).map((d) => d.service).sort());
      await nc.drain();
    } finally {
      for (const s of started.reverse()) await s.close();
    }
  });

  it('a service as a child process: ready, killed with SIGKILL, restarted, and stopped gracefully by SIGTERM', async () => {
    const svc = new ServiceProcess('player', await freePort(), { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl });
    await svc.start();
    const firstPid = svc.pid;
    await svc.restart('SIGKILL');
    expect(svc.pid).not.toBe(firstPid);
    expect((await fetch(`${svc.baseUrl}/health/ready`)).status).toBe(200);
    expect(await svc.kill('SIGTERM')).toBe(0);
  });

  it('SIGTERM ends the open event streams (a game and the operator view) and the gateway exits 0, not by the forced exit', async () => {
    const ADMIN = 'admin-token-for-the-shutdown-test-0123456789';
    const env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'warn', HOUSE_BANKROLL: '1000000', ADMIN_TOKEN: ADMIN };
    const backends: ServiceApp[] = [];
    const gateway = new ServiceProcess('gateway', await freePort(), { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, RATE_LIMITS: 'off', ADMIN_TOKEN: ADMIN });
    try {
      for (const def of [playerService, lifecycleService, treasuryService, consensusService, orchestratorService]) backends.push(await createServiceApp(def as never, env));
      await gateway.start();
      const post = async (path: string, body: unknown, token?: string) =>
        (await (
          await fetch(gateway.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })
        ).json()) as any;
      const { token } = await post('/v1/players', { name: 'Sid', deposit: 0 });
      const { gameId } = await post('/v1/games', {}, token);
      expect(gameId).toEqual(expect.any(String));

      // opens a stream and reads until `until` shows; the rest is read to its end after SIGTERM
      const open = async (path: string, bearer: string, until: string) => {
        const res = await fetch(gateway.baseUrl + path, { headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream' } });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        let text = '';
        while (!text.includes(until)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`${path} ended before ${until}: ${text}`);
          text += Buffer.from(value).toString();
        }
        return async () => {
          // resolves when the server ends the response cleanly; rejects if it is cut
          for (;;) if ((await reader.read()).done) return 'ended';
        };
      };
      const gameEnd = await open(`/v1/games/${gameId}/events`, token, ': connected');
      const opsEnd = await open('/v1/ops/events', ADMIN, 'event: snapshot');

      const exit = gateway.kill('SIGTERM');
      await expect(gameEnd()).resolves.toBe('ended');
      await expect(opsEnd()).resolves.toBe('ended');
      expect(await exit).toBe(0);
      expect(gateway.output).not.toMatch(/shutdown took too long/);
    } finally {
      await gateway.kill();
      for (const s of backends.reverse()) await s.close();
    }
  });

  it('a bad configuration value stops the service with a message naming the variable', async () => {
    const svc = new ServiceProcess('treasury', await freePort(), { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, CONCURRENCY: 'lots', LOG_LEVEL: 'chatty' });
    await expect(svc.start(30_000)).rejects.toThrow(/exited \(78\)/);
    expect(svc.output).toMatch(/CONCURRENCY/);
    expect(svc.output).toMatch(/LOG_LEVEL/);
  });

  it('readiness recovers after Redis restarts', async () => {
    const own = await Infrastructure.start();
    const s = await createServiceApp(statsService, { ...process.env, NATS_URL: own.natsUrl, REDIS_URL: own.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'fatal' });
    try {
      expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
      await own.restartRedis();
      // ioredis reconnects on its own; ready again once it has
      await waitFor(async () => (await fetch(`${s.url}/health/ready`)).status === 200, { timeoutMs: 15_000, what: 'ready again' });
    } finally {
      await s.close();
      await own.stop();
    }
  });
});
