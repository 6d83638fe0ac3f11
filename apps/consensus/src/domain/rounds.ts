import {
  refuse,
  type CommitSeed,
  type PayloadOf,
  type ProduceRoll,
  type Refusal,
  type ReplyOf,
  type RevealSeed,
  type RollProof,
  type RoundView,
} from '@bitcraps/contracts';
import { byPlayerId, commitmentOf, diceFromSeeds } from './dice';
import {
  currentRound,
  HOUSE_VOTER,
  isByzantine,
  lastRolled,
  openRound,
  participantOf,
  ROUNDS_KEPT,
  roundOf,
  withRound,
  type ConsensusGame,
  type Ctx,
  type Decision,
  type Round,
  type Voter,
} from './record';
import { resultDigest } from './signatures';
import { tally } from './quorum';

export type CommitReply = ReplyOf<typeof CommitSeed>;
export type RevealReply = ReplyOf<typeof RevealSeed>;
export type ProduceCommand = PayloadOf<typeof ProduceRoll>;
export type ProduceReply = ReplyOf<typeof ProduceRoll>;

/**
 * A round's life (DESIGN.md section 6):
 *
 *   committing ──produce-roll──▶ revealing ──all revealed / deadline──▶ dice out:
 *     house games: final
 *     quorum games: voting ──quorum──▶ final
 *                          └─deadline─▶ failed ──resolve-round──▶ resolved
 *
 * The moment the dice are out the next round opens with a fresh house commitment, so
 * the house is committed before betting on the next roll reopens (lifecycle reopens it
 * only when the roll is applied, after these dice).
 */

/**
 * A participant commits SHA-256(seed) for the round open for commitments, while betting
 * on that roll is open. `reservedRoll`: the roll lifecycle holds reserved (check-shooter
 * closed its betting; null when none), asked before this decision: a commitment to that
 * roll or an earlier one is refused, as after produce-roll started it.
 */
export function commitSeed(g: ConsensusGame, cmd: PayloadOf<typeof CommitSeed>, reservedRoll: number | null = null): Decision<CommitReply> {
  const commitment = cmd.commitment.toLowerCase();
  // a redelivery after its round moved on answers as the first time, and never commits to a later round
  // (so a seed used before counts as that replay: seeds must be fresh for every roll)
  const done = g.rounds.find((r) => r.commitments.some((c) => c.playerId === cmd.playerId && c.commitment === commitment));
  if (done && (cmd.rollIndex === undefined || cmd.rollIndex === done.rollIndex)) {
    return { reply: { ok: true, commitment, rollIndex: done.rollIndex, houseCommitment: done.houseCommitment } };
  }
  if (!participantOf(g, cmd.playerId)) return { reply: refuse('NOT_SEATED', 'only a participant of this game may commit a seed') };
  const round = currentRound(g);
  if (cmd.rollIndex !== undefined && cmd.rollIndex !== round.rollIndex) {
    return { reply: refuse('CONFLICT', `commitments are open for roll ${round.rollIndex}, not ${cmd.rollIndex}`) };
  }
  if (round.status !== 'committing') return { reply: refuse('CONFLICT', `roll ${round.rollIndex} has started: commitments are closed`) };
  if (reservedRoll !== null && reservedRoll >= round.rollIndex) {
    return { reply: refuse('CONFLICT', `betting on roll ${reservedRoll} is closed (the shooter is rolling): commitments are closed`) };
  }
  const reply: CommitReply = { ok: true, commitment, rollIndex: round.rollIndex, houseCommitment: round.houseCommitment };
  const mine = round.commitments.find((c) => c.playerId === cmd.playerId);
  if (mine) return mine.commitment === commitment ? { reply } : { reply: refuse('CONFLICT', `you committed another seed for roll ${round.rollIndex}`) };
  return { next: withRound(g, { ...round, commitments: [...round.commitments, { playerId: cmd.playerId, commitment, seed: null }] }), reply };
}

/**
 * Reveals a committed seed: accepted from the commitment on (kept secret until the
 * proof) until the reveal deadline. A seed whose SHA-256 is not the commitment is refused.
 */
export function revealSeed(g: ConsensusGame, cmd: PayloadOf<typeof RevealSeed>, now: number): Decision<RevealReply> {
  const seed = cmd.seed.toLowerCase();
  // a redelivery of an accepted reveal answers ok again, even after the dice
  const done = g.rounds.find((r) => (cmd.rollIndex === undefined || r.rollIndex === cmd.rollIndex) && r.commitments.some((c) => c.playerId === cmd.playerId && c.seed === seed));
  if (done) return { reply: { ok: true, rollIndex: done.rollIndex, awaiting: done.commitments.filter((c) => c.seed === null).length } };
  const round = cmd.rollIndex === undefined ? currentRound(g) : roundOf(g, cmd.rollIndex);
  if (!round) return { reply: refuse('CONFLICT', `roll ${cmd.rollIndex} takes no reveals`) };
  if (round.status !== 'committing' && round.status !== 'revealing') {
    return { reply: refuse('CONFLICT', `the dice of roll ${round.rollIndex} are out: reveals are closed`) };
  }
  if (round.revealDeadline !== null && now >= round.revealDeadline) {
    return { reply: refuse('CONFLICT', `the reveal deadline of roll ${round.rollIndex} passed`) };
  }
  const mine = round.commitments.find((c) => c.playerId === cmd.playerId);
  if (!mine) return { reply: refuse('CONFLICT', `you have no commitment for roll ${round.rollIndex}`) };
  if (commitmentOf(seed) !== mine.commitment) return { reply: refuse('VALIDATION_FAILED', 'the seed does not match your commitment: SHA-256(seed) differs') };
  const commitments = round.commitments.map((c) => (c === mine ? { ...c, seed } : c));
  const reply: RevealReply = { ok: true, rollIndex: round.rollIndex, awaiting: commitments.filter((c) => c.seed === null).length };
  return { next: withRound(g, { ...round, commitments }), reply };
}

/** What produce-roll should do next with the round of `rollIndex`. */
export type RollState =
  | { kind: 'answer'; reply: ProduceReply }
  /** Reveals or votes outstanding: wait (the deadline moves it on). */
  | { kind: 'wait'; deadline: number }
  /** Older than the rounds kept: the stored proof answers. */
  | { kind: 'archived' };

/**
 * Roll saga step: starts the roll of `rollIndex` (commitments close, the reveal clock
 * starts). Keyed by roll index: a roll already started or decided is only looked at, so
 * any replay answers the same dice. The open round takes the index lifecycle reserved
 * (it is normally the one expected; a house commitment is bound to "the next roll", the
 * index enters only the hash).
 */
export function startRoll(g: ConsensusGame, cmd: ProduceCommand, ctx: Ctx): Decision<RollState> {
  const known = roundOf(g, cmd.rollIndex);
  if (known && known.status !== 'committing') return { reply: rollState(g, cmd.rollIndex) };
  if (!known && cmd.rollIndex <= lastRolled(g)) return { reply: rollState(g, cmd.rollIndex) };
  const open = currentRound(g);
  if (open.status !== 'committing') return { reply: { kind: 'answer', reply: refuse('TRY_AGAIN', `roll ${open.rollIndex} is not decided yet`) } };
  const undecided = g.rounds.find((r) => r !== open && r.status !== 'final' && r.status !== 'resolved');
  if (undecided) return { reply: { kind: 'answer', reply: refuse('TRY_AGAIN', `roll ${undecided.rollIndex} is not decided yet`) } };
  const started: Round = {
    ...open,
    rollIndex: cmd.rollIndex,
    status: 'revealing',
    startedAt: ctx.now,
    startedBy: cmd.opId,
    revealDeadline: ctx.now + g.settings!.revealTimeoutMs,
  };
  const next = advance({ ...g, rounds: g.rounds.map((r) => (r === open ? started : r)) }, ctx);
  return { next, reply: rollState(next, cmd.rollIndex) };
}

/** produce-roll's answer for `rollIndex` as the record stands. */
export function rollState(g: ConsensusGame, rollIndex: number): RollState {
  const r = roundOf(g, rollIndex);
  if (!r) {
    return rollIndex <= lastRolled(g) || rollIndex < g.rounds[0]!.rollIndex
      ? { kind: 'archived' }
      : { kind: 'answer', reply: refuse('CONFLICT', `roll ${rollIndex} has not started`) };
  }
  switch (r.status) {
    case 'committing':
      return { kind: 'answer', reply: refuse('CONFLICT', `roll ${rollIndex} has not started`) };
    case 'revealing':
      return { kind: 'wait', deadline: r.revealDeadline! };
    case 'voting':
      return { kind: 'wait', deadline: r.voteDeadline! };
    case 'failed':
      return { kind: 'answer', reply: refuse('GAME_SUSPENDED', `no quorum on roll ${rollIndex}: the game waits for an operator to resolve the round (POST /v1/games/${g.gameId}/rolls/${rollIndex}/resolve) and resume it`) };
    case 'final':
    case 'resolved':
      return { kind: 'answer', reply: rolled(g, r) };
  }
}

function rolled(g: ConsensusGame, r: Round): ProduceReply {
  return {
    ok: true,
    rollIndex: r.rollIndex,
    dice: r.dice!,
    proof: proofOf(g.gameId, r)!,
    status: r.status === 'resolved' ? 'resolved' : 'final',
    mode: g.settings?.consensus ?? 'house',
    withheld: r.withheld,
  };
}

/** The reply of an archived roll, from its stored proof (a round is archived only once decided). */
export function archivedReply(proof: RollProof, mode: 'house' | 'quorum'): ProduceReply {
  return { ok: true, rollIndex: proof.rollIndex, dice: proof.dice, proof, status: 'final', mode, withheld: (proof.withheld ?? []).map((w) => w.playerId) };
}

/** The public proof of a round whose dice are out; null before. */
export function proofOf(gameId: string, r: Round): RollProof | null {
  if (!r.dice) return null;
  const revealed = r.commitments.filter((c) => c.seed !== null).sort(byPlayerId);
  return {
    gameId,
    rollIndex: r.rollIndex,
    houseCommitment: r.houseCommitment,
    houseSeed: r.houseSeed,
    contributions: revealed.map((c) => ({ playerId: c.playerId, commitment: c.commitment, seed: c.seed! })),
    withheld: r.commitments.filter((c) => c.seed === null).sort(byPlayerId).map((c) => ({ playerId: c.playerId, commitment: c.commitment })),
    dice: r.dice,
  };
}

/**
 * Moves every round on as far as the record and the clock allow: a revealing round
 * whose reveals are all in (or whose deadline passed) gets its dice; a voting round
 * with a quorum becomes final, one past its deadline failed. Returns `g` itself when
 * nothing moved. Deterministic given `ctx` (reveals and votes after a deadline are
 * refused, so what a deadline decides cannot change after it).
 */
export function advance(g: ConsensusGame, ctx: Ctx): ConsensusGame {
  let next = g;
  for (const r of g.rounds) {
    let round = r;
    if (round.status === 'revealing') {
      const allIn = round.commitments.every((c) => c.seed !== null);
      if (!allIn && ctx.now < round.revealDeadline!) continue;
      const rolledState = rollDice(next, round, ctx);
      next = rolledState.next;
      round = rolledState.round;
    }
    if (round.status === 'voting') {
      const t = tally(next, round);
      if (t.valid >= t.needed) round = { ...round, status: 'final', decidedAt: ctx.now };
      else if (ctx.now >= round.voteDeadline!) round = { ...round, status: 'failed', decidedAt: ctx.now };
      else continue;
      next = withRound(next, round);
    }
  }
  return next;
}

/** The house reveals last: the dice from its seed and the valid reveals; withholders are faulty. */
function rollDice(g: ConsensusGame, round: Round, ctx: Ctx): { next: ConsensusGame; round: Round } {
  const revealed = round.commitments.filter((c) => c.seed !== null).map((c) => ({ playerId: c.playerId, seed: c.seed! }));
  const withheld = round.commitments.filter((c) => c.seed === null).map((c) => c.playerId).sort();
  const dice = diceFromSeeds(round.houseSeed, revealed, round.rollIndex);
  const faults = { ...g.faults };
  for (const p of withheld) faults[p] = (faults[p] ?? 0) + 1;
  let decided: Round = { ...round, dice, withheld, rolledAt: ctx.now };
  if (g.settings?.consensus === 'quorum') {
    const voters: Voter[] = [
      { voterId: HOUSE_VOTER, publicKey: ctx.house.publicKey },
      ...g.participants.filter((p) => p.publicKey !== null && !isByzantine(g, p.playerId)).map((p) => ({ voterId: p.playerId, publicKey: p.publicKey! })),
    ];
    const digest = resultDigest({ dice, gameId: g.gameId, rollIndex: round.rollIndex });
    const houseVote = { voterId: HOUSE_VOTER, dice, signature: ctx.house.sign(digest), at: ctx.now };
    decided = { ...decided, status: 'voting', voters, votes: [houseVote], voteDeadline: ctx.now + g.settings.voteTimeoutMs };
  } else {
    decided = { ...decided, status: 'final', decidedAt: ctx.now };
  }
  let rounds = g.rounds.map((r) => (r.rollIndex === round.rollIndex ? decided : r));
  if (rounds[rounds.length - 1] === decided) rounds = [...rounds, openRound(round.rollIndex + 1, ctx.now, ctx.newSeed())];
  return { next: { ...g, faults, rounds: prune(rounds) }, round: decided };
}

/** Keeps the last ROUNDS_KEPT rounds, never dropping one that is not decided. */
function prune(rounds: Round[]): Round[] {
  const out = rounds.slice();
  while (out.length > ROUNDS_KEPT && (out[0]!.status === 'final' || out[0]!.status === 'resolved')) out.shift();
  return out;
}

/** The earliest deadline the record waits for (reveals or votes); null when none. */
export function nextDeadline(g: ConsensusGame): number | null {
  let d: number | null = null;
  for (const r of g.rounds) {
    const at = r.status === 'revealing' ? r.revealDeadline : r.status === 'voting' ? r.voteDeadline : null;
    if (at !== null && (d === null || at < d)) d = at;
  }
  return d;
}

/** What changed between two versions of a record, for events, proofs and metrics. */
export interface Transitions {
  /** Rounds whose roll started with reveals outstanding. */
  revealing: Round[];
  /** Rounds whose dice came out. */
  rolled: Round[];
  /** Quorum rounds that started voting. */
  voting: Round[];
  /** Rounds decided by the protocol: final or failed. */
  decided: Round[];
  failed: Round[];
}

export function transitions(before: ConsensusGame | null, after: ConsensusGame): Transitions {
  const t: Transitions = { revealing: [], rolled: [], voting: [], decided: [], failed: [] };
  for (const r of after.rounds) {
    const old = before ? roundOf(before, r.rollIndex) : undefined;
    if (old?.status === r.status) continue;
    if (r.status === 'revealing') t.revealing.push(r);
    if (r.dice && !old?.dice) t.rolled.push(r);
    if (r.status === 'voting') t.voting.push(r);
    if (r.status === 'final' || r.status === 'failed') t.decided.push(r);
    if (r.status === 'failed') t.failed.push(r);
  }
  return t;
}

/** A round as get-round-status shows it: no seeds before the dice. */
export function roundView(g: ConsensusGame, r: Round): RoundView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  let voting: RoundView['voting'] = null;
  if (r.dice && r.voters.length) {
    const t = tally(g, r);
    voting = {
      result: { dice: r.dice, gameId: g.gameId, rollIndex: r.rollIndex },
      digest: resultDigest({ dice: r.dice, gameId: g.gameId, rollIndex: r.rollIndex }).toString('hex'),
      deadline: iso(r.voteDeadline)!,
      eligible: t.eligible,
      needed: t.needed,
      valid: t.valid,
      voters: r.voters.map((v) => ({ voterId: v.voterId, publicKey: v.publicKey, voted: r.votes.some((x) => x.voterId === v.voterId), counted: t.counted.has(v.voterId) })),
    };
  }
  return {
    gameId: g.gameId,
    rollIndex: r.rollIndex,
    status: r.status,
    mode: g.settings?.consensus ?? null,
    houseCommitment: r.houseCommitment,
    commitments: r.commitments.map((c) => ({ playerId: c.playerId, commitment: c.commitment, revealed: c.seed !== null })),
    revealDeadline: iso(r.revealDeadline),
    dice: r.dice,
    withheld: r.withheld,
    voting,
    byzantine: g.byzantine.map((b) => b.playerId),
    resolution: r.resolution ? { reason: r.resolution.reason, at: iso(r.resolution.at)! } : null,
  };
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;
}
