import { randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { StartBet, StartJoin, StartLeave, StartRoll, type CommandDef } from '@bitcraps/contracts';
import { connectNats, JetStreamClientProxy } from '@bitcraps/messaging';
import type { SagaState } from '@bitcraps/saga';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { consensusService } from '../../consensus/src/consensus.service';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { chipTotals, gatewayApi, sagaEnd, sagasQuiescent } from './e2e.helpers';

/**
 * The orchestrator killed (SIGKILL, a real child process) between any two steps of a
 * join, a bet, a roll and a leave: for each step k of each saga, the process dies the
 * moment step k is stored as started (its command about to go out, or gone), a new
 * orchestrator process resumes the saga, and the saga completes with the books exact:
 * the wallet, the stack and the layout are what one run of it gives, and the audit
 * balances. The deterministic simulation does this at every store call under every
 * fault; this is the same promise on real NATS JetStream, Redis and processes.
 */
describe('orchestrator killed between any two steps', () => {
  let infra: Infrastructure;
  let env: Record<string, string>;
  const services: ServiceApp[] = [];
  let base: string;
  let bus: JetStreamClientProxy;
  let nc: NatsConnection;
  let orchestrator: ServiceProcess;
  let sagas: KV;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    env = { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, LOG_LEVEL: 'warn', RATE_LIMITS: 'off', REQUEST_TIMEOUT_MS: '5000', SAGA_STALE_MS: '3000', SAGA_SCAN_MS: '1000' };
    const inProcess = { ...process.env, ...env, HTTP_PORT: '0', GATEWAY_PORT: '' };
    for (const def of [playerService, lifecycleService, treasuryService, consensusService]) services.push(await createServiceApp(def as never, inProcess));
    const gateway = await createServiceApp(gatewayService, inProcess);
    services.push(gateway);
    base = gateway.url;
    bus = new JetStreamClientProxy({ url: infra.natsUrl, name: 'steps-e2e', timeoutMs: 30_000 });
    nc = await connectNats(infra.natsUrl, 'steps-e2e-watch');
    orchestrator = new ServiceProcess('orchestrator', await freePort(), env);
    await orchestrator.start();
    sagas = await new Kvm(nc).open('sagas');
  });

  afterAll(async () => {
    await orchestrator?.kill('SIGKILL');
    await bus?.close();
    await nc?.drain().catch(() => undefined);
    for (const s of services.reverse()) await s.close();
    await infra?.stop();
  });

  // a test that failed with the orchestrator dead must not fail every test after it
  afterEach(async () => {
    if (!orchestrator.running) await orchestrator.start();
  });

  const { call, register } = gatewayApi(() => base);
  const wallet = async (p: { token: string }) => (await call('GET', '/v1/players/me', undefined, p.token)).body.balance as number;
  const game = async (gameId: string, token: string) => (await call('GET', `/v1/games/${gameId}`, undefined, token)).body;

  /**
   * Starts a saga and SIGKILLs the orchestrator the moment its step `k` is stored as
   * started; restarts it and waits for the saga to end. Returns the stored end state.
   */
  async function killAtStep(def: CommandDef, payload: { sagaId: string } & Record<string, unknown>, k: number): Promise<SagaState<any>> {
    const watch = await sagas.watch({ key: payload.sagaId });
    let killed: Promise<unknown> | null = null;
    const seen = (async () => {
      for await (const e of watch) {
        if (e.operation !== 'PUT') continue;
        const s = e.json<SagaState<any>>();
        if (s.steps[k]?.status === 'started' || s.status !== 'running') {
          killed = orchestrator.kill('SIGKILL');
          return s;
        }
      }
      return null;
    })();
    // the process may die between storing the saga and answering the command: the
    // answer then comes from the restarted orchestrator (the command is redelivered)
    const answered = bus.command(def as never, payload as never, { timeoutMs: 60_000 });
    answered.catch(() => undefined);
    const atKill = await seen;
    watch.stop();
    await killed;
    // the saga had not ended when the process died: step k, or one just after it, was in flight
    expect(atKill?.status).toBe('running');
    const stored = (await sagas.get(payload.sagaId))!.json<SagaState<any>>();
    expect({ status: stored.status, doneBefore: stored.steps.slice(0, k).every((s) => s.status === 'done') }).toEqual({ status: 'running', doneBefore: true });
    await orchestrator.start();
    const end = await sagaEnd(sagas, payload.sagaId, 60_000, `saga ${payload.sagaId} to end after the kill at step ${k}`);
    expect(await answered).toMatchObject({ ok: true, sagaId: payload.sagaId });
    return end;
  }

  async function balanced() {
    await sagasQuiescent(bus, 200);
    const c = await chipTotals(bus);
    if (!c) throw new Error('audit unavailable');
    expect(c.held).toBe(c.put);
  }

  const sagaId = () => `s_${randomUUID()}`;

  it.each([0, 1, 2, 3, 4])('a join killed at step %i completes: debited once, seated once with its stack', async (k) => {
    const owner = await register(0);
    const gameId = (await call('POST', '/v1/games', {}, owner.token)).body.gameId as string;
    const p = await register(500);
    const end = await killAtStep(StartJoin, { sagaId: sagaId(), gameId, playerId: p.playerId, buyIn: 120 }, k);
    expect({ status: end.status, steps: end.steps.map((s) => s.status) }).toEqual({ status: 'completed', steps: ['done', 'done', 'done', 'done', 'done'] });
    expect(await wallet(p)).toBe(380);
    expect((await game(gameId, owner.token)).players).toEqual([{ playerId: p.playerId, stack: 120 }]);
    await balanced();
  });

  describe('at a table with a seated shooter', () => {
    let owner: { playerId: string; token: string };
    let gameId: string;
    let shooter: { playerId: string; token: string };

    beforeAll(async () => {
      owner = await register(0);
      gameId = (await call('POST', '/v1/games', {}, owner.token)).body.gameId as string;
      shooter = await register(1_000);
      expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 600 }, shooter.token)).status).toBe(200);
    });

    it.each([0, 1, 2])('a bet killed at step %i completes: the stake on the layout once, off the stack once', async (k) => {
      const before = (await game(gameId, owner.token)) as { players: Array<{ stack: number }>; bets: unknown[] };
      const betId = `b_${randomUUID()}`;
      const end = await killAtStep(StartBet, { sagaId: sagaId(), gameId, playerId: shooter.playerId, betId, type: 'field', amount: 7 }, k);
      expect(end.status).toBe('completed');
      const after = await game(gameId, owner.token);
      expect(after.bets.filter((b: { betId: string }) => b.betId === betId)).toEqual([expect.objectContaining({ betId, amount: 7, type: 'field' })]);
      expect(after.bets).toHaveLength(before.bets.length + 1);
      expect(after.players[0].stack).toBe(before.players[0]!.stack - 7);
      await balanced();
    });

    it.each([0, 1, 2, 3, 4])('a roll killed at step %i completes: one roll applied, every resolution settled', async (k) => {
      const before = await game(gameId, owner.token);
      const end = await killAtStep(StartRoll, { sagaId: sagaId(), gameId, playerId: shooter.playerId }, k);
      expect(end.status).toBe('completed');
      const after = await game(gameId, owner.token);
      expect(after.rollCount).toBe(before.rollCount + 1);
      await balanced();
    });
  });

  it.each([0, 1, 2, 3, 4, 5])('a leave killed at step %i completes: the whole stack back in the wallet, once', async (k) => {
    const owner = await register(0);
    const gameId = (await call('POST', '/v1/games', {}, owner.token)).body.gameId as string;
    const p = await register(300);
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 200 }, p.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'field', amount: 5 }, p.token)).status).toBe(200);
    const end = await killAtStep(StartLeave, { sagaId: sagaId(), gameId, playerId: p.playerId }, k);
    expect(end).toMatchObject({ status: 'completed', ctx: { returned: 200 } });
    expect(await wallet(p)).toBe(300);
    expect((await game(gameId, owner.token)).players).toEqual([]);
    await balanced();
  });
});
