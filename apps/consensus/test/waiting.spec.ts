import { AddParticipant, CommitSeed, PrepareGame, ProduceRoll, RevealSeed } from '@bitcraps/contracts';
import { waitFor } from '@bitcraps/messaging';
import { RollsHandlers } from '../src/handlers/rolls.handlers';
import { commitment, newGameId, newPlayerId, seed } from './fixtures';
import { ConsensusHarness, ok } from './harness';

/**
 * A waiting produce-roll holds a handler slot: with two slots and at most one waiting
 * roll, a second roll is told to retry at once and the reveals still get through.
 */
describe('consensus: waiting rolls never starve the reveals', () => {
  let h: ConsensusHarness;

  beforeAll(async () => {
    h = await ConsensusHarness.start({ CONCURRENCY: '2', MAX_WAITING_ROLLS: '1' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function committedTable() {
    const gameId = newGameId();
    const p = newPlayerId();
    ok(await h.send(PrepareGame, { gameId, settings: { consensus: 'house', revealTimeoutMs: 20_000, voteTimeoutMs: 1_000 } }));
    ok(await h.send(AddParticipant, { gameId, playerId: p, opId: 'join' }));
    ok(await h.send(CommitSeed, { gameId, playerId: p, commitment: commitment(seed(gameId)) }));
    return { gameId, p };
  }

  it('answers SERVICE_UNAVAILABLE to a second waiting roll, and the first one ends with its reveal', async () => {
    const handlers = h.app.app.get(RollsHandlers);
    const x = await committedTable();
    const y = await committedTable();
    const started = Date.now();
    const rollingX = h.send(ProduceRoll, { gameId: x.gameId, rollIndex: 1, opId: 'x' });
    await waitFor(() => handlers.waitingRolls === 1, { what: 'roll x to wait' });
    expect(await h.send(ProduceRoll, { gameId: y.gameId, rollIndex: 1, opId: 'y' })).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
    ok(await h.send(RevealSeed, { gameId: x.gameId, playerId: x.p, seed: seed(x.gameId) }));
    const rolled = ok(await rollingX);
    expect(rolled.proof.contributions).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    // y's round started anyway: its reveal and a retry finish it
    ok(await h.send(RevealSeed, { gameId: y.gameId, playerId: y.p, seed: seed(y.gameId) }));
    expect(ok(await h.send(ProduceRoll, { gameId: y.gameId, rollIndex: 1, opId: 'y' })).proof.contributions).toHaveLength(1);
    expect(handlers.waitingRolls).toBe(0);
  });
});
