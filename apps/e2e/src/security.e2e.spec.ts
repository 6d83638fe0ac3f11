import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { issueToken } from '../../gateway/src/auth/bearer-token';
import { ROUTES } from '../../gateway/src/docs/routes';
import type { RouteDoc } from '../../gateway/src/docs/openapi';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { consensusService } from '../../consensus/src/consensus.service';
import { statsService } from '../../stats/src/stats.service';

/**
 * Who may do what at every endpoint (issue 7), as a matrix over the gateway's route
 * registry (apps/gateway/src/docs/routes.ts): a route without a row fails the first test
 * until it is classified. Player A sits at a private table with a stack and a bet and is
 * the shooter; player B has a wallet of its own. B's token never moves anything of A's;
 * bad, expired and forged tokens get 401 on every player route; operator routes want the
 * admin token (401 without one, 403 with a player's); oversized and malformed bodies on
 * every POST are refused with nothing changed. One set of services for the whole file.
 */
const ADMIN = 'admin-token-for-the-security-e2e-0123456789';
const SECRET = 'token-secret-for-the-security-e2e-0123456789';
const MAX_BODY_BYTES = 16 * 1024;
const PASSWORD = 'sesame-for-the-security-e2e';

type Actor = { playerId: string; token: string };
type Reply = { status: number; body: any; text: string; contentType: string; replayed: boolean };

interface Ctx {
  a: Actor;
  b: Actor;
  gameId: string;
  aJoinSagaId: string;
  /** The seed B committed in the open round (null: none yet). */
  bSeed: string | null;
}

interface Row {
  /** The rule, in words. */
  rule: string;
  /** A body the route accepts (so a refusal is the credential's, not the body's). */
  body?: unknown;
  /** Player routes: B's token at A's table, sagas and resources. */
  asB?: (ctx: Ctx) => Promise<void>;
  /** Admin routes: what the admin token does (leaves A's table as it found it). */
  asAdmin?: (ctx: Ctx) => Promise<void>;
  /** Public routes: what anyone gets without a token. */
  asAnyone?: (ctx: Ctx) => Promise<void>;
}

const keyOf = (r: Pick<RouteDoc, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;
const sha256 = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const SIGNATURE = 'A'.repeat(86);

describe('security: who may do what at every endpoint', () => {
  let infra: Infrastructure;
  const services: ServiceApp[] = [];
  let base = '';
  const ctx: Ctx = { a: { playerId: '', token: '' }, b: { playerId: '', token: '' }, gameId: '', aJoinSagaId: '', bSeed: null };

  /** One HTTP call; an event stream is read up to its first frame, then closed. */
  const call = async (method: string, path: string, init: { token?: string; authorization?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.authorization) headers.authorization = init.authorization;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      const res = await fetch(base + path, { method, headers, body, signal: controller.signal });
      const contentType = res.headers.get('content-type') ?? '';
      let text = '';
      if (contentType.includes('text/event-stream')) {
        const reader = res.body!.getReader();
        while (!text.includes('\n\n')) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        controller.abort();
      } else {
        text = await res.text();
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, body: json, text, contentType, replayed: res.headers.get('idempotent-replayed') === 'true' };
    } finally {
      clearTimeout(timer);
    }
  };
  const register = async (name: string, deposit: number): Promise<Actor> => {
    const r = await call('POST', '/v1/players', { body: { name, deposit } });
    expect(r.status).toBe(201);
    return { playerId: r.body.playerId, token: r.body.token };
  };
  const wallet = async (p: Actor) => (await call('GET', '/v1/players/me', { token: p.token })).body.balance as number;
  const game = async (gameId = ctx.gameId) => (await call('GET', `/v1/games/${gameId}`, { token: ctx.a.token })).body;
  const seatOf = (g: any, p: Actor) => g.players.find((s: any) => s.playerId === p.playerId) ?? null;

  /** Everything of A's that B must not move: wallet, seat, bets, and the game's own state. */
  const aState = async () => {
    const g = await game();
    const { status, phase, point, shooter, rollCount, createdBy, config, suspension } = g;
    return { wallet: await wallet(ctx.a), seat: seatOf(g, ctx.a), bets: g.bets.filter((b: any) => b.playerId === ctx.a.playerId), game: { status, phase, point, shooter, rollCount, createdBy, config, suspension } };
  };
  /** The audit once no saga is in flight. */
  const quietAudit = () =>
    waitFor(async () => {
      const r = await call('GET', '/v1/audit', { token: ADMIN });
      return r.status === 200 && r.body.inFlight === 0 ? r.body : null;
    }, { timeoutMs: 20_000, what: 'every saga to end' });
  /** The whole picture for refusals: both wallets, the game, the audit. */
  const snapshot = async () => ({ a: await wallet(ctx.a), b: await wallet(ctx.b), game: await game(), audit: await quietAudit() });
  const balanced = async () => expect((await quietAudit()).balanced).toBe(true);

  const seatB = async (seated: boolean) => {
    const isSeated = seatOf(await game(), ctx.b) !== null;
    if (seated && !isSeated) expect((await call('POST', `/v1/games/${ctx.gameId}/join`, { token: ctx.b.token, body: { buyIn: 100, password: PASSWORD } })).status).toBe(200);
    if (!seated && isSeated) expect((await call('POST', `/v1/games/${ctx.gameId}/leave`, { token: ctx.b.token })).status).toBe(200);
  };
  /** B's action changed nothing of A's. */
  const untouched = async (before: Awaited<ReturnType<typeof aState>>) => expect(await aState()).toEqual(before);
  const refused = (r: Reply, status: number, code: string) => expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
  /** A public answer: served to anyone, and nothing in it names a player or carries a secret. */
  const publicOnly = (r: Reply, c: Ctx) => {
    expect(r.status).toBe(200);
    for (const secret of [c.a.playerId, c.b.playerId, c.a.token, ADMIN, SECRET, PASSWORD]) expect(r.text).not.toContain(secret);
  };
  /** B (seated) has committed a seed to the open round; committing the same one again is a no-op. */
  const commitB = async () => {
    ctx.bSeed ??= randomBytes(32).toString('hex');
    expect((await call('POST', `/v1/games/${ctx.gameId}/commitments`, { token: ctx.b.token, body: { commitment: sha256(ctx.bSeed) } })).status).toBe(202);
  };
  const pathOf = (route: Pick<RouteDoc, 'path'>) =>
    route.path.replace(':gameId', ctx.gameId).replace(':sagaId', ctx.aJoinSagaId).replace(':rollIndex', '1');

  /** Every route of the registry, classified. */
  const MATRIX: Record<string, Row> = {
    'POST /v1/players': {
      rule: 'public; mints a new player and nothing else: the id is the server’s (a playerId in the body is 400)',
      body: { name: 'Eve', deposit: 0 },
      asAnyone: async (c) => {
        refused(await call('POST', '/v1/players', { body: { name: 'Eve', playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        const r = await call('POST', '/v1/players', { body: { name: 'Eve', deposit: 10 } });
        expect(r.status).toBe(201);
        expect(r.body.playerId).not.toBe(c.a.playerId);
      },
    },
    'GET /v1/players/me': {
      rule: 'the caller only: B’s token reads B’s wallet, there is no way to name another player',
      asB: async (c) => {
        const r = await call('GET', '/v1/players/me', { token: c.b.token });
        expect(r).toMatchObject({ status: 200, body: { playerId: c.b.playerId } });
        expect(r.text).not.toContain(c.a.playerId);
      },
    },
    'GET /v1/players/me/activity': {
      rule: 'the caller only: B’s token reads B’s sessions and history, none of A’s (A’s buy-in is not in it)',
      asB: async (c) => {
        const r = await call('GET', '/v1/players/me/activity', { token: c.b.token });
        expect(r).toMatchObject({ status: 200, body: { playerId: c.b.playerId } });
        expect(r.body.sessions.length).toBeGreaterThan(0);
        expect(r.text).not.toContain(c.a.playerId);
        expect(r.text).not.toContain(c.aJoinSagaId);
      },
    },
    'POST /v1/games': {
      rule: 'creates a game owned by the caller; a playerId or createdBy in the body is 400',
      body: {},
      asB: async (c) => {
        refused(await call('POST', '/v1/games', { token: c.b.token, body: { playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        refused(await call('POST', '/v1/games', { token: c.b.token, body: { createdBy: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        const r = await call('POST', '/v1/games', { token: c.b.token, body: {} });
        expect(r).toMatchObject({ status: 201, body: { createdBy: c.b.playerId } });
        expect(r.body.gameId).not.toBe(c.gameId);
      },
    },
    'GET /v1/games/:gameId': {
      rule: 'any player reads the public view of any game (never its password)',
      asB: async (c) => {
        const r = await call('GET', `/v1/games/${c.gameId}`, { token: c.b.token });
        expect(r).toMatchObject({ status: 200, body: { gameId: c.gameId, config: { private: true } } });
        expect(r.text).not.toContain(PASSWORD);
      },
    },
    'POST /v1/games/:gameId/join': {
      rule: 'seats the caller with the caller’s chips; A’s private table wants its password (403); a playerId in the body is 400',
      body: { buyIn: 50, password: PASSWORD },
      asB: async (c) => {
        await seatB(false);
        const before = await wallet(c.b);
        refused(await call('POST', `/v1/games/${c.gameId}/join`, { token: c.b.token, body: { buyIn: 50, password: PASSWORD, playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        refused(await call('POST', `/v1/games/${c.gameId}/join`, { token: c.b.token, body: { buyIn: 50 } }), 403, 'WRONG_PASSWORD');
        expect(await wallet(c.b)).toBe(before);
        expect((await call('POST', `/v1/games/${c.gameId}/join`, { token: c.b.token, body: { buyIn: 50, password: PASSWORD } })).status).toBe(200);
        expect(await wallet(c.b)).toBe(before - 50);
        expect(seatOf(await game(), c.b)).toEqual({ playerId: c.b.playerId, stack: 50 });
      },
    },
    'POST /v1/games/:gameId/bets': {
      rule: 'a bet from the caller’s own stack; a playerId or betId in the body is 400',
      body: { type: 'field', amount: 5 },
      asB: async (c) => {
        await seatB(true);
        const aBet = (await game()).bets.find((b: any) => b.playerId === c.a.playerId);
        refused(await call('POST', `/v1/games/${c.gameId}/bets`, { token: c.b.token, body: { type: 'field', amount: 5, playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        refused(await call('POST', `/v1/games/${c.gameId}/bets`, { token: c.b.token, body: { type: 'field', amount: 5, betId: aBet.betId } }), 400, 'VALIDATION_FAILED');
        const stack = seatOf(await game(), c.b).stack;
        const r = await call('POST', `/v1/games/${c.gameId}/bets`, { token: c.b.token, body: { type: 'field', amount: 5 } });
        expect(r.status).toBe(200);
        const g = await game();
        expect(g.bets.find((b: any) => b.betId === r.body.betId)).toMatchObject({ playerId: c.b.playerId, amount: 5 });
        expect(seatOf(g, c.b).stack).toBe(stack - 5);
      },
    },
    'POST /v1/games/:gameId/commitments': {
      rule: 'records the caller’s own commitment (B not seated: 409 NOT_SEATED); a playerId in the body is 400',
      body: { commitment: 'ab'.repeat(32) },
      asB: async (c) => {
        await seatB(false);
        refused(await call('POST', `/v1/games/${c.gameId}/commitments`, { token: c.b.token, body: { commitment: sha256(randomBytes(32).toString('hex')) } }), 409, 'NOT_SEATED');
        await seatB(true);
        c.bSeed ??= randomBytes(32).toString('hex');
        const commitment = sha256(c.bSeed);
        refused(await call('POST', `/v1/games/${c.gameId}/commitments`, { token: c.b.token, body: { commitment, playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        expect(await call('POST', `/v1/games/${c.gameId}/commitments`, { token: c.b.token, body: { commitment } })).toMatchObject({ status: 202, body: { commitment } });
      },
    },
    'POST /v1/games/:gameId/reveals': {
      rule: 'only opens the caller’s own commitment: another seed is 400, a playerId in the body is 400',
      body: { seed: 'ab'.repeat(32) },
      asB: async (c) => {
        await seatB(true);
        await commitB();
        refused(await call('POST', `/v1/games/${c.gameId}/reveals`, { token: c.b.token, body: { seed: c.bSeed, playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        refused(await call('POST', `/v1/games/${c.gameId}/reveals`, { token: c.b.token, body: { seed: randomBytes(32).toString('hex') } }), 400, 'VALIDATION_FAILED');
        expect((await call('POST', `/v1/games/${c.gameId}/reveals`, { token: c.b.token, body: { seed: c.bSeed } })).status).toBe(202);
      },
    },
    'POST /v1/games/:gameId/votes': {
      rule: 'counts only the caller’s own signed vote on a quorum table; A’s house table takes none (409); a playerId in the body is 400',
      body: { rollIndex: 1, dice: [3, 4], signature: SIGNATURE },
      asB: async (c) => {
        refused(await call('POST', `/v1/games/${c.gameId}/votes`, { token: c.b.token, body: { rollIndex: 1, dice: [3, 4], signature: SIGNATURE, playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        refused(await call('POST', `/v1/games/${c.gameId}/votes`, { token: c.b.token, body: { rollIndex: 1, dice: [3, 4], signature: SIGNATURE } }), 409, 'CONFLICT');
      },
    },
    'POST /v1/games/:gameId/roll': {
      rule: 'the shooter only: B is 403 NOT_SHOOTER, seated or not; any body key is 400',
      asB: async (c) => {
        refused(await call('POST', `/v1/games/${c.gameId}/roll`, { token: c.b.token, body: { playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        for (const seated of [false, true]) {
          await seatB(seated);
          refused(await call('POST', `/v1/games/${c.gameId}/roll`, { token: c.b.token }), 403, 'NOT_SHOOTER');
        }
      },
    },
    'POST /v1/games/:gameId/leave': {
      rule: 'cashes out the caller’s own seat (not seated: 409 NOT_SEATED); any body key is 400',
      asB: async (c) => {
        await seatB(false);
        refused(await call('POST', `/v1/games/${c.gameId}/leave`, { token: c.b.token }), 409, 'NOT_SEATED');
        await seatB(true);
        refused(await call('POST', `/v1/games/${c.gameId}/leave`, { token: c.b.token, body: { playerId: c.a.playerId } }), 400, 'VALIDATION_FAILED');
        expect(seatOf(await game(), c.b)).not.toBeNull();
        const before = await wallet(c.b);
        const r = await call('POST', `/v1/games/${c.gameId}/leave`, { token: c.b.token });
        expect(r.status).toBe(200);
        expect(seatOf(await game(), c.b)).toBeNull();
        expect(await wallet(c.b)).toBe(before + r.body.returned);
      },
    },
    'POST /v1/games/:gameId/suspend': {
      rule: 'operators only',
      body: { reason: 'security e2e' },
      asAdmin: async (c) => {
        expect(await call('POST', `/v1/games/${c.gameId}/suspend`, { token: ADMIN, body: { reason: 'security e2e' } })).toMatchObject({ status: 200, body: { status: 'suspended' } });
        expect((await call('POST', `/v1/games/${c.gameId}/resume`, { token: ADMIN, body: { reason: 'security e2e' } })).body.status).toBe('open');
      },
    },
    'POST /v1/games/:gameId/resume': {
      rule: 'operators only',
      body: { reason: 'security e2e' },
      asAdmin: async (c) => {
        expect((await call('POST', `/v1/games/${c.gameId}/suspend`, { token: ADMIN, body: { reason: 'security e2e' } })).status).toBe(200);
        expect(await call('POST', `/v1/games/${c.gameId}/resume`, { token: ADMIN, body: { reason: 'security e2e' } })).toMatchObject({ status: 200, body: { status: 'open' } });
      },
    },
    'GET /v1/games/:gameId/rounds/current': {
      rule: 'public: the house’s commitment and the players’ commitments, never a seed (not even one revealed)',
      asAnyone: async (c) => {
        await seatB(true);
        await commitB();
        expect((await call('POST', `/v1/games/${c.gameId}/reveals`, { token: c.b.token, body: { seed: c.bSeed } })).status).toBe(202);
        const r = await call('GET', `/v1/games/${c.gameId}/rounds/current`);
        expect(r).toMatchObject({ status: 200, body: { gameId: c.gameId, rollIndex: 2, houseCommitment: expect.stringMatching(/^[0-9a-f]{64}$/) } });
        expect(r.body.commitments).toContainEqual(expect.objectContaining({ playerId: c.b.playerId, commitment: sha256(c.bSeed!), revealed: true }));
        expect(r.text).not.toContain(c.bSeed);
        await seatB(false);
      },
    },
    'POST /v1/games/:gameId/rolls/:rollIndex/resolve': {
      rule: 'operators only; a round already decided answers as it stands (its dice, nothing moves)',
      body: { decision: 'accept', reason: 'security e2e' },
      asAdmin: async (c) => {
        const { dice } = (await call('GET', `/v1/games/${c.gameId}/rolls/1/proof`)).body;
        expect(await call('POST', `/v1/games/${c.gameId}/rolls/1/resolve`, { token: ADMIN, body: { decision: 'accept', reason: 'security e2e' } })).toMatchObject({ status: 200, body: { rollIndex: 1, dice } });
      },
    },
    'GET /v1/games/:gameId/rolls/:rollIndex/proof': {
      rule: 'public and read-only: anyone checks any roll once its dice are out, never the open round’s house seed',
      asAnyone: async (c) => {
        expect(await call('GET', `/v1/games/${c.gameId}/rolls/1/proof`)).toMatchObject({ status: 200, body: { rollIndex: 1 } });
        const open = await call('GET', `/v1/games/${c.gameId}/rolls/2/proof`);
        expect(open.status).toBe(404);
        expect(open.text).not.toMatch(/[0-9a-f]{64}/);
      },
    },
    'GET /v1/games/:gameId/events': {
      rule: 'any player follows any game’s events (read-only)',
      asB: async (c) => {
        expect(await call('GET', `/v1/games/${c.gameId}/events`, { token: c.b.token })).toMatchObject({ status: 200, contentType: expect.stringContaining('text/event-stream') });
      },
    },
    'GET /v1/sagas/:sagaId': {
      rule: 'the saga’s own player only: B reading A’s saga gets 404 SAGA_NOT_FOUND',
      asB: async (c) => {
        refused(await call('GET', `/v1/sagas/${c.aJoinSagaId}`, { token: c.b.token }), 404, 'SAGA_NOT_FOUND');
        expect(await call('GET', `/v1/sagas/${c.aJoinSagaId}`, { token: c.a.token })).toMatchObject({ status: 200, body: { playerId: c.a.playerId } });
      },
    },
    'GET /v1/stats': { rule: 'public totals, read-only, no player named', asAnyone: async (c) => publicOnly(await call('GET', '/v1/stats'), c) },
    'GET /v1/audit': {
      rule: 'operators only',
      asAdmin: async () => expect(await call('GET', '/v1/audit', { token: ADMIN })).toMatchObject({ status: 200, body: { balanced: true } }),
    },
    'POST /v1/admin/bankroll/fund': {
      rule: 'operators only; once per Idempotency-Key',
      body: { amount: 1_000, reason: 'security e2e' },
      asAdmin: async () => {
        const before = await quietAudit();
        const fund = () => call('POST', '/v1/admin/bankroll/fund', { token: ADMIN, body: { amount: 1_000, reason: 'security e2e' }, headers: { 'idempotency-key': 'security-fund-once' } });
        const first = await fund();
        expect(first).toMatchObject({ status: 200, body: { amount: 1_000, bankroll: before.bankroll + 1_000 } });
        expect(await fund()).toMatchObject({ status: 200, replayed: true, body: first.body });
        expect(await quietAudit()).toMatchObject({ bankroll: before.bankroll + 1_000, balanced: true });
      },
    },
    'GET /ops': { rule: 'public page without data or secrets (it reads the admin routes with the token it asks for)', asAnyone: async (c) => publicOnly(await call('GET', '/ops'), c) },
    'GET /v1/ops/state': {
      rule: 'operators only',
      asAdmin: async () => expect(await call('GET', '/v1/ops/state', { token: ADMIN })).toMatchObject({ status: 200, body: { audit: { balanced: true } } }),
    },
    'GET /v1/ops/events': {
      rule: 'operators only',
      asAdmin: async () => {
        const r = await call('GET', '/v1/ops/events', { token: ADMIN });
        expect(r).toMatchObject({ status: 200, contentType: expect.stringContaining('text/event-stream') });
        expect(r.text).toMatch(/^event: snapshot\n/);
      },
    },
    'GET /health/live': { rule: 'public, no data', asAnyone: async (c) => publicOnly(await call('GET', '/health/live'), c) },
    'GET /health/ready': { rule: 'public, no data', asAnyone: async (c) => publicOnly(await call('GET', '/health/ready'), c) },
    'GET /metrics': { rule: 'public counters, no player named', asAnyone: async (c) => publicOnly(await call('GET', '/metrics'), c) },
    'GET /docs': { rule: 'public document', asAnyone: async (c) => publicOnly(await call('GET', '/docs'), c) },
    'GET /docs/openapi.json': { rule: 'public document', asAnyone: async (c) => publicOnly(await call('GET', '/docs/openapi.json'), c) },
  };
  const rowOf = (r: RouteDoc) => MATRIX[keyOf(r)];
  const byAuth = (auth: RouteDoc['auth']) => ROUTES.filter((r) => r.auth === auth);

  beforeAll(async () => {
    infra = await Infrastructure.start();
    const env = {
      ...process.env,
      NATS_URL: infra.natsUrl,
      REDIS_URL: infra.redisUrl,
      HTTP_PORT: '0',
      GATEWAY_PORT: '',
      LOG_LEVEL: 'warn',
      REQUEST_TIMEOUT_MS: '30000',
      HOUSE_BANKROLL: '1000000',
      RATE_LIMITS: 'off',
      ADMIN_TOKEN: ADMIN,
      TOKEN_SECRET: SECRET,
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    };
    for (const def of [playerService, lifecycleService, treasuryService, consensusService, orchestratorService, statsService]) services.push(await createServiceApp(def as never, env));
    const gateway = await createServiceApp(gatewayService, env);
    services.push(gateway);
    base = gateway.url;

    ctx.a = await register('Alice', 1_000);
    ctx.b = await register('Bob', 1_000);
    const created = await call('POST', '/v1/games', { token: ctx.a.token, body: { password: PASSWORD } });
    expect(created.status).toBe(201);
    ctx.gameId = created.body.gameId;
    const joined = await call('POST', `/v1/games/${ctx.gameId}/join`, { token: ctx.a.token, body: { buyIn: 300, password: PASSWORD } });
    expect(joined.status).toBe(200);
    ctx.aJoinSagaId = joined.body.sagaId;
    // one roll, so the table has a proof; then A's bet on the layout (the field plays in either phase)
    expect((await call('POST', `/v1/games/${ctx.gameId}/roll`, { token: ctx.a.token })).status).toBe(200);
    expect((await call('POST', `/v1/games/${ctx.gameId}/bets`, { token: ctx.a.token, body: { type: 'field', amount: 10 } })).status).toBe(200);
    const g = await game();
    expect({ shooter: g.shooter, seat: seatOf(g, ctx.a), bets: g.bets.length }).toEqual({ shooter: ctx.a.playerId, seat: { playerId: ctx.a.playerId, stack: 290 }, bets: 1 });
  }, 60_000);

  afterAll(async () => {
    for (const s of services.reverse()) await s.close();
    await infra?.stop();
  });

  afterEach(balanced);

  it('classifies every route of the registry, and only those', () => {
    const missing = ROUTES.map(keyOf).filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !ROUTES.some((r) => keyOf(r) === k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    // each row is exercised as the route's kind of caller
    for (const r of ROUTES) {
      const row = rowOf(r);
      const exercise = { none: row.asAnyone, player: row.asB, admin: row.asAdmin }[r.auth];
      expect({ route: keyOf(r), exercised: typeof exercise }).toEqual({ route: keyOf(r), exercised: 'function' });
    }
  });

  it('B’s token at A’s table, sagas and resources never moves A’s wallet, stack, bets or game', async () => {
    for (const route of byAuth('player')) {
      const before = await aState();
      try {
        await rowOf(route).asB!(ctx);
        await untouched(before);
      } catch (err) {
        throw new Error(`${keyOf(route)} (${rowOf(route).rule}): ${(err as Error).message}`);
      }
    }
    await seatB(false);
  });

  it('public routes answer anyone and move nothing of A’s', async () => {
    for (const route of byAuth('none')) {
      const before = await aState();
      await rowOf(route).asAnyone!(ctx);
      await untouched(before);
    }
  });

  it('a missing, expired or forged token gets 401 on every player route, and nothing moves', async () => {
    const [header, payload] = ctx.a.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const [, bPayload, bSignature] = ctx.b.token.split('.');
    const key = new TextEncoder().encode(SECRET);
    const bad: Record<string, string | undefined> = {
      missing: undefined,
      'no scheme': ctx.a.token,
      expired: `Bearer ${await issueToken(SECRET, ctx.a.playerId, 60, Date.now() - 2 * 3600_000)}`,
      'wrong secret': `Bearer ${await issueToken('another-secret-that-is-not-the-gateway-one', ctx.a.playerId)}`,
      'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'alg none, no dot': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}`,
      // B's signature over a payload that now names A
      'tampered payload': `Bearer ${header}.${b64({ ...JSON.parse(Buffer.from(bPayload, 'base64url').toString()), sub: ctx.a.playerId })}.${bSignature}`,
      // the right secret, but not what the gateway issues
      'HS512': `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(key)}`,
      'wrong audience': `Bearer ${await new SignJWT({ ...claims, aud: 'another-api' }).setProtectedHeader({ alg: 'HS256' }).sign(key)}`,
      'admin token': `Bearer ${ADMIN}`,
    };
    // the genuine article, issued the same way, does work: the refusals are the tokens'
    expect((await call('GET', '/v1/players/me', { authorization: `Bearer ${await issueToken(SECRET, ctx.a.playerId)}` })).body.playerId).toBe(ctx.a.playerId);

    const before = await snapshot();
    for (const route of byAuth('player')) {
      for (const [name, authorization] of Object.entries(bad)) {
        const r = await call(route.method.toUpperCase(), pathOf(route), { authorization, body: rowOf(route).body });
        // the expired one is refused for its age alone (its signature holds)
        const saysExpired = /expired/.test(r.body?.error?.message ?? '');
        expect({ route: keyOf(route), token: name, status: r.status, code: r.body?.error?.code, saysExpired }).toEqual({ route: keyOf(route), token: name, status: 401, code: 'UNAUTHORIZED', saysExpired: name === 'expired' });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('operator routes: 401 without a token, 403 with a player’s or a wrong one, and they work with the admin token', async () => {
    const admin = byAuth('admin');
    expect(admin.map(keyOf)).toEqual(expect.arrayContaining(['GET /v1/audit', 'POST /v1/games/:gameId/suspend', 'POST /v1/games/:gameId/resume', 'GET /v1/ops/state', 'GET /v1/ops/events']));
    const before = await snapshot();
    for (const route of admin) {
      const ask = (authorization?: string) => call(route.method.toUpperCase(), pathOf(route), { authorization, body: rowOf(route).body });
      const answers = {
        none: (await ask()).status,
        player: (await ask(`Bearer ${ctx.a.token}`)).status,
        wrong: (await ask(`Bearer ${ADMIN}x`)).status,
        // the admin token, but not as a bearer token
        basic: (await ask(`Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`)).status,
      };
      expect({ route: keyOf(route), ...answers }).toEqual({ route: keyOf(route), none: 401, player: 403, wrong: 403, basic: 401 });
    }
    expect(await snapshot()).toEqual(before);
    for (const route of admin) await rowOf(route).asAdmin!(ctx);
  });

  it('oversized and malformed bodies on every POST are refused and change nothing', async () => {
    const tokenFor = (r: RouteDoc) => ({ none: undefined, player: ctx.a.token, admin: ADMIN })[r.auth];
    const oversized = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) });
    const malformed: Record<string, string> = {
      truncated: '{"buyIn":',
      'not JSON': 'buyIn=50',
      'a JSON string': '"x"',
      'an array': '[]',
      'too deep': `${'['.repeat(40)}${']'.repeat(40)}`,
      'prototype keys': '{"__proto__":{"playerId":"p_x"},"constructor":{"prototype":{"admin":true}}}',
    };
    const before = await snapshot();
    for (const route of ROUTES.filter((r) => r.method === 'post')) {
      const path = pathOf(route);
      const big = await call('POST', path, { token: tokenFor(route), raw: oversized });
      expect({ route: keyOf(route), status: big.status, code: big.body?.error?.code }).toEqual({ route: keyOf(route), status: 413, code: 'PAYLOAD_TOO_LARGE' });
      for (const [name, raw] of Object.entries(malformed)) {
        // with an Idempotency-Key, so the bodies that parse also meet the idempotency interceptor
        const r = await call('POST', path, { token: tokenFor(route), raw, headers: { 'idempotency-key': `malformed ${keyOf(route)} ${name}` } });
        expect({ route: keyOf(route), body: name, status: r.status, code: r.body?.error?.code }).toEqual({ route: keyOf(route), body: name, status: 400, code: 'VALIDATION_FAILED' });
      }
      // a body that is not JSON is refused, never ignored (ignored, a roll or a leave would run)
      const text = await call('POST', path, { token: tokenFor(route), raw: '{}', headers: { 'content-type': 'text/plain' } });
      expect({ route: keyOf(route), status: text.status, code: text.body?.error?.code }).toEqual({ route: keyOf(route), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(await snapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('an Idempotency-Key is its caller’s own: B sending A’s key and body gets an answer of its own, never A’s', async () => {
    const headers = { 'idempotency-key': 'the-same-key-for-a-and-b' };
    const first = await call('POST', '/v1/games', { token: ctx.a.token, body: {}, headers });
    const second = await call('POST', '/v1/games', { token: ctx.b.token, body: {}, headers });
    expect(first).toMatchObject({ status: 201, replayed: false, body: { createdBy: ctx.a.playerId } });
    expect(second).toMatchObject({ status: 201, replayed: false, body: { createdBy: ctx.b.playerId } });
    expect(second.body.gameId).not.toBe(first.body.gameId);
    // A's own retry is the replay
    expect(await call('POST', '/v1/games', { token: ctx.a.token, body: {}, headers })).toMatchObject({ status: 201, replayed: true, body: { gameId: first.body.gameId } });
  });

  it('8 concurrent joins with one Idempotency-Key and body run one saga: one debit, the same answer to all', async () => {
    const owner = await register('Owner', 0);
    const p = await register('Twin', 500);
    const gameId = (await call('POST', '/v1/games', { token: owner.token, body: {} })).body.gameId as string;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', `/v1/games/${gameId}/join`, { token: p.token, body: { buyIn: 120 }, headers: { 'idempotency-key': 'join-once' } })),
    );
    expect(answers[0]).toMatchObject({ status: 200, body: { sagaId: expect.stringMatching(/^s_/), status: 'completed', stack: 120 } });
    for (const a of answers) expect({ status: a.status, body: a.body }).toEqual({ status: answers[0].status, body: answers[0].body });
    // one ran, the other seven were given its answer
    expect(answers.filter((a) => a.replayed)).toHaveLength(7);
    expect(await wallet(p)).toBe(380);
    expect((await game(gameId)).players).toEqual([{ playerId: p.playerId, stack: 120 }]);
    const saga = await call('GET', `/v1/sagas/${answers[0].body.sagaId}`, { token: p.token });
    expect(saga.body.steps.filter((s: any) => s.name === 'debit-wallet')).toEqual([expect.objectContaining({ status: 'done' })]);
    await balanced();
  });
});
