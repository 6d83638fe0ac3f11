import { z } from 'zod';
import { ConsensusSettingsSchema, GameIdSchema, PlayerIdSchema, RollDiceSchema, RoundStatusSchema, type ConsensusSettings } from '@bitcraps/contracts';
import { commitmentOf } from './dice';

/**
 * A game's consensus record (KV `consensus`, key = gameId): settings, participants,
 * the last rounds (the newest is the one open for commitments), faults, Byzantine
 * participants and the answers of recent operations. The house seed of an undecided
 * round is in here and nowhere else: it never leaves the service before its dice.
 */

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const ParticipantSchema = z.object({
  playerId: PlayerIdSchema,
  /** Raw Ed25519 key, lowercase hex; null when none was given (house games). */
  publicKey: Hex32.nullable(),
  joinedAt: z.number().int(),
  opId: z.string(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

export const CommitmentEntrySchema = z.object({
  playerId: PlayerIdSchema,
  commitment: Hex32,
  /** The revealed seed; null until a reveal matches the commitment. */
  seed: Hex32.nullable(),
});
export type CommitmentEntry = z.infer<typeof CommitmentEntrySchema>;

/** The voter id of the house, which counts as one participant and always signs. */
export const HOUSE_VOTER = 'house';

export const VoterSchema = z.object({ voterId: z.string(), publicKey: Hex32 });
export const VoteSchema = z.object({ voterId: z.string(), dice: RollDiceSchema, signature: z.string(), at: z.number().int() });
export type Voter = z.infer<typeof VoterSchema>;
export type Vote = z.infer<typeof VoteSchema>;

export const RoundSchema = z.object({
  rollIndex: z.number().int().min(1),
  status: RoundStatusSchema,
  houseSeed: Hex32,
  houseCommitment: Hex32,
  openedAt: z.number().int(),
  commitments: z.array(CommitmentEntrySchema),
  /** When produce-roll closed the commitments, and with which operation. */
  startedAt: z.number().int().nullable(),
  startedBy: z.string().nullable(),
  revealDeadline: z.number().int().nullable(),
  rolledAt: z.number().int().nullable(),
  dice: RollDiceSchema.nullable(),
  withheld: z.array(PlayerIdSchema),
  /** Quorum: who may vote on this round (snapshot when the dice came out, the house first). */
  voters: z.array(VoterSchema),
  votes: z.array(VoteSchema),
  voteDeadline: z.number().int().nullable(),
  decidedAt: z.number().int().nullable(),
  resolution: z.object({ opId: z.string(), reason: z.string(), at: z.number().int() }).nullable(),
});
export type Round = z.infer<typeof RoundSchema>;

export const OpEntrySchema = z.object({ key: z.string(), reply: z.unknown() });
export type OpEntry = z.infer<typeof OpEntrySchema>;

export const ByzantineSchema = z.object({
  playerId: PlayerIdSchema,
  rollIndex: z.number().int(),
  /** The two signed results that prove it. */
  evidence: z.array(z.object({ dice: RollDiceSchema, signature: z.string() })),
  at: z.number().int(),
});

export const ConsensusGameSchema = z.object({
  gameId: GameIdSchema,
  /** Null until known: a compensation may create the record before any join did. */
  settings: ConsensusSettingsSchema.nullable(),
  createdAt: z.number().int(),
  participants: z.array(ParticipantSchema),
  rounds: z.array(RoundSchema).min(1),
  /** playerId → rounds whose committed seed they did not reveal in time. */
  faults: z.record(z.string(), z.number().int()),
  byzantine: z.array(ByzantineSchema),
  ops: z.array(OpEntrySchema),
});
export type ConsensusGame = z.infer<typeof ConsensusGameSchema>;

/** What a domain operation decides: the next record to write (none: write nothing) and the answer. */
export interface Decision<R> {
  next?: ConsensusGame;
  reply: R;
}

/** Everything impure a decision may need, handed in by the shell. */
export interface Ctx {
  now: number;
  /** 32 fresh random bytes (crypto.randomBytes(32)): the next house seed. */
  newSeed: () => Buffer;
  /** Signs the house's vote at quorum tables. */
  house: { publicKey: string; sign(digest: Buffer): string };
}

/** Rounds a record keeps (proofs of all rolls are kept in their own keys). */
export const ROUNDS_KEPT = 6;
/** Answers a record remembers for replays; joins and leaves are rare, so this is minutes to hours. */
export const OPS_KEPT = 500;

export function openRound(rollIndex: number, now: number, seed: Buffer): Round {
  const houseSeed = seed.toString('hex');
  return {
    rollIndex,
    status: 'committing',
    houseSeed,
    houseCommitment: commitmentOf(seed),
    openedAt: now,
    commitments: [],
    startedAt: null,
    startedBy: null,
    revealDeadline: null,
    rolledAt: null,
    dice: null,
    withheld: [],
    voters: [],
    votes: [],
    voteDeadline: null,
    decidedAt: null,
    resolution: null,
  };
}

/** A new record: the house commits to roll 1 at once. */
export function newRecord(gameId: string, settings: ConsensusSettings | null, ctx: Ctx): ConsensusGame {
  return { gameId, settings, createdAt: ctx.now, participants: [], rounds: [openRound(1, ctx.now, ctx.newSeed())], faults: {}, byzantine: [], ops: [] };
}

/** The newest round: the one commitments go to. */
export function currentRound(g: ConsensusGame): Round {
  return g.rounds[g.rounds.length - 1]!;
}

export function roundOf(g: ConsensusGame, rollIndex: number): Round | undefined {
  return g.rounds.find((r) => r.rollIndex === rollIndex);
}

export function withRound(g: ConsensusGame, round: Round): ConsensusGame {
  return { ...g, rounds: g.rounds.map((r) => (r.rollIndex === round.rollIndex ? round : r)) };
}

/** The highest roll index whose dice are out (0 when none). */
export function lastRolled(g: ConsensusGame): number {
  let last = 0;
  for (const r of g.rounds) if (r.dice && r.rollIndex > last) last = r.rollIndex;
  return last;
}

export function participantOf(g: ConsensusGame, playerId: string): Participant | undefined {
  return g.participants.find((p) => p.playerId === playerId);
}

export function isByzantine(g: ConsensusGame, playerId: string): boolean {
  return g.byzantine.some((b) => b.playerId === playerId);
}

export function fillSettings(g: ConsensusGame, settings: ConsensusSettings | null | undefined): ConsensusGame {
  return g.settings || !settings ? g : { ...g, settings };
}

/** The answer remembered under `key`, if any. */
export function recall(g: ConsensusGame | null, key: string): unknown {
  if (!g) return undefined;
  for (let i = g.ops.length - 1; i >= 0; i--) if (g.ops[i]!.key === key) return g.ops[i]!.reply;
  return undefined;
}

/** Remembers `reply` under `key` (bounded, oldest forgotten first). */
export function remember<R>(g: ConsensusGame, key: string, reply: R): Decision<R> {
  const ops = g.ops.length >= OPS_KEPT ? g.ops.slice(g.ops.length - OPS_KEPT + 1) : g.ops.slice();
  ops.push({ key, reply });
  return { next: { ...g, ops }, reply };
}
