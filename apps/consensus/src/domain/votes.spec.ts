import { keyPair, QUORUM_MODE, newGameId, testCtx } from '../../test/fixtures';
import { addParticipant } from './participants';
import { neededFor, tally } from './quorum';
import { HOUSE_VOTER, roundOf, type ConsensusGame } from './record';
import { advance, rollState, startRoll, transitions } from './rounds';
import { resultDigest, verifySignature } from './signatures';
import { resolveRound, submitVote } from './votes';

const GAME = newGameId();
const ids = ['p_00000000-0000-4000-8000-000000000001', 'p_00000000-0000-4000-8000-000000000002', 'p_00000000-0000-4000-8000-000000000003'] as const;

/** A quorum table of three players (four voters with the house), roll 1 rolled and voting. */
function votingTable() {
  const ctx = testCtx();
  const keys = ids.map(() => keyPair());
  let g: ConsensusGame | null = null;
  ids.forEach((p, i) => (g = addParticipant(g, { gameId: GAME, playerId: p, opId: `join-${i}`, publicKey: [keys[i]!.rawHex, keys[i]!.rawBase64, keys[i]!.spkiBase64][i] }, QUORUM_MODE, ctx).next!));
  const started = startRoll(g!, { gameId: GAME, rollIndex: 1, opId: 'roll-1' }, ctx);
  const rolled = started.next!;
  const dice = roundOf(rolled, 1)!.dice!;
  const sign = (i: number, d: readonly [number, number] = dice) => keys[i]!.sign(resultDigest({ dice: d, gameId: GAME, rollIndex: 1 }));
  const vote = (game: ConsensusGame, i: number, d: [number, number] = dice, signature = sign(i, d), at = ctx.now + 10) =>
    submitVote(game, { gameId: GAME, rollIndex: 1, playerId: ids[i]!, dice: d, signature }, ctx.at(at));
  return { ctx, keys, g: rolled, started, dice, sign, vote };
}

const other = (d: readonly [number, number]): [number, number] => [d[0] === 6 ? 1 : d[0] + 1, d[1]];

describe('quorum votes', () => {
  it('needs more than two thirds of the voters', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 21].map(neededFor)).toEqual([1, 2, 3, 3, 4, 5, 5, 15]);
    for (let n = 1; n <= 21; n++) {
      expect(neededFor(n) * 3).toBeGreaterThan(n * 2);
      expect((neededFor(n) - 1) * 3).toBeLessThanOrEqual(n * 2);
    }
  });

  it('opens voting when the dice come out: the house is a voter and has signed', () => {
    const { g, started, dice, ctx } = votingTable();
    expect(started.reply).toEqual({ kind: 'wait', deadline: ctx.now + QUORUM_MODE.voteTimeoutMs });
    const r = roundOf(g, 1)!;
    expect(r.status).toBe('voting');
    expect(r.voters.map((v) => v.voterId)).toEqual([HOUSE_VOTER, ...ids]);
    expect(verifySignature(ctx.house.publicKey, resultDigest({ dice, gameId: GAME, rollIndex: 1 }), r.votes[0]!.signature)).toBe(true);
    expect(tally(g, r)).toMatchObject({ eligible: 4, needed: 3, valid: 1 });
  });

  it('is final with the house and two of three players (3 of 4 > 2/3)', () => {
    const { g, vote } = votingTable();
    const one = vote(g, 0);
    expect(one.reply).toMatchObject({ ok: true, counted: true, byzantine: false, status: 'voting', valid: 2, needed: 3 });
    const two = vote(one.next!, 2);
    expect(two.reply).toMatchObject({ ok: true, counted: true, status: 'final', valid: 3 });
    const reply = rollState(two.next!, 1);
    expect(reply).toMatchObject({ kind: 'answer', reply: { ok: true, status: 'final', mode: 'quorum' } });
    expect(transitions(one.next!, two.next!).decided.map((r) => r.rollIndex)).toEqual([1]);
  });

  it('answers a repeated vote the same and writes nothing', () => {
    const { g, vote } = votingTable();
    const first = vote(g, 0);
    const again = vote(first.next!, 0);
    expect(again.next).toBeUndefined();
    expect(again.reply).toEqual(first.reply);
  });

  it('refuses a forged signature: another key, another result, or garbage; nothing changes', () => {
    const { g, vote, keys, dice, sign } = votingTable();
    const forgedByOther = keys[1]!.sign(resultDigest({ dice, gameId: GAME, rollIndex: 1 }));
    for (const d of [
      vote(g, 0, dice, forgedByOther), // player 2's key, in player 1's name
      vote(g, 0, dice, sign(0, other(dice))), // a signature of other dice, passed off as of these
      vote(g, 0, dice, 'A'.repeat(88)),
      vote(g, 0, dice, keys[0]!.sign(resultDigest({ dice, gameId: newGameId(), rollIndex: 1 }))), // another game's result
    ]) {
      expect(d).toEqual({ reply: { ok: false, code: 'FORBIDDEN', message: expect.stringMatching(/does not verify/) } });
    }
  });

  it('detects double signing: a valid signature of another result marks the signer Byzantine and excludes them', () => {
    const { g, vote, dice } = votingTable();
    const honest = vote(g, 0).next!;
    const twoFaced = vote(honest, 0, other(dice));
    expect(twoFaced.reply).toMatchObject({ ok: true, counted: false, byzantine: true, valid: 1, needed: 3 });
    const after = twoFaced.next!;
    expect(after.byzantine).toEqual([expect.objectContaining({ playerId: ids[0], rollIndex: 1, evidence: [expect.objectContaining({ dice }), expect.objectContaining({ dice: other(dice) })] })]);
    // excluded: their vote no longer counts, they no longer count among the voters, and they may not vote again
    expect(tally(after, roundOf(after, 1)!)).toMatchObject({ eligible: 3, needed: 3, valid: 1 });
    expect(vote(after, 0).reply).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringMatching(/excluded/) });
    // the honest remainder (house + 2 of the 2 others) still reaches the quorum
    const final = vote(vote(after, 1).next!, 2);
    expect(final.reply).toMatchObject({ status: 'final', valid: 3 });
  });

  it('detects a participant who first signed other dice and then the result', () => {
    const { g, vote, dice } = votingTable();
    const dissent = vote(g, 1, other(dice));
    expect(dissent.reply).toMatchObject({ ok: true, counted: false, byzantine: false });
    expect(vote(dissent.next!, 1, dice).reply).toMatchObject({ byzantine: true, counted: false });
  });

  it('fails without a quorum at the deadline, then only an operator resolves it', () => {
    const { g, vote, ctx } = votingTable();
    const oneVote = vote(g, 0).next!;
    const deadline = ctx.now + QUORUM_MODE.voteTimeoutMs;
    expect(advance(oneVote, ctx.at(deadline - 1))).toBe(oneVote);
    const failed = advance(oneVote, ctx.at(deadline));
    expect(roundOf(failed, 1)!.status).toBe('failed');
    expect(transitions(oneVote, failed).failed.map((r) => r.rollIndex)).toEqual([1]);
    expect(rollState(failed, 1)).toMatchObject({ kind: 'answer', reply: { ok: false, code: 'GAME_SUSPENDED' } });
    // a late vote cannot turn it around
    expect(vote(failed, 2, undefined, undefined, deadline + 1).reply).toMatchObject({ ok: false, code: 'CONFLICT', message: expect.stringMatching(/closed/) });
    expect(vote(oneVote, 2, undefined, undefined, deadline).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    const resolved = resolveRound(failed, { gameId: GAME, rollIndex: 1, opId: 'op-1', reason: 'checked by hand' }, deadline + 100);
    expect(resolved.reply).toEqual({ ok: true, rollIndex: 1, status: 'resolved', dice: roundOf(g, 1)!.dice });
    expect(rollState(resolved.next!, 1)).toMatchObject({ kind: 'answer', reply: { ok: true, status: 'resolved' } });
    const again = resolveRound(resolved.next!, { gameId: GAME, rollIndex: 1, opId: 'op-2', reason: 'again' }, deadline + 200);
    expect(again).toEqual({ reply: { ok: true, rollIndex: 1, status: 'resolved', dice: roundOf(g, 1)!.dice } });
  });

  it('refuses votes from non-voters, on unknown rounds, and before the dice', () => {
    const { g, ctx, keys } = votingTable();
    const stranger = 'p_00000000-0000-4000-8000-0000000000ff';
    const dice = roundOf(g, 1)!.dice!;
    expect(submitVote(g, { gameId: GAME, rollIndex: 1, playerId: stranger, dice, signature: 'A'.repeat(88) }, ctx).reply).toMatchObject({ code: 'NOT_SEATED' });
    expect(submitVote(g, { gameId: GAME, rollIndex: 9, playerId: ids[0], dice, signature: 'A'.repeat(88) }, ctx).reply).toMatchObject({ code: 'NOT_FOUND' });
    expect(submitVote(g, { gameId: GAME, rollIndex: 2, playerId: ids[0], dice, signature: keys[0]!.sign(resultDigest({ dice, gameId: GAME, rollIndex: 2 })) }, ctx).reply).toMatchObject({ code: 'CONFLICT' });
    expect(resolveRound(g, { gameId: GAME, rollIndex: 2, opId: 'x', reason: 'too early' }, ctx.now).reply).toMatchObject({ code: 'CONFLICT' });
  });

  it('leaves Byzantine participants out of the next rounds\' voters', () => {
    const { g, vote, dice, ctx } = votingTable();
    let next = vote(vote(g, 0).next!, 0, other(dice)).next!;
    next = vote(vote(next, 1).next!, 2).next!; // final
    const r2 = startRoll(next, { gameId: GAME, rollIndex: 2, opId: 'roll-2' }, ctx.at(ctx.now + 50)).next!;
    expect(roundOf(r2, 2)!.voters.map((v) => v.voterId)).toEqual([HOUSE_VOTER, ids[1], ids[2]]);
  });
});
