import { ListSagas } from '@bitcraps/contracts';
import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { consensusService } from '../../consensus/src/consensus.service';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { chipTotals, gatewayApi, sagasQuiescent } from './e2e.helpers';

/**
 * The orchestrator dies mid-saga (SIGKILL, a real child process) and comes back; two
 * orchestrators run at once. Every saga ends, and no chip is lost or made.
 */
describe('orchestrator failures', () => {
  let infra: Infrastructure;
  let env: Record<string, string>;
  const services: ServiceApp[] = [];
  let base: string;
  let bus: JetStreamClientProxy;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    env = { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, LOG_LEVEL: 'warn', RATE_LIMITS: 'off', REQUEST_TIMEOUT_MS: '1000', SAGA_STALE_MS: '3000', SAGA_SCAN_MS: '1000' };
    const inProcess = { ...process.env, ...env, HTTP_PORT: '0', GATEWAY_PORT: '' };
    for (const def of [playerService, lifecycleService, treasuryService, consensusService]) services.push(await createServiceApp(def as never, inProcess));
    const gateway = await createServiceApp(gatewayService, inProcess);
    services.push(gateway);
    base = gateway.url;
    bus = new JetStreamClientProxy({ url: infra.natsUrl, name: 'crash-e2e', timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await bus.close();
    for (const s of services.reverse()) await s.close();
    await infra.stop();
  });

  const { call, register } = gatewayApi(() => base);

  async function quiescentAndBalanced() {
    await sagasQuiescent(bus, 200);
    const c = await chipTotals(bus);
    if (!c) throw new Error('audit unavailable');
    expect(c.held).toBe(c.put);
    expect(c.audit.walletsIn - c.audit.walletsOut).toBe(c.totals.deposits - c.totals.wallets);
  }

  it('killed with SIGKILL while joins are in flight, restarted: every saga ends and the chips balance', async () => {
    const orchestrator = new ServiceProcess('orchestrator', await freePort(), env);
    await orchestrator.start();
    try {
      const owner = await register(0);
      const games = await Promise.all([1, 2, 3].map(async () => (await call('POST', '/v1/games', { maxPlayers: 5 }, owner.token)).body.gameId as string));
      const players = await Promise.all(Array.from({ length: 24 }, () => register(100)));
      // answers come back as 200, 409 or 202 (the request deadline is short on purpose)
      const joins = players.map((p, i) => call('POST', `/v1/games/${games[i % 3]}/join`, { buyIn: 30 }, p.token));
      await waitFor(async () => {
        const r = await bus.query(ListSagas, { unfinishedOnly: true }, { timeoutMs: 2_000 }).catch(() => null);
        return r?.ok && r.sagas.length > 0;
      }, { timeoutMs: 20_000, intervalMs: 5, what: 'sagas in flight' });
      await orchestrator.kill('SIGKILL');
      const answers = await Promise.all(joins);
      expect(answers.every((a) => [200, 202, 409].includes(a.status))).toBe(true);
      await orchestrator.start();
      await quiescentAndBalanced();
      // every table holds at most its 5 seats, and each seated player paid exactly once
      let seated = 0;
      for (const g of games) {
        const view = (await call('GET', `/v1/games/${g}`, undefined, owner.token)).body;
        expect(view.players.length).toBeLessThanOrEqual(5);
        seated += view.players.length;
        for (const p of view.players) expect(p.stack).toBe(30);
      }
      const balances = await Promise.all(players.map(async (p) => (await call('GET', '/v1/players/me', undefined, p.token)).body.balance as number));
      expect(balances.filter((b) => b === 70)).toHaveLength(seated);
      expect(balances.filter((b) => b === 100)).toHaveLength(24 - seated);
    } finally {
      await orchestrator.kill('SIGKILL');
    }
  });

  it('two orchestrators at once: no effect happens twice', async () => {
    const inProcess = { ...process.env, ...env, HTTP_PORT: '0', GATEWAY_PORT: '' };
    const a = await createServiceApp(orchestratorService, inProcess);
    const b = await createServiceApp(orchestratorService, inProcess);
    try {
      const owner = await register(0);
      const gameId = (await call('POST', '/v1/games', { maxPlayers: 20 }, owner.token)).body.gameId as string;
      const players = await Promise.all(Array.from({ length: 30 }, () => register(100)));
      await Promise.all(players.map((p) => call('POST', `/v1/games/${gameId}/join`, { buyIn: 40 }, p.token)));
      await quiescentAndBalanced();
      const view = (await call('GET', `/v1/games/${gameId}`, undefined, owner.token)).body;
      expect(view.players).toHaveLength(20);
      const balances = await Promise.all(players.map(async (p) => (await call('GET', '/v1/players/me', undefined, p.token)).body.balance as number));
      expect(balances.filter((x) => x === 60)).toHaveLength(20);
      expect(balances.filter((x) => x === 100)).toHaveLength(10);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
