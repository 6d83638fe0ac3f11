import { commitment, HOUSE_MODE, newGameId, seed, testCtx } from '../../test/fixtures';
import { section6Check, section6Dice } from '../../test/section6';
import { addParticipant } from './participants';
import { type ConsensusGame } from './record';
import { advance, commitSeed, revealSeed, rollState, startRoll } from './rounds';

/**
 * The service's proofs against an independent re-implementation of DESIGN.md section 6
 * (test/section6.ts imports none of the service's dice code).
 */
describe('proofs recompute to their dice (independent section 6 verifier)', () => {
  it('holds for 300 rounds with 0 to 5 players, some of them withholding', () => {
    const ctx = testCtx();
    const players = Array.from({ length: 5 }, (_, i) => `p_0000000${i}-0000-4000-8000-000000000000`).reverse();
    let g: ConsensusGame | null = null;
    const gameId = newGameId();
    for (const p of players) g = addParticipant(g, { gameId, playerId: p, opId: `j-${p}` }, HOUSE_MODE, ctx).next!;
    let game = g!;
    let t = ctx.now;
    for (let roll = 1; roll <= 300; roll++) {
      const committed = players.slice(0, roll % 6);
      for (const p of committed) game = commitSeed(game, { gameId, playerId: p, commitment: commitment(seed(`${p}/${roll}`)) }).next!;
      t += 10;
      const started = startRoll(game, { gameId, rollIndex: roll, opId: `r${roll}` }, ctx.at(t));
      game = started.next!;
      committed.forEach((p, i) => {
        if ((roll + i) % 4 === 0) return; // withholds
        game = revealSeed(game, { gameId, playerId: p, seed: seed(`${p}/${roll}`) }, t + 1).next!;
      });
      t += HOUSE_MODE.revealTimeoutMs;
      game = advance(game, ctx.at(t));
      const state = rollState(game, roll);
      if (state.kind !== 'answer' || !state.reply.ok) throw new Error(`roll ${roll} not answered`);
      const { proof, dice } = state.reply;
      expect(section6Check(proof)).toEqual([]);
      expect(section6Dice(proof.houseSeed, proof.contributions, roll)).toEqual(dice);
    }
  });

  it('rejects a proof with one byte changed anywhere', () => {
    const house = seed('house');
    const proof = {
      rollIndex: 2,
      houseCommitment: commitment(house),
      houseSeed: house,
      contributions: [{ playerId: 'p_1', commitment: commitment(seed('x')), seed: seed('x') }],
      dice: section6Dice(house, [{ playerId: 'p_1', seed: seed('x') }], 2),
    };
    expect(section6Check(proof)).toEqual([]);
    expect(section6Check({ ...proof, houseSeed: seed('other') })).not.toEqual([]);
    // another roll index: other dice, unless they coincide by chance
    const sameByChance = section6Dice(house, proof.contributions, 3).join() === proof.dice.join();
    expect(section6Check({ ...proof, rollIndex: 3 }).length > 0 || sameByChance).toBe(true);
  });
});
