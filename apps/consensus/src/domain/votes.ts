import { refuse, type PayloadOf, type ReplyOf, type ResolveRound, type SubmitVote } from '@bitcraps/contracts';
import { sameDice, tally } from './quorum';
import { isByzantine, roundOf, withRound, type ConsensusGame, type Ctx, type Decision, type Round } from './record';
import { advance } from './rounds';
import { decodeSignature, resultDigest, verifySignature } from './signatures';

export type VoteCommand = PayloadOf<typeof SubmitVote>;
export type VoteReply = ReplyOf<typeof SubmitVote>;
export type ResolveReply = ReplyOf<typeof ResolveRound>;

/**
 * A participant's signed vote. The signature is checked against the dice the voter says
 * they signed: one that does not verify is refused (anyone can send junk in someone's
 * name; it proves nothing). A valid signature of a result other than one the voter
 * signed before proves equivocation: they are marked Byzantine with both signatures as
 * evidence and excluded. Votes after the deadline are refused (except as evidence).
 */
export function submitVote(g: ConsensusGame, cmd: VoteCommand, ctx: Ctx): Decision<VoteReply> {
  const now = ctx.now;
  const round = roundOf(g, cmd.rollIndex);
  if (!round) return { reply: refuse('NOT_FOUND', `no round ${cmd.rollIndex} to vote on`) };
  if (!round.dice || round.voters.length === 0) return { reply: refuse('CONFLICT', `roll ${cmd.rollIndex} has no result to sign (yet)`) };
  const voter = round.voters.find((v) => v.voterId === cmd.playerId);
  if (!voter) return { reply: refuse('NOT_SEATED', `you are not a voter of roll ${cmd.rollIndex}`) };
  if (isByzantine(g, cmd.playerId)) return { reply: refuse('FORBIDDEN', 'you were excluded for signing two different results') };
  const digest = resultDigest({ dice: cmd.dice, gameId: g.gameId, rollIndex: round.rollIndex });
  if (!verifySignature(voter.publicKey, digest, cmd.signature)) {
    return { reply: refuse('FORBIDDEN', 'the signature does not verify under your registered public key') };
  }
  const signature = decodeSignature(cmd.signature)!.toString('hex');
  const mine = round.votes.filter((v) => v.voterId === cmd.playerId);
  // the reply reads the record as it will be written: a vote may complete the quorum
  const settle = (changed: ConsensusGame | null, counted: boolean, byzantine: boolean): Decision<VoteReply> => {
    const next = changed ? advance(changed, ctx) : g;
    const r = roundOf(next, round.rollIndex)!;
    const t = tally(next, r);
    const reply: VoteReply = { ok: true, rollIndex: r.rollIndex, counted, byzantine, status: r.status, valid: t.valid, needed: t.needed };
    return changed ? { next, reply } : { reply };
  };
  const other = mine.find((v) => !sameDice(v.dice, cmd.dice));
  if (other) {
    // two different results signed for one round: Byzantine, whatever the deadline
    const evidence = [
      { dice: other.dice, signature: other.signature },
      { dice: cmd.dice, signature },
    ];
    return settle({ ...g, byzantine: [...g.byzantine, { playerId: cmd.playerId, rollIndex: round.rollIndex, evidence, at: now }] }, false, true);
  }
  if (mine.length) return settle(null, sameDice(cmd.dice, round.dice), false);
  if (round.status !== 'voting' || now >= round.voteDeadline!) return { reply: refuse('CONFLICT', `voting on roll ${round.rollIndex} is closed`) };
  const voted: Round = { ...round, votes: [...round.votes, { voterId: cmd.playerId, dice: cmd.dice, signature, at: now }] };
  return settle(withRound(g, voted), sameDice(cmd.dice, round.dice), false);
}

/**
 * Operator: finalizes a round that failed (or is still voting) with its computed dice.
 * A decided round answers as it stands; a round without dice cannot be resolved.
 */
export function resolveRound(g: ConsensusGame, cmd: PayloadOf<typeof ResolveRound>, now: number): Decision<ResolveReply> {
  const round = roundOf(g, cmd.rollIndex);
  if (!round) return { reply: refuse('NOT_FOUND', `no round ${cmd.rollIndex} (or too old to resolve)`) };
  if (!round.dice) return { reply: refuse('CONFLICT', `roll ${cmd.rollIndex} has no dice yet`) };
  if (round.status === 'final' || round.status === 'resolved') return { reply: { ok: true, rollIndex: round.rollIndex, status: round.status, dice: round.dice } };
  const resolved: Round = { ...round, status: 'resolved', decidedAt: now, resolution: { opId: cmd.opId, reason: cmd.reason, at: now } };
  return { next: withRound(g, resolved), reply: { ok: true, rollIndex: round.rollIndex, status: 'resolved', dice: round.dice } };
}
