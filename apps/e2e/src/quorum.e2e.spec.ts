import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { GetRoundStatus } from '@bitcraps/contracts';
import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { consensusService } from '../../consensus/src/consensus.service';
import { resultDigest } from '../../consensus/src/domain/signatures';
import { verifyRollProof } from '../../consensus/src/domain/dice';
import { chipTotals, gatewayApi } from './e2e.helpers';

/**
 * Quorum tables end to end (DESIGN.md section 6) through the real gateway, orchestrator,
 * lifecycle, player, treasury and consensus over a private NATS JetStream and Redis:
 * players join with Ed25519 keys and sign each roll's result at /votes. A round with
 * every signature is final; one short of a quorum at voteTimeoutMs suspends the game,
 * an operator resolves the round and resumes, and the game goes on. The house's
 * commitment for each roll is published before betting and matches the roll's proof.
 * After every test the chips balance.
 */
const ADMIN = 'admin-token-for-the-quorum-e2e-0123456789';

interface Voter {
  playerId: string;
  token: string;
  publicKey: string;
  privateKey: KeyObject;
}

describe('quorum tables end to end', () => {
  let infra: Infrastructure;
  const services: ServiceApp[] = [];
  let base: string;
  let bus: JetStreamClientProxy;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    const env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'warn', REQUEST_TIMEOUT_MS: '30000', HOUSE_BANKROLL: '1000000', RATE_LIMITS: 'off', ADMIN_TOKEN: ADMIN };
    for (const def of [playerService, lifecycleService, treasuryService, consensusService, orchestratorService]) services.push(await createServiceApp(def as never, env));
    const gateway = await createServiceApp(gatewayService, env);
    services.push(gateway);
    base = gateway.url;
    bus = new JetStreamClientProxy({ url: infra.natsUrl, name: 'quorum-e2e', timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await bus?.close();
    for (const s of services.reverse()) await s.close();
    await infra?.stop();
  });

  afterEach(async () => {
    // conservation, at quiescence
    const audit = await waitFor(async () => {
      const c = await chipTotals(bus);
      return c && c.held === c.put ? { held: c.held, put: c.put } : null;
    }, { timeoutMs: 20_000, what: 'the chips to balance' });
    expect(audit.held).toBe(audit.put);
    const balanced = await waitFor(async () => {
      const a = await call('GET', '/v1/audit', undefined, ADMIN);
      return a.status === 200 && a.body.balanced && a.body.inFlight === 0 ? a.body : null;
    }, { timeoutMs: 20_000, what: 'GET /v1/audit to balance with nothing in flight' });
    expect(balanced.balanced).toBe(true);
  });

  const { call, register } = gatewayApi(() => base, { playerName: 'Q' });
  const wallet = async (token: string) => (await call('GET', '/v1/players/me', undefined, token)).body.balance as number;

  async function voter(deposit = 1_000): Promise<Voter> {
    const p = await register(deposit);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    return { ...p, publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64'), privateKey };
  }

  /** A quorum table with `players` seated (the first is the shooter). */
  async function quorumTable(players: Voter[], voteTimeoutMs: number) {
    const created = await call('POST', '/v1/games', { consensus: 'quorum', revealTimeoutMs: 1_000, voteTimeoutMs, rollTimeoutMs: 600_000 }, players[0]!.token);
    expect(created.status).toBe(201);
    const gameId = created.body.gameId as string;
    for (const p of players) {
      expect(await call('POST', `/v1/games/${gameId}/join`, { buyIn: 200, publicKey: p.publicKey }, p.token)).toMatchObject({ status: 200, body: { status: 'completed', stack: 200 } });
    }
    return gameId;
  }

  const currentRound = async (gameId: string) => {
    const r = await call('GET', `/v1/games/${gameId}/rounds/current`);
    expect(r.status).toBe(200);
    return r.body as { gameId: string; rollIndex: number; status: string; mode: string; houseCommitment: string; commitments: unknown[] };
  };

  /**
   * The shooter rolls; once the dice are out (the proof is public) each of `signers` signs
   * the result at /votes. Answers the roll's HTTP answer and the proof.
   */
  async function rollWithVotes(gameId: string, shooter: Voter, rollIndex: number, signers: Voter[]) {
    const rolling = call('POST', `/v1/games/${gameId}/roll`, undefined, shooter.token);
    const proof = await waitFor(async () => {
      const r = await call('GET', `/v1/games/${gameId}/rolls/${rollIndex}/proof`);
      return r.status === 200 ? r.body : null;
    }, { timeoutMs: 20_000, what: `the dice of roll ${rollIndex}` });
    const digest = resultDigest({ dice: proof.dice, gameId, rollIndex });
    for (const s of signers) {
      const vote = await call('POST', `/v1/games/${gameId}/votes`, { rollIndex, dice: proof.dice, signature: sign(null, digest, s.privateKey).toString('base64') }, s.token);
      expect(vote).toMatchObject({ status: 202, body: { rollIndex, counted: true } });
    }
    return { rolled: await rolling, proof };
  }

  it('publishes the house commitment before betting; a round every voter signs is final, and its proof opens that commitment', async () => {
    const [a, b] = [await voter(), await voter()];
    const gameId = await quorumTable([a, b], 10_000);

    // before any bet on roll 1: the house is committed, no seed is shown
    const published = await currentRound(gameId);
    expect(published).toEqual({ gameId, rollIndex: 1, status: 'committing', mode: 'quorum', houseCommitment: expect.stringMatching(/^[0-9a-f]{64}$/), commitments: [] });
    expect(Object.keys(published)).not.toContain('houseSeed');
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'field', amount: 10 }, a.token)).status).toBe(200);
    expect(await currentRound(gameId)).toEqual(published);

    const { rolled, proof } = await rollWithVotes(gameId, a, 1, [a, b]);
    expect(rolled).toMatchObject({ status: 200, body: { rollIndex: 1, dice: proof.dice } });
    expect(proof.houseCommitment).toBe(published.houseCommitment);
    expect(verifyRollProof(proof)).toEqual({ ok: true, dice: proof.dice });
    // three voters (the house, a, b): three valid signatures are a quorum, the round is final
    const round1 = ok(await bus.query(GetRoundStatus, { gameId, rollIndex: 1 }));
    expect(round1.round).toMatchObject({ status: 'final', voting: { eligible: 3, needed: 3, valid: 3 }, resolution: null });

    // the next roll's commitment is out as soon as these dice are, and its proof opens it too
    const next = await currentRound(gameId);
    expect(next).toMatchObject({ rollIndex: 2, status: 'committing' });
    expect(next.houseCommitment).not.toBe(published.houseCommitment);
    const second = await rollWithVotes(gameId, a, 2, [a, b]);
    expect(second.rolled).toMatchObject({ status: 200, body: { rollIndex: 2 } });
    expect(second.proof.houseCommitment).toBe(next.houseCommitment);
  });

  it('a round short of a quorum at voteTimeoutMs suspends the game; the operator resolves it and resumes, and the game goes on', async () => {
    const [a, b] = [await voter(), await voter()];
    // long enough for a's vote to land on a loaded machine; b never votes
    const gameId = await quorumTable([a, b], 3_000);
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'pass', amount: 20 }, a.token)).status).toBe(200);
    expect((await call('POST', `/v1/games/${gameId}/bets`, { type: 'field', amount: 10 }, b.token)).status).toBe(200);

    // only a signs: the house and a are 2 of 3, a quorum needs 3
    const failed = await rollWithVotes(gameId, a, 1, [a]);
    expect(failed.rolled).toMatchObject({ status: 409, body: { error: { code: 'GAME_SUSPENDED' } } });
    const suspended = await waitFor(async () => {
      const g = (await call('GET', `/v1/games/${gameId}`, undefined, a.token)).body;
      return g.status === 'suspended' ? g : null;
    }, { what: 'the game to be suspended on quorum-failed' });
    expect(suspended).toMatchObject({ rollCount: 0, suspension: { reason: 'no quorum for roll 1' } });
    expect(suspended.pendingRoll).toBeUndefined(); // the roll saga gave the roll back
    expect(suspended.bets).toHaveLength(2); // the stakes stay on the layout, in escrow
    expect(await call('POST', `/v1/games/${gameId}/roll`, undefined, a.token)).toMatchObject({ status: 409, body: { error: { code: 'GAME_SUSPENDED' } } });

    // the operator's route: admin only, a checked body, a real roll
    const resolvePath = `/v1/games/${gameId}/rolls/1/resolve`;
    expect((await call('POST', resolvePath, { decision: 'accept', reason: 'voters offline' }, a.token)).status).toBe(403);
    expect(await call('POST', resolvePath, { decision: 'void', reason: 'x' }, ADMIN)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await call('POST', resolvePath, { decision: 'accept' }, ADMIN)).toMatchObject({ status: 400 });
    expect((await call('POST', `/v1/games/${gameId}/rolls/2/resolve`, { decision: 'accept', reason: 'x' }, ADMIN)).status).toBe(409); // no dice yet
    expect((await call('POST', `/v1/games/${gameId}/rolls/0/resolve`, { decision: 'accept', reason: 'x' }, ADMIN)).status).toBe(404);
    const resolved = await call('POST', resolvePath, { decision: 'accept', reason: 'voters offline' }, ADMIN);
    expect(resolved).toEqual({ status: 200, body: { rollIndex: 1, status: 'resolved', dice: failed.proof.dice } });
    // idempotent: the same answer again
    expect(await call('POST', resolvePath, { decision: 'accept', reason: 'voters offline' }, ADMIN)).toEqual(resolved);

    expect((await call('POST', `/v1/games/${gameId}/resume`, { reason: 'round resolved' }, ADMIN)).status).toBe(200);
    // the shooter rolls roll 1 again: the resolved dice, paid
    const again = await call('POST', `/v1/games/${gameId}/roll`, undefined, a.token);
    expect(again).toMatchObject({ status: 200, body: { rollIndex: 1, dice: failed.proof.dice } });
    expect(again.body.resolutions.find((r: any) => r.type === 'field')).toBeDefined();

    // and the game goes on: roll 2 with every signature
    const next = await rollWithVotes(gameId, a, 2, [a, b]);
    expect(next.rolled).toMatchObject({ status: 200, body: { rollIndex: 2 } });
    const view = (await call('GET', `/v1/games/${gameId}`, undefined, a.token)).body;
    expect(view).toMatchObject({ status: 'open', rollCount: 2 });
  });

  it('refuses a join whose public key is not an Ed25519 key with 400, before any chip moves', async () => {
    const [a] = [await voter(500)];
    const gameId = await quorumTable([a], 5_000);
    const p = await register(500);
    for (const publicKey of [Buffer.alloc(31, 1).toString('base64'), Buffer.alloc(33, 1).toString('base64'), 'ab'.repeat(33)]) {
      expect(await call('POST', `/v1/games/${gameId}/join`, { buyIn: 100, publicKey }, p.token)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    }
    expect(await wallet(p.token)).toBe(500);
    // a game nobody sat down at has no house commitment yet; a malformed id is no game
    const empty = (await call('POST', '/v1/games', { consensus: 'quorum' }, p.token)).body.gameId;
    expect(await call('GET', `/v1/games/${empty}/rounds/current`)).toMatchObject({ status: 404, body: { error: { code: 'GAME_NOT_FOUND' } } });
    expect((await call('GET', '/v1/games/nope/rounds/current')).status).toBe(404);
    const view = (await call('GET', `/v1/games/${gameId}`, undefined, a.token)).body;
    expect(view.players.map((x: any) => x.playerId)).toEqual([a.playerId]);
  });
});

function ok<R extends { ok: boolean }>(reply: R): Extract<R, { ok: true }> {
  if (!reply.ok) throw new Error(`refused: ${JSON.stringify(reply)}`);
  return reply as Extract<R, { ok: true }>;
}
