import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { consensusService } from '../../consensus/src/consensus.service';
import { chipTotals, gatewayApi } from './e2e.helpers';

/**
 * Join, bet and leave as sagas through a real gateway, orchestrator, player, lifecycle
 * and treasury over a private NATS JetStream and Redis. After every test the chips
 * balance: Σ wallets + Σ stacks + escrow + bankroll = Σ deposits + bankroll at start.
 */
const ADMIN = 'admin-token-for-the-e2e-tests-0123456789';

describe('sagas end to end', () => {
  let infra: Infrastructure;
  const services: ServiceApp[] = [];
  let base: string;
  let bus: JetStreamClientProxy;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'warn', REQUEST_TIMEOUT_MS: '30000', HOUSE_BANKROLL: '1000000', RATE_LIMITS: 'off', ADMIN_TOKEN: ADMIN };
    for (const def of [playerService, lifecycleService, treasuryService, consensusService, orchestratorService]) services.push(await createServiceApp(def as never, env));
    const gateway = await createServiceApp(gatewayService, env);
    services.push(gateway);
    base = gateway.url;
    bus = new JetStreamClientProxy({ url: infra.natsUrl, name: 'sagas-e2e', timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await bus.close();
    for (const s of services.reverse()) await s.close();
    await infra.stop();
  });

  afterEach(async () => {
    // conservation, at quiescence
    const audit = await waitFor(async () => {
      const c = await chipTotals(bus);
      return c && c.held === c.put ? { held: c.held, put: c.put } : null;
    }, { timeoutMs: 20_000, what: 'the chips to balance' });
    expect(audit.held).toBe(audit.put);
  });

  const { call, register } = gatewayApi(() => base);
  const wallet = async (token: string) => (await call('GET', '/v1/players/me', undefined, token)).body.balance as number;
  const newGame = async (token: string, settings: Record<string, unknown> = {}) => (await call('POST', '/v1/games', settings, token)).body.gameId as string;

  it('joins, bets and leaves; the chips go back to the wallet', async () => {
    const p = await register(1_000);
    const gameId = await newGame(p.token);
    const joined = await call('POST', `/v1/games/${gameId}/join`, { buyIn: 200 }, p.token);
    expect(joined).toEqual({ status: 200, body: { sagaId: expect.stringMatching(/^s_/), status: 'completed', stack: 200 } });
    expect(await wallet(p.token)).toBe(800);

    const bet = await call('POST', `/v1/games/${gameId}/bets`, { type: 'pass', amount: 25 }, p.token);
    expect(bet).toMatchObject({ status: 200, body: { betId: expect.stringMatching(/^b_/), status: 'completed' } });
    const game = (await call('GET', `/v1/games/${gameId}`, undefined, p.token)).body;
    expect(game.players).toEqual([{ playerId: p.playerId, stack: 175 }]);
    expect(game.bets).toEqual([expect.objectContaining({ betId: bet.body.betId, type: 'pass', amount: 25, playerId: p.playerId })]);

    const saga = await call('GET', `/v1/sagas/${joined.body.sagaId}`, undefined, p.token);
    expect(saga.body).toMatchObject({ type: 'join', version: 2, status: 'completed', playerId: p.playerId, gameId });
    expect(saga.body.steps.map((s: any) => `${s.name}:${s.status}`)).toEqual(['debit-wallet:done', 'seat-player:done', 'credit-stack:done', 'add-participant:done', 'confirm-seat:done']);
    // another player may not read it
    const other = await register(0);
    expect((await call('GET', `/v1/sagas/${joined.body.sagaId}`, undefined, other.token)).status).toBe(404);

    const left = await call('POST', `/v1/games/${gameId}/leave`, undefined, p.token);
    expect(left).toEqual({ status: 200, body: { sagaId: expect.any(String), status: 'completed', returned: 200 } });
    expect(await wallet(p.token)).toBe(1_000);
    expect((await call('POST', `/v1/games/${gameId}/leave`, undefined, p.token)).body.error.code).toBe('NOT_SEATED');
  });

  it('refusals undo what was done: no balance, wrong password, bet not allowed, house limits', async () => {
    const p = await register(100);
    const open = await newGame(p.token);
    expect((await call('POST', `/v1/games/${open}/join`, { buyIn: 500 }, p.token))).toMatchObject({ status: 422, body: { error: { code: 'INSUFFICIENT_BALANCE' } } });
    const secret = await newGame(p.token, { password: 'sesame' });
    expect((await call('POST', `/v1/games/${secret}/join`, { buyIn: 50, password: 'nope' }, p.token))).toMatchObject({ status: 403, body: { error: { code: 'WRONG_PASSWORD' } } });
    expect(await wallet(p.token)).toBe(100);

    expect((await call('POST', `/v1/games/${secret}/join`, { buyIn: 50, password: 'sesame' }, p.token)).status).toBe(200);
    // come bets only in the point phase
    expect((await call('POST', `/v1/games/${secret}/bets`, { type: 'come', amount: 5 }, p.token))).toMatchObject({ status: 409, body: { error: { code: 'BET_NOT_ALLOWED' } } });
    expect((await call('POST', `/v1/games/${secret}/bets`, { type: 'field', amount: 51 }, p.token))).toMatchObject({ status: 422 });
    const view = (await call('GET', `/v1/games/${secret}`, undefined, p.token)).body;
    expect(view.players).toEqual([{ playerId: p.playerId, stack: 50 }]);
    expect(view.bets).toEqual([]);
    expect(await wallet(p.token)).toBe(50);
  });

  it('plays a round: bets, the shooter rolls, every bet is settled, the proof recomputes, the audit balances', async () => {
    const a = await register(1_000);
    const b = await register(1_000);
    const gameId = await newGame(a.token);
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 300 }, a.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 300 }, b.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'pass', amount: 10 }, a.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'field', amount: 5 }, b.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'any_seven', amount: 2 }, b.token)).status).toBe(200);

    expect(await call('POST', `/v1/games/${gameId}/roll`, undefined, b.token)).toMatchObject({ status: 403, body: { error: { code: 'NOT_SHOOTER' } } });
    const rolled = await call('POST', `/v1/games/${gameId}/roll`, undefined, a.token);
    expect(rolled.status).toBe(200);
    const roll = rolled.body;
    expect(roll).toMatchObject({ rollIndex: 1, dice: [expect.any(Number), expect.any(Number)], phase: expect.any(String) });
    const total = roll.dice[0] + roll.dice[1];
    // the field and any-seven are one-roll bets: always resolved
    const field = roll.resolutions.find((r: any) => r.type === 'field');
    expect(field.outcome).toBe([5, 6, 7, 8].includes(total) ? 'lose' : 'win');
    expect(roll.resolutions.find((r: any) => r.type === 'any_seven').outcome).toBe(total === 7 ? 'win' : 'lose');

    const proof = await call('GET', `/v1/games/${gameId}/rolls/1/proof`);
    expect(proof).toMatchObject({ status: 200, body: { rollIndex: 1, dice: roll.dice, houseCommitment: expect.stringMatching(/^[0-9a-f]{64}$/), houseSeed: expect.stringMatching(/^[0-9a-f]{64}$/) } });

    const audit = await call('GET', '/v1/audit', undefined, ADMIN);
    expect(audit).toMatchObject({ status: 200, body: { inFlight: 0, balanced: true } });
    expect((await call('GET', '/v1/audit', undefined, a.token)).status).toBe(403);
  });

  it('an operator suspends a game: joins and bets are refused until it resumes', async () => {
    const p = await register(500);
    const gameId = await newGame(p.token);
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 100 }, p.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/suspend`, { reason: 'check' }, ADMIN))).toMatchObject({ status: 200, body: { status: 'suspended' } });
    expect(await call('POST', `/v1/games/${gameId}/bets`, { type: 'pass', amount: 5 }, p.token)).toMatchObject({ status: 409, body: { error: { code: 'GAME_SUSPENDED' } } });
    expect((await call('POST', `/v1/games/${gameId}/resume`, { reason: 'ok' }, ADMIN)).body.status).toBe('open');
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'pass', amount: 5 }, p.token)).status).toBe(200);
  });

  it('an idle table expires: open bets refunded, every stack back in its wallet, the game closed', async () => {
    const a = await register(1_000);
    const b = await register(1_000);
    const gameId = await newGame(a.token, { inactivityTimeoutMs: 10_000 });
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 300 }, a.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 200 }, b.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'pass', amount: 40 }, a.token)).status).toBe(200);
    const closed = await waitFor(async () => {
      const g = (await call('GET', `/v1/games/${gameId}`, undefined, a.token)).body;
      return g.status === 'closed' ? g : null;
    }, { timeoutMs: 40_000, intervalMs: 250, what: 'the game to expire' });
    expect(closed.players).toEqual([]);
    await waitFor(async () => (await wallet(a.token)) === 1_000 && (await wallet(b.token)) === 1_000, { timeoutMs: 20_000, what: 'the chips back in the wallets' });
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 100 }, b.token))).toMatchObject({ status: 409, body: { error: { code: 'GAME_CLOSED' } } });
    expect(await wallet(b.token)).toBe(1_000);
  });

  it('streams a game\'s events over SSE and resumes after Last-Event-ID', async () => {
    const p = await register(1_000);
    const gameId = await newGame(p.token);
    const open = async (lastEventId?: string) => {
      const controller = new AbortController();
      const res = await fetch(`${base}/v1/games/${gameId}/events`, { headers: { authorization: `Bearer ${p.token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      let text = '';
      const events: Array<{ id: string; event: string; data: any }> = [];
      const until = async (pred: () => boolean) => {
        await waitFor(async () => {
          while (!pred()) {
            const { value, done } = await reader.read();
            if (done) return false;
            text += new TextDecoder().decode(value);
            let i;
            while ((i = text.indexOf('\n\n')) >= 0) {
              const frame = text.slice(0, i);
              text = text.slice(i + 2);
              const f = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
              if (f.id) events.push({ id: f.id, event: f.event, data: JSON.parse(f.data) });
            }
          }
          return true;
        }, { timeoutMs: 15_000, what: 'events on the stream' });
      };
      return { events, until, close: () => controller.abort() };
    };
    const stream = await open();
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 100 }, p.token)).status).toBe(200);
    await stream.until(() => stream.events.some((e) => e.event === 'orchestrator.saga-ended'));
    const names = stream.events.map((e) => e.event);
    expect(names).toEqual(expect.arrayContaining(['lifecycle.player-seated', 'orchestrator.saga-ended']));
    stream.close();
    // resume after the first event: everything after it comes again, nothing before it
    const again = await open(stream.events[0].id);
    await again.until(() => again.events.length >= stream.events.length - 1);
    expect(again.events.map((e) => e.id)).toEqual(stream.events.slice(1).map((e) => e.id).slice(0, again.events.length));
    again.close();
  });

  it('200 concurrent joins to a 10-seat table seat exactly 10 and leave the other wallets untouched', async () => {
    const owner = await register(0);
    const gameId = await newGame(owner.token, { maxPlayers: 10 });
    const players = await Promise.all(Array.from({ length: 200 }, () => register(100)));
    const answers = await Promise.all(players.map((p) => call('POST', `/v1/games/${gameId}/join`, { buyIn: 40 }, p.token)));
    const byStatus = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    expect(byStatus).toEqual({ 200: 10, 409: 190 });
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.body.error.code))).toEqual(new Set(['GAME_FULL']));
    const balances = await Promise.all(players.map((p) => wallet(p.token)));
    expect(balances.filter((b) => b === 60)).toHaveLength(10);
    expect(balances.filter((b) => b === 100)).toHaveLength(190);
    const game = (await call('GET', `/v1/games/${gameId}`, undefined, owner.token)).body;
    expect(game.players).toHaveLength(10);
  });
});
