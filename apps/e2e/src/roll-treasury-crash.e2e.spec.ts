import { randomUUID } from 'node:crypto';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { LEDGER_STREAM, LedgerEntrySchema, StartBet, StartRoll, type LedgerEntry, type RollOutcome } from '@bitcraps/contracts';
import { connectNats, JetStreamClientProxy } from '@bitcraps/messaging';
import type { SagaState } from '@bitcraps/saga';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { consensusService } from '../../consensus/src/consensus.service';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { playerService } from '../../player/src/player.service';
import { expectBooksBalanced, gatewayApi, sagaEnd } from './e2e.helpers';

/**
 * A roll saga whose settlement meets a treasury SIGKILLed (a real child process) the
 * moment the first leg of it lands on LEDGER, then restarted: the saga retries the
 * settlement (past its pivot it only moves forward), and every resolution of the roll
 * is settled exactly once on LEDGER (one closing leg per bet, one payout per win), and
 * the books balance. apps/treasury/test/crash.spec.ts does this to SettleRoll sent by
 * hand; this is the saga driving it.
 */
describe('roll saga: treasury killed mid-settlement', () => {
  let infra: Infrastructure;
  const services: ServiceApp[] = [];
  let treasury: ServiceProcess;
  let call: ReturnType<typeof gatewayApi>['call'];
  let register: ReturnType<typeof gatewayApi>['register'];
  let bus: JetStreamClientProxy;
  let nc: NatsConnection;
  let sagas: KV;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    // a short step deadline: the settlement sent to the dead treasury is sent again soon
    const env = { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, LOG_LEVEL: 'warn', RATE_LIMITS: 'off', REQUEST_TIMEOUT_MS: '5000', SAGA_STEP_TIMEOUT_MS: '2000' };
    treasury = new ServiceProcess('treasury', await freePort(), env);
    await treasury.start();
    const inProcess = { ...process.env, ...env, HTTP_PORT: '0', GATEWAY_PORT: '' };
    for (const def of [playerService, lifecycleService, consensusService, orchestratorService]) services.push(await createServiceApp(def as never, inProcess));
    const gateway = await createServiceApp(gatewayService, inProcess);
    services.push(gateway);
    ({ call, register } = gatewayApi(gateway.url));
    bus = new JetStreamClientProxy({ url: infra.natsUrl, name: 'roll-crash-e2e', timeoutMs: 30_000 });
    nc = await connectNats(infra.natsUrl, 'roll-crash-e2e-watch');
    sagas = await new Kvm(nc).open('sagas');
  }, 180_000);

  afterAll(async () => {
    await treasury?.kill('SIGKILL');
    await bus?.close();
    await nc?.drain().catch(() => undefined);
    for (const s of services.reverse()) await s.close();
    await infra?.stop();
  });

  const lastSeq = async () => (await (await jetstreamManager(nc)).streams.info(LEDGER_STREAM.name)).state.last_seq;

  /** LEDGER from `after` on, read to its current end. */
  async function ledgerAfter(after: number): Promise<LedgerEntry[]> {
    const last = await lastSeq();
    if (last <= after) return [];
    const messages = await (await jetstream(nc).consumers.get(LEDGER_STREAM.name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 })).consume();
    const out: LedgerEntry[] = [];
    for await (const m of messages) {
      const parsed = LedgerEntrySchema.safeParse(m.json());
      if (parsed.success) out.push(parsed.data);
      if (m.seq >= last) break;
    }
    await messages.close();
    return out;
  }

  it('settles each resolution of the roll exactly once, and the books balance', async () => {
    const owner = await register(0);
    const gameId = (await call('POST', '/v1/games', {}, owner.token)).body.gameId as string;
    const players = [await register(2_000), await register(2_000), await register(2_000)];
    for (const p of players) expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 1_000 }, p.token)).status).toBe(200);
    const shooter = (await call('GET', `/v1/games/${gameId}`, undefined, owner.token)).body.shooter as string;
    // one-roll bets, so every bet is resolved by this roll
    const bets = players.flatMap((p, i) => Array.from({ length: 8 }, (_, j) => ({ playerId: p.playerId, type: j % 2 ? 'any_seven' : 'field', amount: 5 + i + j })));
    const betSagas = await Promise.all(bets.map(async (b) => {
      const sagaId = `s_${randomUUID()}`;
      expect(await bus.command(StartBet, { sagaId, gameId, betId: `b_${randomUUID()}`, ...b } as never)).toMatchObject({ ok: true });
      return sagaId;
    }));
    for (const id of betSagas) expect((await sagaEnd(sagas, id)).status).toBe('completed');

    // SIGKILL the treasury when the settle step has started and the first leg of it is on LEDGER
    const start = await lastSeq();
    const sagaId = `s_${randomUUID()}`;
    const settling = (async () => {
      const watch = await sagas.watch({ key: sagaId });
      for await (const e of watch) {
        if (e.operation !== 'PUT') continue;
        const s = e.json<SagaState<any>>();
        if (s.steps[3]?.name === 'settle-roll' && s.steps[3].status === 'started') break;
        if (s.status !== 'running') throw new Error(`the roll ended (${s.status}) before its settlement`);
      }
      watch.stop();
    })();
    const legs = jetstream(nc).consumers.get(LEDGER_STREAM.name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start + 1 });
    const firstLeg = (async () => {
      const messages = await (await legs).consume();
      for await (const m of messages) {
        const parsed = LedgerEntrySchema.safeParse(m.json());
        // the game's first settlement: it saw only escrows so far
        if (parsed.success && parsed.data.opId.startsWith(`settle:${gameId}:`)) break;
      }
      await messages.close();
    })();
    expect(await bus.command(StartRoll, { sagaId, gameId, playerId: shooter })).toMatchObject({ ok: true });
    await settling;
    await firstLeg;
    await treasury.kill('SIGKILL');
    const legsAtKill = (await ledgerAfter(start)).length;
    await treasury.start();

    const end = await sagaEnd(sagas, sagaId);
    expect(end.status).toBe('completed');
    const roll = end.ctx.roll as RollOutcome;
    expect(roll.resolutions).toHaveLength(bets.length);

    const entries = (await ledgerAfter(start)).filter((e) => e.opId === `settle:${gameId}:${roll.rollIndex}`);
    expect(legsAtKill).toBeGreaterThanOrEqual(1); // it died once the settlement had begun
    const ids = entries.map((e) => (e.type === 'transfer' ? e.transferId : e.markId));
    expect(new Set(ids).size).toBe(ids.length); // nothing appended twice
    for (const r of roll.resolutions) {
      const mine = entries.filter((e) => e.type === 'transfer' && e.betId === r.betId);
      const closing = r.outcome === 'win' ? 'win-stake' : r.outcome;
      expect(mine.filter((e) => e.type === 'transfer' && e.kind === closing).map((e) => (e as { amount: number }).amount)).toEqual([r.amount]);
      expect(mine.filter((e) => e.type === 'transfer' && e.kind === 'win-payout').map((e) => (e as { amount: number }).amount)).toEqual(r.outcome === 'win' ? [r.payout] : []);
      expect(mine).toHaveLength(r.outcome === 'win' ? 2 : 1);
    }
    expect(entries).toHaveLength(roll.resolutions.length + roll.resolutions.filter((r) => r.outcome === 'win').length);

    await expectBooksBalanced(bus);
  }, 180_000);
});
