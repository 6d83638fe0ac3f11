import { commitment, HOUSE_MODE, newGameId, seed, testCtx } from '../../test/fixtures';
import { section6Check } from '../../test/section6';
import { commitmentOf, diceFromSeeds } from './dice';
import { addParticipant } from './participants';
import { currentRound, ROUNDS_KEPT, roundOf, type ConsensusGame, type Ctx } from './record';
import { advance, commitSeed, nextDeadline, proofOf, revealSeed, roundView, rollState, startRoll, transitions, type RollState } from './rounds';

const A = 'p_00000000-0000-4000-8000-00000000000a';
const B = 'p_00000000-0000-4000-8000-00000000000b';
const C = 'p_00000000-0000-4000-8000-00000000000c';

function table(ctx: Ctx, players = [A, B], settings = HOUSE_MODE): ConsensusGame {
  let g: ConsensusGame | null = null;
  for (const p of players) g = addParticipant(g, { gameId: GAME, playerId: p, opId: `join-${p}` }, settings, ctx).next!;
  return g!;
}
const GAME = newGameId();

function must<T>(d: { next?: T; reply: unknown }): T {
  if (!d.next) throw new Error(`no change: ${JSON.stringify(d.reply)}`);
  return d.next;
}

const answered = (s: RollState) => {
  if (s.kind !== 'answer' || !s.reply.ok) throw new Error(`not answered: ${JSON.stringify(s)}`);
  return s.reply;
};

describe('rounds: commit, reveal, roll', () => {
  it('commits the house to roll 1 when the record is created, and never shows its seed before the dice', () => {
    const ctx = testCtx();
    const g = table(ctx);
    const r = currentRound(g);
    expect(r).toMatchObject({ rollIndex: 1, status: 'committing', houseCommitment: commitmentOf(ctx.seeds[0]!) });
    expect(JSON.stringify(roundView(g, r))).not.toContain(ctx.seeds[0]);
    expect(proofOf(g.gameId, r)).toBeNull();
  });

  it('plays a full round: both commit, both reveal, the dice come from the house seed and both seeds', () => {
    const ctx = testCtx();
    let g = table(ctx);
    g = must(commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
    g = must(commitSeed(g, { gameId: GAME, playerId: B, commitment: commitment(seed('b')).toUpperCase() }));
    const started = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'roll-1' }, ctx.at(2_000_000));
    g = started.next!;
    expect(started.reply).toEqual({ kind: 'wait', deadline: 2_000_000 + HOUSE_MODE.revealTimeoutMs });
    expect(roundView(g, roundOf(g, 1)!).revealDeadline).toBe(new Date(2_001_000).toISOString());
    g = must(revealSeed(g, { gameId: GAME, playerId: B, seed: seed('b') }, 2_000_100));
    expect(rollState(g, 1).kind).toBe('wait');
    const last = revealSeed(g, { gameId: GAME, playerId: A, seed: seed('a').toUpperCase() }, 2_000_200);
    expect(last.reply).toEqual({ ok: true, rollIndex: 1, awaiting: 0 });
    g = advance(last.next!, ctx.at(2_000_200));

    const reply = answered(rollState(g, 1));
    expect(reply.dice).toEqual(diceFromSeeds(ctx.seeds[0]!, [{ playerId: A, seed: seed('a') }, { playerId: B, seed: seed('b') }], 1));
    expect(reply).toMatchObject({ status: 'final', mode: 'house', withheld: [] });
    expect(reply.proof.contributions.map((c) => c.playerId)).toEqual([A, B]);
    expect(section6Check(reply.proof)).toEqual([]);
    // the next round is open at once, with a fresh house commitment
    expect(currentRound(g)).toMatchObject({ rollIndex: 2, status: 'committing', houseCommitment: commitmentOf(ctx.seeds[1]!) });
    expect(ctx.seeds[1]).not.toBe(ctx.seeds[0]);
  });

  it('rolls at once when nobody committed (the house seed alone)', () => {
    const ctx = testCtx();
    const d = startRoll(table(ctx), { gameId: GAME, rollIndex: 1, opId: 'r' }, ctx);
    const reply = answered(d.reply);
    expect(reply.dice).toEqual(diceFromSeeds(ctx.seeds[0]!, [], 1));
    expect(reply.proof.contributions).toEqual([]);
  });

  it('refuses a reveal that does not match its commitment, and changes nothing', () => {
    const ctx = testCtx();
    let g = must(commitSeed(table(ctx), { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
    g = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'r' }, ctx).next!;
    const d = revealSeed(g, { gameId: GAME, playerId: A, seed: seed('not a') }, ctx.now + 1);
    expect(d).toEqual({ reply: { ok: false, code: 'VALIDATION_FAILED', message: expect.stringMatching(/does not match your commitment/) } });
    // the right seed is still welcome before the deadline
    expect(revealSeed(g, { gameId: GAME, playerId: A, seed: seed('a') }, ctx.now + 2).reply).toMatchObject({ ok: true });
  });

  it('refuses a commitment once the roll started (betting closed)', () => {
    const ctx = testCtx();
    const g = startRoll(must(commitSeed(table(ctx), { gameId: GAME, playerId: A, commitment: commitment(seed('a')) })), { gameId: GAME, rollIndex: 1, opId: 'r' }, ctx).next!;
    expect(commitSeed(g, { gameId: GAME, playerId: B, commitment: commitment(seed('b')) }).reply).toMatchObject({ ok: false, code: 'CONFLICT', message: expect.stringMatching(/commitments are closed/) });
    expect(commitSeed(g, { gameId: GAME, playerId: B, commitment: commitment(seed('b')), rollIndex: 2 }).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('refuses a commitment to a roll lifecycle reserved (betting closed at check-shooter, before produce-roll); a replay still answers ok', () => {
    const ctx = testCtx();
    const g = must(commitSeed(table(ctx), { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }, null));
    const late = commitSeed(g, { gameId: GAME, playerId: B, commitment: commitment(seed('b')) }, 1);
    expect(late).toEqual({ reply: expect.objectContaining({ ok: false, code: 'CONFLICT', message: expect.stringMatching(/betting on roll 1 is closed/) }) });
    expect(late.next).toBeUndefined();
    // the one committed before betting closed is redelivered: same answer, nothing written
    expect(commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }, 1)).toEqual({ reply: expect.objectContaining({ ok: true, rollIndex: 1 }) });
    // a reserved roll before this round (its dice are out, not yet applied) does not close this one
    const rolled = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'r1' }, ctx).next!;
    const revealed = advance(must(revealSeed(rolled, { gameId: GAME, playerId: A, seed: seed('a') }, ctx.now)), ctx);
    expect(currentRound(revealed)).toMatchObject({ rollIndex: 2, status: 'committing' });
    expect(commitSeed(revealed, { gameId: GAME, playerId: B, commitment: commitment(seed('b2')) }, 1).reply).toMatchObject({ ok: true, rollIndex: 2 });
  });

  it('answers a redelivered commit or reveal as the first time after its round moved on, and commits nothing to the next round', () => {
    const ctx = testCtx();
    let g = must(commitSeed(table(ctx), { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
    g = must(revealSeed(g, { gameId: GAME, playerId: A, seed: seed('a') }, ctx.now));
    const first = commitSeed(table(testCtx()), { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }).reply;
    g = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'r' }, ctx).next!;
    expect(currentRound(g).rollIndex).toBe(2);
    const commitAgain = commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) });
    expect(commitAgain).toEqual({ reply: { ok: true, commitment: commitment(seed('a')), rollIndex: 1, houseCommitment: roundOf(g, 1)!.houseCommitment } });
    expect(first).toMatchObject({ ok: true, rollIndex: 1 });
    expect(revealSeed(g, { gameId: GAME, playerId: A, seed: seed('a') }, ctx.now + 99_999)).toEqual({ reply: { ok: true, rollIndex: 1, awaiting: 0 } });
    expect(currentRound(g).commitments).toEqual([]);
  });

  it('refuses commitments from non-participants, a second different commitment, and reveals without one', () => {
    const ctx = testCtx();
    let g = table(ctx);
    expect(commitSeed(g, { gameId: GAME, playerId: C, commitment: commitment(seed('c')) }).reply).toMatchObject({ code: 'NOT_SEATED' });
    g = must(commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
    expect(commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) })).toEqual({ reply: expect.objectContaining({ ok: true }) }); // same: idempotent
    expect(commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a2')) }).reply).toMatchObject({ code: 'CONFLICT' });
    expect(revealSeed(g, { gameId: GAME, playerId: B, seed: seed('b') }, ctx.now).reply).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/no commitment/) });
  });

  it('keeps an early reveal secret until the dice, and rolls at once when every committed player revealed', () => {
    const ctx = testCtx();
    let g = must(commitSeed(table(ctx), { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
    g = must(revealSeed(g, { gameId: GAME, playerId: A, seed: seed('a') }, ctx.now));
    expect(JSON.stringify(roundView(g, currentRound(g)))).not.toContain(seed('a'));
    const reply = answered(startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'r' }, ctx).reply);
    expect(reply.proof.contributions).toEqual([{ playerId: A, commitment: commitment(seed('a')), seed: seed('a') }]);
  });

  describe('a player who withholds their reveal', () => {
    const ctx = testCtx();
    let g = table(ctx, [A, B, C]);
    g = must(commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
    g = must(commitSeed(g, { gameId: GAME, playerId: B, commitment: commitment(seed('b')) }));
    g = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'r' }, ctx).next!;
    g = must(revealSeed(g, { gameId: GAME, playerId: A, seed: seed('a') }, ctx.now + 10));
    const deadline = ctx.now + HOUSE_MODE.revealTimeoutMs;

    it('holds the roll until the deadline, then is left out and recorded as faulty', () => {
      expect(advance(g, ctx.at(deadline - 1))).toBe(g); // nothing moves before the deadline
      const after = advance(g, ctx.at(deadline));
      const reply = answered(rollState(after, 1));
      expect(reply.withheld).toEqual([B]);
      expect(reply.proof.contributions.map((c) => c.playerId)).toEqual([A]);
      expect(reply.proof.withheld).toEqual([{ playerId: B, commitment: commitment(seed('b')) }]);
      expect(reply.dice).toEqual(diceFromSeeds(ctx.seeds[0]!, [{ playerId: A, seed: seed('a') }], 1));
      expect(after.faults).toEqual({ [B]: 1 });
      expect(section6Check(reply.proof)).toEqual([]);
      expect(transitions(g, after).rolled.map((r) => r.rollIndex)).toEqual([1]);
    });

    it('refuses the withheld seed once the deadline passed, even before the sweeper moved the round on', () => {
      expect(revealSeed(g, { gameId: GAME, playerId: B, seed: seed('b') }, deadline).reply).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/deadline/) });
      const after = advance(g, ctx.at(deadline));
      expect(revealSeed(after, { gameId: GAME, playerId: B, seed: seed('b'), rollIndex: 1 }, deadline + 5).reply).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/dice of roll 1 are out/) });
    });

    it('cannot steer the dice: the house seed, unknown to the player until the end, moves them', () => {
      // the same player seeds under other house seeds: the withholder's two options (reveal
      // or not) are each just as unpredictable
      const outcomes = new Set<string>();
      for (let i = 0; i < 40; i++) outcomes.add(diceFromSeeds(seed(`house ${i}`), [{ playerId: A, seed: seed('a') }], 1).join());
      expect(outcomes.size).toBeGreaterThan(15);
    });
  });

  describe('produce-roll is keyed by roll index', () => {
    it('answers a replay, or a retry with another opId, with the same dice and proof', () => {
      const ctx = testCtx();
      const first = startRoll(table(ctx), { gameId: GAME, rollIndex: 1, opId: 'saga-1:1' }, ctx);
      const g = first.next!;
      const again = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'saga-1:1' }, ctx.at(ctx.now + 5));
      const other = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'saga-2:1' }, ctx.at(ctx.now + 9));
      expect(again.next).toBeUndefined();
      expect(other.next).toBeUndefined();
      expect(answered(again.reply)).toEqual(answered(first.reply));
      expect(answered(other.reply)).toEqual(answered(first.reply));
    });

    it('gives the open round the index lifecycle reserved (the commitment binds to "the next roll")', () => {
      const ctx = testCtx();
      const d = startRoll(table(ctx), { gameId: GAME, rollIndex: 4, opId: 'r' }, ctx);
      expect(answered(d.reply).rollIndex).toBe(4);
      expect(answered(d.reply).dice).toEqual(diceFromSeeds(ctx.seeds[0]!, [], 4));
      expect(currentRound(d.next!).rollIndex).toBe(5);
      // an index at or below the last rolled one, not kept: archived (the stored proof answers)
      expect(startRoll(d.next!, { gameId: GAME, rollIndex: 2, opId: 'x' }, ctx).reply).toEqual({ kind: 'archived' });
    });

    it('asks a roll to try again (writing nothing) while an earlier one is undecided', () => {
      const ctx = testCtx();
      let g = must(commitSeed(table(ctx), { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
      g = startRoll(g, { gameId: GAME, rollIndex: 1, opId: 'r' }, ctx).next!;
      const d = startRoll(g, { gameId: GAME, rollIndex: 2, opId: 'r2' }, ctx);
      expect(d.reply).toMatchObject({ kind: 'answer', reply: { ok: false, code: 'TRY_AGAIN', message: 'roll 1 is not decided yet' } });
      expect(d.next).toBeUndefined();
    });

    it('keeps the last rounds in the record and names the next deadline', () => {
      const ctx = testCtx();
      let g = table(ctx);
      for (let i = 1; i <= ROUNDS_KEPT + 4; i++) g = startRoll(g, { gameId: GAME, rollIndex: i, opId: `r${i}` }, ctx).next!;
      expect(g.rounds.length).toBe(ROUNDS_KEPT);
      expect(currentRound(g).rollIndex).toBe(ROUNDS_KEPT + 5);
      expect(nextDeadline(g)).toBeNull();
      g = must(commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }));
      g = startRoll(g, { gameId: GAME, rollIndex: ROUNDS_KEPT + 5, opId: 'last' }, ctx.at(5_000_000)).next!;
      expect(nextDeadline(g)).toBe(5_000_000 + HOUSE_MODE.revealTimeoutMs);
    });
  });
});
