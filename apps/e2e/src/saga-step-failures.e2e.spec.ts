import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  AddParticipant, ConfirmSeat, CreditStack, DebitWallet, EscrowBet, GetStack, GetTreasuryAudit, refuse, SeatPlayer, StartBet, StartJoin, STREAMS, SuspendGame, ValidateBet,
  type CommandDef, type ErrorCode,
} from '@bitcraps/contracts';
import { connectNats, JetStreamClientProxy, readEnvelope, toNatsHeaders, waitFor } from '@bitcraps/messaging';
import { DEFAULT_MAX_ATTEMPTS, type SagaState } from '@bitcraps/saga';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { expectBooksBalanced, gatewayApi, sagaEnd } from './e2e.helpers';

/**
 * A failure injected at each step of a join and a bet, on real NATS JetStream, Redis and
 * service processes, with no change to any service:
 * - refused: the owning service is stopped and the test answers that one command itself
 *   (bound to the service's durable consumer, replying as the service would, through the
 *   contract's reply subject), then the service is started again for the compensations;
 *   the bet's record-bet is refused by the table itself (suspended while the escrow waits);
 * - no answer: the owning process is frozen (SIGSTOP) until the step's attempts are spent
 *   (or, for a pivot and the steps after it, past that budget), then thawed (SIGCONT):
 *   the commands it held are handled late, as after a long pause.
 * Before the join's pivot (the stack credit) and at every step of a bet, the saga ends
 * `compensated` with the wallet, the stack (treasury and table), the escrow and the
 * layout as they were. From the pivot on, silence is waited out (the join completes) and
 * a refusal fails the saga for an operator with nothing undone. The audit balances always.
 */
type Service = 'player' | 'lifecycle' | 'treasury' | 'consensus';
// a service restarted from its sources may take long on a loaded machine
const START_MS = 120_000;
const TEST_MS = 60_000 + START_MS;

describe('a failure at each step of a join and of a bet', () => {
  let infra: Infrastructure;
  const procs = {} as Record<Service, ServiceProcess>;
  const paused = new Set<Service>();
  const inProcess: ServiceApp[] = [];
  let call: ReturnType<typeof gatewayApi>['call'];
  let register: ReturnType<typeof gatewayApi>['register'];
  let bus: JetStreamClientProxy;
  let nc: NatsConnection;
  let sagas: KV;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    // short step deadlines: a frozen service spends a step's attempts in a few seconds
    const env = { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, LOG_LEVEL: 'error', RATE_LIMITS: 'off', REQUEST_TIMEOUT_MS: '5000', SAGA_STEP_TIMEOUT_MS: '600' };
    await Promise.all((['player', 'lifecycle', 'treasury', 'consensus'] as const).map(async (s) => (procs[s] = await new ServiceProcess(s, await freePort(), env).start(START_MS))));
    const local = { ...process.env, ...env, HTTP_PORT: '0', GATEWAY_PORT: '' };
    inProcess.push(await createServiceApp(orchestratorService as never, local));
    const gateway = await createServiceApp(gatewayService, local);
    inProcess.push(gateway);
    ({ call, register } = gatewayApi(gateway.url));
    bus = new JetStreamClientProxy({ url: infra.natsUrl, name: 'step-failures-e2e', timeoutMs: 30_000 });
    nc = await connectNats(infra.natsUrl, 'step-failures-e2e-stub');
    sagas = await new Kvm(nc).open('sagas');
  }, 4 * START_MS);

  afterAll(async () => {
    for (const s of paused) process.kill(procs[s].pid!, 'SIGCONT');
    await Promise.all(Object.values(procs).map((p) => p.kill('SIGKILL')));
    await bus?.close();
    await nc?.drain().catch(() => undefined);
    for (const s of inProcess.reverse()) await s.close();
    await infra?.stop();
  });

  // a test that failed half way must not leave a service frozen or stopped for the next
  afterEach(async () => {
    for (const s of [...paused]) resume(s);
    for (const p of Object.values(procs)) if (!p.running) await p.start(START_MS);
  });

  function pause(s: Service): void {
    process.kill(procs[s].pid!, 'SIGSTOP');
    paused.add(s);
  }
  function resume(s: Service): void {
    process.kill(procs[s].pid!, 'SIGCONT');
    paused.delete(s);
  }

  /**
   * Stops `s` and answers the next command of its durable consumer, which must be a
   * `def`, with a refusal, as the service would (reply event, causation id = its id).
   * Resolves once it has; the caller starts the service again.
   */
  async function refuseNextAs(s: Service, def: CommandDef, code: ErrorCode): Promise<{ done: Promise<void> }> {
    await procs[s].kill('SIGTERM');
    const js = jetstream(nc);
    const consumer = await js.consumers.get(STREAMS.commands.name, s);
    const done = (async () => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        for await (const m of await consumer.fetch({ max_messages: 1, expires: 1_000 })) {
          if (m.subject !== def.subject) {
            m.nak();
            throw new Error(`${s} got ${m.subject} before ${def.subject}`);
          }
          const env = readEnvelope(m.headers);
          if (!env.success) throw new Error(`no envelope on ${m.subject}`);
          const reply = { msgId: `reply:${env.data.msgId}`, correlationId: env.data.correlationId, causationId: env.data.msgId, version: 1 as const };
          await js.publish(def.replySubject, JSON.stringify(refuse(code, 'refused by the test')), { msgID: reply.msgId, headers: toNatsHeaders(reply) });
          m.ack();
          return;
        }
      }
      throw new Error(`no ${def.subject} reached ${s}`);
    })();
    done.catch(() => undefined); // awaited by the test; not unhandled if it fails first
    return { done };
  }

  const newGame = async () => {
    const owner = await register(0);
    return { owner, gameId: (await call('POST', '/v1/games', {}, owner.token)).body.gameId as string };
  };

  const stored = async (sagaId: string) => (await sagas.get(sagaId))?.json<SagaState<any>>() ?? null;
  async function until(sagaId: string, what: string, ok: (s: SagaState<any>) => boolean): Promise<void> {
    await waitFor(async () => {
      const s = await stored(sagaId);
      return s !== null && ok(s);
    }, { timeoutMs: 60_000, intervalMs: 50, what: `saga ${sagaId}: ${what}` });
  }
  const stepAt = (s: SagaState<any>, name: string) => s.steps.find((x) => x.name === name)!;

  /** Every chip of one player at one game, and the house's totals. */
  async function books(player: { playerId: string; token: string }, owner: { token: string }, gameId: string) {
    const [me, table, stack, audit] = await Promise.all([
      call('GET', '/v1/players/me', undefined, player.token),
      call('GET', `/v1/games/${gameId}`, undefined, owner.token),
      bus.query(GetStack, { gameId, playerId: player.playerId }),
      bus.query(GetTreasuryAudit, {}),
    ]);
    if (!audit.ok) throw new Error('audit unavailable');
    return {
      wallet: me.body.balance as number,
      stack: stack.ok ? stack.stack : 0,
      seat: (table.body.players as Array<{ playerId: string; stack: number }>).find((p) => p.playerId === player.playerId)?.stack ?? null,
      layout: (table.body.bets as unknown[]).length,
      escrow: audit.audit.escrow,
      stacks: audit.audit.stacks,
      openBets: audit.audit.openBets,
    };
  }

  /** Runs one saga with a failure injected by `inject` (called once it is stored); returns its end. */
  async function runWith(start: () => Promise<unknown>, sagaId: string, inject: () => Promise<void>): Promise<SagaState<any>> {
    expect(await start()).toMatchObject({ ok: true, sagaId });
    await inject();
    return sagaEnd(sagas, sagaId, 60_000);
  }

  describe('join', () => {
    const buyIn = 150;
    const join = (sagaId: string, gameId: string, playerId: string) => () => bus.command(StartJoin, { sagaId, gameId, playerId, buyIn });

    it.each([
      ['debit-wallet', 'player', DebitWallet, 'INSUFFICIENT_BALANCE'],
      ['seat-player', 'lifecycle', SeatPlayer, 'GAME_FULL'],
      ['credit-stack', 'treasury', CreditStack, 'CONFLICT'],
    ] as const)('%s refused: compensated, every balance as it was', async (step, service, def, code) => {
      const { owner, gameId } = await newGame();
      const p = await register(500);
      const before = await books(p, owner, gameId);
      const sagaId = `s_${randomUUID()}`;
      const refused = await refuseNextAs(service, def, code);
      const end = await runWith(join(sagaId, gameId, p.playerId), sagaId, async () => {
        await refused.done;
        await procs[service].start(START_MS);
      });
      expect(end).toMatchObject({ status: 'compensated', error: { step, code } });
      expect(await books(p, owner, gameId)).toEqual(before);
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it.each([
      ['debit-wallet', 'player'],
      ['seat-player', 'lifecycle'],
    ] as const)('%s unanswered: compensated once its attempts are spent, every balance as it was', async (step, service) => {
      const { owner, gameId } = await newGame();
      const p = await register(500);
      const before = await books(p, owner, gameId);
      const sagaId = `s_${randomUUID()}`;
      pause(service);
      const end = await runWith(join(sagaId, gameId, p.playerId), sagaId, async () => {
        await until(sagaId, `${step} to time out`, (s) => s.status === 'compensating');
        expect(stepAt((await stored(sagaId))!, step)).toMatchObject({ status: expect.stringMatching(/^(unknown|compensating)$/), attempts: DEFAULT_MAX_ATTEMPTS });
        resume(service);
      });
      expect(end).toMatchObject({ status: 'compensated', error: { step, code: 'STEP_TIMED_OUT' } });
      expect(await books(p, owner, gameId)).toEqual(before);
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it.each([
      ['credit-stack', 'treasury'],
      ['add-participant', 'consensus'],
    ] as const)('%s (the pivot or past it) unanswered: retried past its attempts until it answers, then completed', async (step, service) => {
      const { owner, gameId } = await newGame();
      const p = await register(500);
      const sagaId = `s_${randomUUID()}`;
      pause(service);
      const end = await runWith(join(sagaId, gameId, p.playerId), sagaId, async () => {
        await until(sagaId, `${step} to go past its attempts`, (s) => stepAt(s, step).attempts > DEFAULT_MAX_ATTEMPTS);
        expect((await stored(sagaId))!.status).toBe('running');
        resume(service);
      });
      expect(end.status).toBe('completed');
      expect(await books(p, owner, gameId)).toMatchObject({ wallet: 500 - buyIn, stack: buyIn, seat: buyIn });
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it('confirm-seat (past the pivot) unanswered: retried past its attempts until it answers, then completed', async () => {
      const { owner, gameId } = await newGame();
      // a first player seated: consensus knows the table's settings, so adding the next asks lifecycle nothing
      const first = await register(500);
      expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn }, first.token)).status).toBe(200);
      const p = await register(500);
      const sagaId = `s_${randomUUID()}`;
      // lifecycle seats the player, then freezes before the confirmation reaches it
      pause('consensus');
      const end = await runWith(join(sagaId, gameId, p.playerId), sagaId, async () => {
        await until(sagaId, 'add-participant to be sent', (s) => stepAt(s, 'add-participant').status === 'started');
        pause('lifecycle');
        resume('consensus');
        await until(sagaId, 'confirm-seat to go past its attempts', (s) => stepAt(s, 'confirm-seat').attempts > DEFAULT_MAX_ATTEMPTS);
        resume('lifecycle');
      });
      expect(end.status).toBe('completed');
      expect(await books(p, owner, gameId)).toMatchObject({ wallet: 500 - buyIn, stack: buyIn, seat: buyIn });
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it('confirm-seat (past the pivot) refused: failed for an operator, nothing undone, no chip lost', async () => {
      const { owner, gameId } = await newGame();
      const first = await register(500);
      expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn }, first.token)).status).toBe(200);
      const p = await register(500);
      const sagaId = `s_${randomUUID()}`;
      // lifecycle seats the player, then stops; the test refuses the confirmation in its place
      pause('consensus');
      const end = await runWith(join(sagaId, gameId, p.playerId), sagaId, async () => {
        await until(sagaId, 'add-participant to be sent', (s) => stepAt(s, 'add-participant').status === 'started');
        const refused = await refuseNextAs('lifecycle', ConfirmSeat, 'GAME_NOT_FOUND');
        resume('consensus');
        await refused.done;
        await procs.lifecycle.start(START_MS);
      });
      expect(end).toMatchObject({ status: 'failed', error: { step: 'confirm-seat', code: 'GAME_NOT_FOUND' } });
      expect(await books(p, owner, gameId)).toMatchObject({ wallet: 500 - buyIn, stack: buyIn, seat: buyIn });
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it('add-participant (past the pivot) refused: failed for an operator, nothing undone, no chip lost', async () => {
      const { owner, gameId } = await newGame();
      const p = await register(500);
      const sagaId = `s_${randomUUID()}`;
      const refused = await refuseNextAs('consensus', AddParticipant, 'CONFLICT');
      const end = await runWith(join(sagaId, gameId, p.playerId), sagaId, async () => {
        await refused.done;
        await procs.consensus.start(START_MS);
      });
      expect(end).toMatchObject({ status: 'failed', error: { step: 'add-participant', code: 'CONFLICT' } });
      expect(await books(p, owner, gameId)).toMatchObject({ wallet: 500 - buyIn, stack: buyIn });
      await expectBooksBalanced(bus);
    }, TEST_MS);
  });

  describe('bet', () => {
    const amount = 10;
    /** A fresh table with one seated player (the shooter). */
    async function seated() {
      const { owner, gameId } = await newGame();
      const p = await register(500);
      expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 200 }, p.token)).status).toBe(200);
      return { owner, gameId, p };
    }
    const bet = (sagaId: string, gameId: string, playerId: string) => () =>
      bus.command(StartBet, { sagaId, gameId, playerId, betId: `b_${randomUUID()}`, type: 'field', amount });

    it.each([
      ['validate-bet', 'lifecycle', ValidateBet, 'BET_NOT_ALLOWED'],
      ['escrow-bet', 'treasury', EscrowBet, 'HOUSE_CANNOT_COVER'],
    ] as const)('%s refused: compensated, every balance as it was', async (step, service, def, code) => {
      const { owner, gameId, p } = await seated();
      const before = await books(p, owner, gameId);
      const sagaId = `s_${randomUUID()}`;
      const refused = await refuseNextAs(service, def, code);
      const end = await runWith(bet(sagaId, gameId, p.playerId), sagaId, async () => {
        await refused.done;
        await procs[service].start(START_MS);
      });
      expect(end).toMatchObject({ status: 'compensated', error: { step, code } });
      expect(await books(p, owner, gameId)).toEqual(before);
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it('record-bet refused (the table was suspended while the escrow waited): compensated, every balance as it was', async () => {
      const { owner, gameId, p } = await seated();
      const before = await books(p, owner, gameId);
      const sagaId = `s_${randomUUID()}`;
      pause('treasury');
      const end = await runWith(bet(sagaId, gameId, p.playerId), sagaId, async () => {
        await until(sagaId, 'escrow-bet to be sent', (s) => stepAt(s, 'escrow-bet').status === 'started');
        expect(await bus.command(SuspendGame, { gameId, reason: 'test: a table that moved', opId: `test:${sagaId}` })).toMatchObject({ ok: true });
        resume('treasury');
      });
      expect(end).toMatchObject({ status: 'compensated', error: { step: 'record-bet', code: 'GAME_SUSPENDED' } });
      expect(await books(p, owner, gameId)).toEqual(before);
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it.each([
      ['validate-bet', 'lifecycle'],
      ['escrow-bet', 'treasury'],
    ] as const)('%s unanswered: compensated once its attempts are spent, every balance as it was', async (step, service) => {
      const { owner, gameId, p } = await seated();
      const before = await books(p, owner, gameId);
      const sagaId = `s_${randomUUID()}`;
      pause(service);
      const end = await runWith(bet(sagaId, gameId, p.playerId), sagaId, async () => {
        await until(sagaId, `${step} to time out`, (s) => s.status === 'compensating');
        expect(stepAt((await stored(sagaId))!, step)).toMatchObject({ status: expect.stringMatching(/^(unknown|compensating)$/), attempts: DEFAULT_MAX_ATTEMPTS });
        resume(service);
      });
      expect(end).toMatchObject({ status: 'compensated', error: { step, code: 'STEP_TIMED_OUT' } });
      expect(await books(p, owner, gameId)).toEqual(before);
      await expectBooksBalanced(bus);
    }, TEST_MS);

    it('record-bet unanswered: compensated (taken down, released, hold ended), every balance as it was', async () => {
      const { owner, gameId, p } = await seated();
      const before = await books(p, owner, gameId);
      const sagaId = `s_${randomUUID()}`;
      // the table validates, then freezes before the record reaches it
      pause('treasury');
      const end = await runWith(bet(sagaId, gameId, p.playerId), sagaId, async () => {
        await until(sagaId, 'escrow-bet to be sent', (s) => stepAt(s, 'escrow-bet').status === 'started');
        pause('lifecycle');
        resume('treasury');
        await until(sagaId, 'record-bet to time out', (s) => s.status === 'compensating');
        expect(stepAt((await stored(sagaId))!, 'record-bet')).toMatchObject({ status: expect.stringMatching(/^(unknown|compensating)$/), attempts: DEFAULT_MAX_ATTEMPTS });
        resume('lifecycle');
      });
      expect(end).toMatchObject({ status: 'compensated', error: { step: 'record-bet', code: 'STEP_TIMED_OUT' } });
      expect(await books(p, owner, gameId)).toEqual(before);
      await expectBooksBalanced(bus);
    }, TEST_MS);
  });
});
