import { createHash } from 'node:crypto';
import { HOUSE_MODE, newGameId, testCtx } from '../../test/fixtures';
import { chiSquare, chiSquarePValue } from '../../test/chi-square';
import { commitmentOf, verifyRollProof } from './dice';
import { addParticipant } from './participants';
import { currentRound, type ConsensusGame, type Ctx } from './record';
import { commitSeed, revealSeed, startRoll } from './rounds';

/**
 * Uniformity of the dice the service produces, not of the dice function alone: every
 * roll goes through the round state machine as RoundRunner drives it (a fresh 32-byte
 * house seed per round, the next round opened when the dice come out), half of them with a
 * player's fresh seed committed and revealed. The service draws its seeds from
 * `crypto.randomBytes(32)`; here they come from a fixed SHA-256 stream, so the run repeats
 * exactly and a check cannot fail by chance on one CI run in three hundred.
 */
describe('uniformity: chi-square over 60 000 rolls of the round state machine with random house seeds', () => {
  const ROLLS = 60_000;
  const A = 'p_00000000-0000-4000-8000-00000000000a';
  const faces1 = new Array(6).fill(0);
  const faces2 = new Array(6).fill(0);
  const pairs = new Array(36).fill(0);
  let checked = 0;

  let drawn = 0;
  /** 32 bytes that look random and repeat from run to run. */
  const nextSeed = (): Buffer => createHash('sha256').update(`chi-square seed ${drawn++}`).digest();

  beforeAll(() => {
    const fixed = testCtx();
    // the shell's context (round-runner.ts): a new seed per round; the clock moves on
    const ctxAt = (now: number): Ctx => ({ now, newSeed: nextSeed, house: fixed.house });
    const gameId = newGameId();
    let g: ConsensusGame = addParticipant(null, { gameId, playerId: A, opId: 'join-a' }, HOUSE_MODE, ctxAt(0)).next!;
    for (let i = 1; i <= ROLLS; i++) {
      const ctx = ctxAt(i * 10);
      if (i % 2 === 0) {
        const seed = nextSeed().toString('hex');
        g = commitSeed(g, { gameId, playerId: A, commitment: commitmentOf(seed) }).next!;
        g = revealSeed(g, { gameId, playerId: A, seed }, ctx.now).next!;
      }
      const d = startRoll(g, { gameId, rollIndex: i, opId: `roll-${i}` }, ctx);
      if (d.reply.kind !== 'answer' || !d.reply.reply.ok) throw new Error(`roll ${i} not answered: ${JSON.stringify(d.reply)}`);
      const { dice, proof } = d.reply.reply;
      g = d.next!;
      faces1[dice[0] - 1]++;
      faces2[dice[1] - 1]++;
      pairs[(dice[0] - 1) * 6 + (dice[1] - 1)]++;
      if (i % 1_000 === 0) {
        // the proof of what was produced recomputes, with the player's seed in it every other roll
        expect(verifyRollProof(proof)).toEqual({ ok: true, dice });
        expect(proof.contributions.map((c) => c.playerId)).toEqual(i % 2 === 0 ? [A] : []);
        checked++;
      }
      expect(currentRound(g)).toMatchObject({ rollIndex: i + 1, status: 'committing' });
    }
  });

  it('went through every roll of the state machine', () => {
    expect(faces1.reduce((a, b) => a + b, 0)).toBe(ROLLS);
    expect(checked).toBe(ROLLS / 1_000);
  });

  it('each die is uniform over 1..6 (5 degrees of freedom, p > 0.001)', () => {
    for (const faces of [faces1, faces2]) expect(chiSquarePValue(chiSquare(faces, ROLLS / 6), 5)).toBeGreaterThan(0.001);
  });

  it('the 36 pairs are uniform (35 degrees of freedom, p > 0.001): the two dice are independent', () => {
    expect(chiSquarePValue(chiSquare(pairs, ROLLS / 36), 35)).toBeGreaterThan(0.001);
  });
});
