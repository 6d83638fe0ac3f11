import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AddParticipant,
  CancelRoll,
  CheckShooter,
  CommitSeed,
  CreateGame,
  GetRollProof,
  GetRoundStatus,
  PrepareGame,
  ProduceRoll,
  RemoveParticipant,
  RevealSeed,
  RevealsRequested,
  SeatPlayer,
  type ConsensusSettings,
} from '@bitcraps/contracts';
import { waitFor } from '@bitcraps/messaging';
import { runVerify } from '../src/verify';
import { commitment, newGameId, newPlayerId, seed } from './fixtures';
import { ConsensusHarness, ok } from './harness';
import { section6Check } from './section6';

const settings = (revealTimeoutMs: number): ConsensusSettings => ({ consensus: 'house', revealTimeoutMs, voteTimeoutMs: 5_000 });

/**
 * Commit-reveal rounds through JetStream against a private NATS and Redis, consensus in
 * this process: full rounds, a withheld reveal, replays, refusals, and the verify program.
 */
describe('consensus: commit-reveal dice over JetStream', () => {
  let h: ConsensusHarness;

  beforeAll(async () => {
    h = await ConsensusHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function table(revealTimeoutMs: number, players = 2) {
    const gameId = newGameId();
    const ids = Array.from({ length: players }, newPlayerId);
    ok(await h.send(PrepareGame, { gameId, settings: settings(revealTimeoutMs) }));
    for (const playerId of ids) ok(await h.send(AddParticipant, { gameId, playerId, opId: `join-${playerId}` }));
    return { gameId, ids };
  }

  const status = async (gameId: string, rollIndex?: number) => ok(await h.client.query(GetRoundStatus, { gameId, ...(rollIndex ? { rollIndex } : {}) }));

  it('plays a full round with two players: commit, roll, reveal, dice with a proof anyone can recompute', async () => {
    const { gameId, ids } = await table(10_000);
    const [a, b] = [ids[0]!, ids[1]!];
    const before = await status(gameId);
    expect(before.round).toMatchObject({ rollIndex: 1, status: 'committing', commitments: [] });
    const houseCommitment = before.round.houseCommitment;

    ok(await h.send(CommitSeed, { gameId, playerId: a, commitment: commitment(seed(`a/${gameId}`)) }));
    ok(await h.send(CommitSeed, { gameId, playerId: b, commitment: commitment(seed(`b/${gameId}`)) }));
    const started = Date.now();
    const rolling = h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll-saga:1' });
    await waitFor(async () => (await status(gameId, 1)).round.status === 'revealing', { what: 'the roll to start' });
    // the players learn it from the event, with the deadline
    await waitFor(() => h.eventsOf(RevealsRequested.subject, gameId).length === 1, { what: 'reveals-requested' });
    expect(h.eventsOf(RevealsRequested.subject, gameId)[0]).toMatchObject({ msgId: `consensus.reveals-requested.${gameId}.1`, body: { rollIndex: 1, awaiting: [a, b].sort() } });
    // no proof before the dice: the house seed stays secret
    expect(await h.client.query(GetRollProof, { gameId, rollIndex: 1 })).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    expect(ok(await h.send(RevealSeed, { gameId, playerId: b, seed: seed(`b/${gameId}`) })).awaiting).toBe(1);
    expect(ok(await h.send(RevealSeed, { gameId, playerId: a, seed: seed(`a/${gameId}`) })).awaiting).toBe(0);
    const rolled = ok(await rolling);
    expect(Date.now() - started).toBeLessThan(10_000); // answered when the reveals were in, not at the deadline
    expect(rolled).toMatchObject({ rollIndex: 1, status: 'final', mode: 'house', withheld: [] });
    expect(rolled.proof.houseCommitment).toBe(houseCommitment);
    expect(rolled.proof.contributions.map((c) => c.playerId)).toEqual([a, b].sort());
    expect(section6Check(rolled.proof)).toEqual([]);
    expect(rolled.proof.dice).toEqual(rolled.dice);

    // redelivered commit and reveal (fresh message ids) answer ok again and touch the next round not at all
    expect(ok(await h.send(RevealSeed, { gameId, playerId: a, seed: seed(`a/${gameId}`) }))).toEqual({ ok: true, rollIndex: 1, awaiting: 0 });
    expect(ok(await h.send(CommitSeed, { gameId, playerId: a, commitment: commitment(seed(`a/${gameId}`)) })).rollIndex).toBe(1);

    // the proof is public and stored; the next roll's house commitment is already out
    expect(ok(await h.client.query(GetRollProof, { gameId, rollIndex: 1 })).proof).toEqual(rolled.proof);
    const next = await status(gameId);
    expect(next.round).toMatchObject({ rollIndex: 2, status: 'committing', commitments: [] });
    expect(next.round.houseCommitment).not.toBe(houseCommitment);
  });

  it('leaves out a player who withholds their reveal, records them faulty, and refuses their late reveal', async () => {
    const { gameId, ids } = await table(800);
    const [a, b] = [ids[0]!, ids[1]!];
    ok(await h.send(CommitSeed, { gameId, playerId: a, commitment: commitment(seed('a')) }));
    ok(await h.send(CommitSeed, { gameId, playerId: b, commitment: commitment(seed('withheld')) }));
    const rolling = h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll-1' });
    await waitFor(async () => (await status(gameId, 1)).round.status === 'revealing', { what: 'the roll to start' });
    ok(await h.send(RevealSeed, { gameId, playerId: a, seed: seed('a') }));
    const rolled = ok(await rolling);
    expect(rolled.withheld).toEqual([b]);
    expect(rolled.proof.contributions.map((c) => c.playerId)).toEqual([a]);
    expect(rolled.proof.withheld).toEqual([{ playerId: b, commitment: commitment(seed('withheld')) }]);
    expect(section6Check(rolled.proof)).toEqual([]);

    const late = await h.send(RevealSeed, { gameId, playerId: b, seed: seed('withheld'), rollIndex: 1 });
    expect(late).toMatchObject({ ok: false, code: 'CONFLICT' });
    const after = await status(gameId, 1);
    expect(after.faults).toEqual({ [b]: 1 });
    expect(after.round).toMatchObject({ status: 'final', withheld: [b] });

    // consensus time is measured
    const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
    expect(metrics).toMatch(/bitcraps_consensus_duration_seconds_count\{[^}]*mode="house"[^}]*outcome="final"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/bitcraps_consensus_faults_total\{[^}]*kind="withheld"[^}]*\} [1-9]/);
  });

  it('answers a replay of produce-roll (a redelivery, a saga retry, another opId) with the same dice', async () => {
    const { gameId, ids } = await table(5_000);
    ok(await h.send(CommitSeed, { gameId, playerId: ids[0]!, commitment: commitment(seed('r')) }));
    ok(await h.send(RevealSeed, { gameId, playerId: ids[0]!, seed: seed('r') }));
    const first = ok(await h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'saga-a:1' }));
    const replays = await Promise.all([
      h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'saga-a:1' }),
      h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'saga-a:1' }),
      h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'saga-b:1' }),
    ]);
    for (const r of replays) expect(ok(r)).toEqual(first);
    // and the next roll is another round with other dice material
    const second = ok(await h.send(ProduceRoll, { gameId, rollIndex: 2, opId: 'saga-c:1' }));
    expect(second.proof.houseSeed).not.toBe(first.proof.houseSeed);
    expect(ok(await h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'saga-d:1' }))).toEqual(first);
  });

  it('refuses a commitment after betting closed and a reveal that does not match its commitment', async () => {
    const { gameId, ids } = await table(1_500);
    const [a, b] = [ids[0]!, ids[1]!];
    ok(await h.send(CommitSeed, { gameId, playerId: a, commitment: commitment(seed('a')) }));
    const rolling = h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'r' });
    await waitFor(async () => (await status(gameId, 1)).round.status === 'revealing', { what: 'the roll to start' });
    expect(await h.send(CommitSeed, { gameId, playerId: b, commitment: commitment(seed('b')) })).toMatchObject({ ok: false, code: 'CONFLICT', message: expect.stringMatching(/closed/) });
    expect(await h.send(RevealSeed, { gameId, playerId: a, seed: seed('forged') })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    ok(await h.send(RevealSeed, { gameId, playerId: a, seed: seed('a') }));
    const rolled = ok(await rolling);
    expect(rolled.proof.contributions).toEqual([{ playerId: a, commitment: commitment(seed('a')), seed: seed('a') }]);
    expect(await h.send(CommitSeed, { gameId, playerId: newPlayerId(), commitment: commitment(seed('x')) })).toMatchObject({ ok: false, code: 'NOT_SEATED' });
  });

  it('refuses a commitment sent after check-shooter closed betting and before produce-roll; a cancelled roll reopens them', async () => {
    // a real lifecycle game: the reservation consensus asks about is lifecycle's
    const gameId = newGameId();
    const [a, b] = [newPlayerId(), newPlayerId()];
    ok(await h.send(CreateGame, { gameId, createdBy: a, settings: { revealTimeoutMs: 1_500 } }));
    for (const p of [a, b]) {
      ok(await h.send(SeatPlayer, { gameId, playerId: p, buyIn: 100, opId: `seat-${p}` }));
      ok(await h.send(AddParticipant, { gameId, playerId: p, opId: `join-${p}` }));
    }
    ok(await h.send(CommitSeed, { gameId, playerId: a, commitment: commitment(seed(`a/${gameId}`)) }));
    expect(ok(await h.send(CheckShooter, { gameId, playerId: a, opId: 'roll-1:check' })).rollIndex).toBe(1);

    // the window: betting closed, produce-roll not sent yet
    expect(await h.send(CommitSeed, { gameId, playerId: b, commitment: commitment(seed(`b/${gameId}`)) })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
      message: expect.stringMatching(/betting on roll 1 is closed/),
    });
    expect((await status(gameId)).round).toMatchObject({ rollIndex: 1, status: 'committing', commitments: [{ playerId: a }] });
    // the commitment made while betting was open, redelivered, still answers ok
    expect(ok(await h.send(CommitSeed, { gameId, playerId: a, commitment: commitment(seed(`a/${gameId}`)) })).rollIndex).toBe(1);

    // the roll is cancelled (its saga compensated): betting and commitments reopen
    ok(await h.send(CancelRoll, { gameId, checkOpId: 'roll-1:check' }));
    ok(await h.send(CommitSeed, { gameId, playerId: b, commitment: commitment(seed(`b/${gameId}`)) }));
    expect((await status(gameId)).round.commitments.map((c) => c.playerId).sort()).toEqual([a, b].sort());
  });

  it('burns a join whose compensation arrived first, and removes a participant idempotently', async () => {
    const gameId = newGameId();
    const p = newPlayerId();
    ok(await h.send(PrepareGame, { gameId, settings: settings(1_000) }));
    ok(await h.send(RemoveParticipant, { gameId, playerId: p, opId: 'undo-join', compensates: 'join' }));
    expect(await h.send(AddParticipant, { gameId, playerId: p, opId: 'join' })).toMatchObject({ ok: false, code: 'CONFLICT' });
    ok(await h.send(AddParticipant, { gameId, playerId: p, opId: 'join-2' }));
    expect(ok(await h.send(AddParticipant, { gameId, playerId: p, opId: 'join-2' })).alreadyParticipant).toBe(false); // the first answer
    expect(ok(await h.send(RemoveParticipant, { gameId, playerId: p, opId: 'leave' })).wasParticipant).toBe(true);
    expect(ok(await h.send(RemoveParticipant, { gameId, playerId: p, opId: 'leave' })).wasParticipant).toBe(true);
  });

  describe('settings from lifecycle', () => {
    it('reads a game\'s settings from lifecycle when the join carries none', async () => {
      // consensus asks lifecycle's get-game once per game it has not seen
      const known = newGameId();
      ok(await h.send(CreateGame, { gameId: known, createdBy: newPlayerId(), settings: { consensus: 'quorum' } }));
      expect(await h.send(AddParticipant, { gameId: known, playerId: newPlayerId(), opId: 'j1' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringMatching(/quorum table/) });
      expect((await status(known)).round.mode).toBe('quorum');
      expect(await h.send(AddParticipant, { gameId: newGameId(), playerId: newPlayerId(), opId: 'j1' })).toMatchObject({ ok: false, code: 'GAME_NOT_FOUND' });
    });
  });

  describe('the verify program', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // stands in for the gateway route GET /v1/games/:gameId/rolls/:rollIndex/proof
      server = createServer((req, res) => {
        const m = /^\/v1\/games\/([^/]+)\/rolls\/(\d+)\/proof$/.exec(req.url ?? '');
        if (!m) return res.writeHead(404).end();
        void h.client.query(GetRollProof, { gameId: m[1]!, rollIndex: Number(m[2]) }).then((r) => {
          res.writeHead(r.ok ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(r.ok ? r.proof : { error: { code: r.code, message: r.message } }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const out: string[] = [];
      const code = await runVerify(argv, { out: (l) => out.push(l), err: (l) => out.push(l), env, fetch: globalThis.fetch });
      return { code, text: out.join('\n') };
    };

    it('fetches a real proof from the gateway URL and recomputes it: ok, exit 0; an unknown roll: exit 1', async () => {
      const { gameId, ids } = await table(2_000);
      ok(await h.send(CommitSeed, { gameId, playerId: ids[0]!, commitment: commitment(seed('v')) }));
      ok(await h.send(RevealSeed, { gameId, playerId: ids[0]!, seed: seed('v') }));
      const rolled = ok(await h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'v' }));
      const viaFlag = await run(['--url', url, gameId, '1']);
      expect(viaFlag).toEqual({ code: 0, text: expect.stringMatching(new RegExp(`^ok: roll 1 of ${gameId}: dice \\[${rolled.dice.join(', ')}\\]`)) });
      expect((await run([gameId, '1'], { BITCRAPS_URL: url })).code).toBe(0);
      expect(await run([gameId, '7'], { BITCRAPS_URL: url })).toEqual({ code: 1, text: expect.stringMatching(/could not fetch the proof: 404/) });
    });
  });
});
