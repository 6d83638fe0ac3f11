import Redis from 'ioredis';
import { AddParticipant, CommitSeed, GetRoundStatus, PrepareGame, ProduceRoll, RevealSeed } from '@bitcraps/contracts';
import { waitFor } from '@bitcraps/messaging';
import { RoundTimers } from '../src/timers/round-timers';
import { commitment, newGameId, newPlayerId, seed } from './fixtures';
import { ConsensusHarness, ok } from './harness';

/**
 * Reveal deadlines are Redis timeouts: a round is decided at its deadline even when no
 * produce-roll waits for it (a short wait budget here), and even when Redis lost every
 * timeout meanwhile (re-armed from KV).
 */
describe('consensus: reveal deadlines in Redis', () => {
  let h: ConsensusHarness;
  let redis: Redis;

  beforeAll(async () => {
    h = await ConsensusHarness.start({ PRODUCE_ROLL_WAIT_MS: '150' });
    redis = new Redis(h.infra.redisUrl);
  });
  afterAll(async () => {
    await redis?.quit();
    await h?.stop();
  });

  async function rollingWithAWithholder(revealTimeoutMs: number) {
    const gameId = newGameId();
    const [a, b] = [newPlayerId(), newPlayerId()];
    ok(await h.send(PrepareGame, { gameId, settings: { consensus: 'house', revealTimeoutMs, voteTimeoutMs: 1_000 } }));
    for (const p of [a, b]) ok(await h.send(AddParticipant, { gameId, playerId: p, opId: `join-${p}` }));
    ok(await h.send(CommitSeed, { gameId, playerId: a, commitment: commitment(seed('a')) }));
    ok(await h.send(CommitSeed, { gameId, playerId: b, commitment: commitment(seed('b')) }));
    ok(await h.send(RevealSeed, { gameId, playerId: a, seed: seed('a') }));
    // b withholds: this attempt's wait budget (150 ms) runs out long before the deadline
    expect(await h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll' })).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/retry/) });
    return { gameId, a, b };
  }

  const roundStatus = async (gameId: string) => ok(await h.client.query(GetRoundStatus, { gameId, rollIndex: 1 })).round.status;

  it('decides the round at its deadline with nobody waiting; the retried roll answers its dice', async () => {
    const { gameId, a, b } = await rollingWithAWithholder(1_000);
    expect(await roundStatus(gameId)).toBe('revealing');
    await waitFor(async () => (await roundStatus(gameId)) === 'final', { timeoutMs: 5_000, what: 'the sweeper to decide the round' });
    const rolled = ok(await h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll' }));
    expect(rolled.withheld).toEqual([b]);
    expect(rolled.proof.contributions.map((c) => c.playerId)).toEqual([a]);
  });

  it('re-arms the deadlines from KV when Redis lost them', async () => {
    const timers = h.app.app.get(RoundTimers);
    const { gameId } = await rollingWithAWithholder(2_500);
    const rearms = timers.rearms;
    await redis.flushall();
    await waitFor(() => timers.rearms > rearms, { timeoutMs: 5_000, what: 'a re-arm from KV' });
    await waitFor(async () => (await roundStatus(gameId)) === 'final', { timeoutMs: 8_000, what: 'the round decided after Redis lost its timeouts' });
  });
});
