import {
  refuse,
  type AddParticipant,
  type ConsensusSettings,
  type PayloadOf,
  type PrepareGame,
  type RemoveParticipant,
  type ReplyOf,
} from '@bitcraps/contracts';
import { currentRound, fillSettings, newRecord, participantOf, recall, remember, type ConsensusGame, type Ctx, type Decision } from './record';
import { normalizePublicKey } from './signatures';

export type PrepareReply = ReplyOf<typeof PrepareGame>;
export type AddCommand = PayloadOf<typeof AddParticipant>;
export type AddReply = ReplyOf<typeof AddParticipant>;
export type RemoveCommand = PayloadOf<typeof RemoveParticipant>;
export type RemoveReply = ReplyOf<typeof RemoveParticipant>;

/** Keys of the operation log. */
export const opKey = {
  add: (opId: string) => `add:${opId}`,
  remove: (opId: string) => `remove:${opId}`,
  /** A compensation ran before its add: the add is burnt. */
  tombstone: (addOpId: string) => `tomb:${addOpId}`,
};

/** The game's record, created when missing (the house commits to the next roll at once). */
export function ensureRecord(g: ConsensusGame | null, gameId: string, settings: ConsensusSettings | null | undefined, ctx: Ctx): ConsensusGame {
  return g ? fillSettings(g, settings) : newRecord(gameId, settings ?? null, ctx);
}

/** Creates the record with its settings (idempotent by gameId; the first settings win). */
export function prepareGame(g: ConsensusGame | null, cmd: PayloadOf<typeof PrepareGame>, ctx: Ctx): Decision<PrepareReply> {
  const next = ensureRecord(g, cmd.gameId, cmd.settings, ctx);
  const r = currentRound(next);
  const reply: PrepareReply = { ok: true, gameId: next.gameId, mode: next.settings!.consensus, rollIndex: r.rollIndex, houseCommitment: r.houseCommitment };
  return next === g ? { reply } : { next, reply };
}

/**
 * Registers a participant. `settings`: what the shell knows of the game (given with the
 * command, stored, or read from lifecycle). A replay answers the first answer, refusals
 * included; an add whose compensation ran first is refused.
 */
export function addParticipant(g: ConsensusGame | null, cmd: AddCommand, settings: ConsensusSettings, ctx: Ctx): Decision<AddReply> {
  const key = opKey.add(cmd.opId);
  const replay = recall(g, key) as AddReply | undefined;
  if (replay) return { reply: replay };
  const base = ensureRecord(g, cmd.gameId, settings, ctx);
  if (recall(base, opKey.tombstone(cmd.opId))) return remember(base, key, refuse('CONFLICT', 'this join was compensated before it arrived'));
  const mode = base.settings!.consensus;
  let publicKey: string | null = null;
  if (cmd.publicKey !== undefined) {
    publicKey = normalizePublicKey(cmd.publicKey);
    if (!publicKey) return remember(base, key, refuse('VALIDATION_FAILED', 'publicKey: not an Ed25519 public key (raw 32 bytes as hex or base64, or SPKI DER as base64)'));
  } else if (mode === 'quorum') {
    return remember(base, key, refuse('VALIDATION_FAILED', 'a quorum table needs your Ed25519 public key'));
  }
  const round = currentRound(base);
  const existing = participantOf(base, cmd.playerId);
  if (existing) {
    if (existing.publicKey !== publicKey && publicKey !== null) {
      return remember(base, key, refuse('CONFLICT', 'already a participant, with another public key'));
    }
    return remember(base, key, { ok: true, playerId: cmd.playerId, participants: base.participants.length, alreadyParticipant: true, rollIndex: round.rollIndex, houseCommitment: round.houseCommitment });
  }
  const next: ConsensusGame = { ...base, participants: [...base.participants, { playerId: cmd.playerId, publicKey, joinedAt: ctx.now, opId: cmd.opId }] };
  return remember(next, key, { ok: true, playerId: cmd.playerId, participants: next.participants.length, alreadyParticipant: false, rollIndex: round.rollIndex, houseCommitment: round.houseCommitment });
}

/**
 * The player stops taking part. Their unrevealed commitment on the round open for
 * commitments is dropped (they are gone; a seed nobody will reveal would only make them
 * faulty). Rounds already rolling keep their voters. With `compensates`, the add of that
 * opId is burnt (if it comes later it is refused). Harmless when absent. `g` null: no
 * record yet; one without settings is created to hold the tombstone.
 */
export function removeParticipant(g: ConsensusGame | null, cmd: RemoveCommand, ctx: Ctx): Decision<RemoveReply> {
  const key = opKey.remove(cmd.opId);
  const replay = recall(g, key) as RemoveReply | undefined;
  if (replay) return { reply: replay };
  if (!g && !cmd.compensates) return { reply: { ok: true, playerId: cmd.playerId, wasParticipant: false } };
  let next = ensureRecord(g, cmd.gameId, null, ctx);
  if (cmd.compensates && recall(next, opKey.add(cmd.compensates)) === undefined) {
    next = remember(next, opKey.tombstone(cmd.compensates), true).next!;
  }
  const was = participantOf(next, cmd.playerId);
  if (was) {
    const round = currentRound(next);
    const rounds =
      round.status === 'committing' && round.commitments.some((c) => c.playerId === cmd.playerId)
        ? next.rounds.map((r) => (r === round ? { ...r, commitments: r.commitments.filter((c) => c.playerId !== cmd.playerId) } : r))
        : next.rounds;
    next = { ...next, participants: next.participants.filter((p) => p.playerId !== cmd.playerId), rounds };
  }
  return remember(next, key, { ok: true, playerId: cmd.playerId, wasParticipant: Boolean(was) });
}
