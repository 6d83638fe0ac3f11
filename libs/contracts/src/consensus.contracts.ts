import { z } from 'zod';
import { GameIdSchema, PlayerIdSchema } from './ids';
import { AdminReasonSchema, GameOpIdSchema, RollDiceSchema, SeatPublicKeySchema } from './lifecycle.contracts';
import { defineCommand, defineEvent, defineQuery } from './subject';

/**
 * Contracts owned by the consensus service: participants, commit-reveal dice and quorum
 * votes (DESIGN.md section 6). The dice algorithm itself lives in apps/consensus (pure
 * code); these are the shapes that cross process boundaries.
 *
 * Roll indexes are lifecycle's (`check-shooter` reserves them). Every roll has a round:
 * the house commits `SHA-256(houseSeed)` when the round opens (before betting on that
 * roll opens), players commit and reveal, `produce-roll` closes the commitments and
 * answers the dice once every committed player revealed or `revealTimeoutMs` passed.
 */

/** 32 bytes as 64 hex digits (a seed, a SHA-256 commitment, a raw Ed25519 key); either case. */
export const Hex32Schema = z.string().regex(/^[0-9a-fA-F]{64}$/, '32 bytes as 64 hex digits');
/** A player's or the house's 32-byte seed, hex. */
export const SeedSchema = Hex32Schema;
/** `SHA-256(seed)` of the 32 raw seed bytes, hex. */
export const CommitmentSchema = Hex32Schema;
/** An Ed25519 signature (64 bytes): 128 hex digits, or base64 / base64url (padding optional). */
export const VoteSignatureSchema = z.string().regex(/^[A-Za-z0-9+/=_-]{86,128}$/, 'an Ed25519 signature, hex or base64');

export const ConsensusModeSchema = z.enum(['house', 'quorum']);
export type ConsensusMode = z.infer<typeof ConsensusModeSchema>;

/**
 * The per-game settings consensus needs (the names of the game's config, DESIGN.md
 * section 9, so the whole config may be passed: other keys are dropped). When a command
 * that creates a game's record carries none, consensus reads them once from lifecycle
 * (`qry.lifecycle.get-game`).
 */
export const ConsensusSettingsSchema = z.object({
  consensus: ConsensusModeSchema,
  revealTimeoutMs: z.number().int().min(500).max(600_000),
  voteTimeoutMs: z.number().int().min(500).max(600_000),
});
export type ConsensusSettings = z.infer<typeof ConsensusSettingsSchema>;

/** Where a round is: commitments open → reveals → (quorum: votes) → decided. */
export const RoundStatusSchema = z.enum(['committing', 'revealing', 'voting', 'final', 'failed', 'resolved']);
export type RoundStatus = z.infer<typeof RoundStatusSchema>;

/**
 * The public proof of one roll (DESIGN.md section 6; `GET /v1/games/:gameId/rolls/:rollIndex/proof`).
 * `contributions`: the players whose reveals were valid, in ascending playerId order (the
 * order of the material). `withheld`: players who committed and did not reveal in time,
 * left out of the dice and recorded as faulty.
 */
export const RollProofSchema = z.object({
  gameId: GameIdSchema.optional(),
  rollIndex: z.number().int().min(1),
  houseCommitment: CommitmentSchema,
  houseSeed: SeedSchema,
  contributions: z.array(z.object({ playerId: PlayerIdSchema, commitment: CommitmentSchema, seed: SeedSchema })),
  withheld: z.array(z.object({ playerId: PlayerIdSchema, commitment: CommitmentSchema })).optional(),
  dice: RollDiceSchema,
});
export type RollProof = z.infer<typeof RollProofSchema>;

/**
 * What quorum participants sign: `SHA-256(canonical JSON of {dice, gameId, rollIndex})`
 * (keys sorted, no spaces), e.g. `{"dice":[3,5],"gameId":"g_…","rollIndex":7}`.
 */
export const RoundResultSchema = z.object({ dice: RollDiceSchema, gameId: GameIdSchema, rollIndex: z.number().int().min(1) });
export type RoundResult = z.infer<typeof RoundResultSchema>;

/** A round as `get-round-status` shows it (seeds stay secret until the dice are out). */
export const RoundViewSchema = z.object({
  gameId: GameIdSchema,
  rollIndex: z.number().int().min(1),
  status: RoundStatusSchema,
  mode: ConsensusModeSchema.nullable(),
  houseCommitment: CommitmentSchema,
  commitments: z.array(z.object({ playerId: PlayerIdSchema, commitment: CommitmentSchema, revealed: z.boolean() })),
  /** ISO time; set once the roll started. */
  revealDeadline: z.string().nullable(),
  dice: RollDiceSchema.nullable(),
  withheld: z.array(PlayerIdSchema),
  /** Quorum games, once the dice are out. */
  voting: z
    .object({
      result: RoundResultSchema,
      /** SHA-256 of the canonical JSON of `result`, hex: the 32 bytes each participant signs. */
      digest: Hex32Schema,
      deadline: z.string(),
      /** Voters of this round who are not excluded (the house counts as one). */
      eligible: z.number().int().min(1),
      /** Valid signatures needed: more than two thirds of `eligible`. */
      needed: z.number().int().min(1),
      /** Valid signatures of `result` counted so far (the house's included). */
      valid: z.number().int().min(0),
      voters: z.array(z.object({ voterId: z.string(), publicKey: Hex32Schema, voted: z.boolean(), counted: z.boolean() })),
    })
    .nullable(),
  /** Participants excluded for signing two different results (ever, in this game). */
  byzantine: z.array(PlayerIdSchema),
  resolution: z.object({ reason: z.string(), at: z.string() }).nullable(),
});
export type RoundView = z.infer<typeof RoundViewSchema>;

const RoundRef = {
  /** The house's commitment for the roll betting is open on now. */
  rollIndex: z.number().int().min(1),
  houseCommitment: CommitmentSchema,
};

/**
 * Creates the game's consensus record (idempotent by gameId; the first settings win) with
 * the house commitment for roll 1. Optional: add-participant does the same when it finds
 * no record. Lets the caller push the settings instead of consensus asking lifecycle.
 */
export const PrepareGame = defineCommand({
  service: 'consensus',
  verb: 'prepare-game',
  fact: 'game-prepared',
  payload: z.strictObject({ gameId: GameIdSchema, settings: ConsensusSettingsSchema }),
  ok: { gameId: GameIdSchema, mode: ConsensusModeSchema, ...RoundRef },
});

/**
 * Join saga step: registers the player as a participant (and, on a game's first, its
 * record with the house commitment for the next roll). `publicKey`: Ed25519, required at
 * quorum tables: the raw 32-byte key as 64 hex digits or base64, or its SPKI DER in
 * base64. Refusals: VALIDATION_FAILED (no or bad key at a quorum table), GAME_NOT_FOUND
 * (no settings given and lifecycle knows no such game), CONFLICT (already a participant
 * with another key, or compensated before it arrived). Idempotent by `opId`. In join
 * sagas from version 2 it runs after the stack credit (the pivot): lifecycle's seat has
 * checked the key and the game already, so only "another key" can still refuse it.
 * Compensation: RemoveParticipant with `compensates: opId`.
 */
export const AddParticipant = defineCommand({
  service: 'consensus',
  verb: 'add-participant',
  fact: 'participant-added',
  payload: z.strictObject({
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    opId: GameOpIdSchema,
    publicKey: SeatPublicKeySchema.optional(),
    settings: ConsensusSettingsSchema.optional(),
  }),
  ok: { playerId: PlayerIdSchema, participants: z.number().int().min(1), alreadyParticipant: z.boolean(), ...RoundRef },
});

/**
 * The leave saga's step and AddParticipant's compensation: the player stops taking part
 * (an unrevealed commitment on the open round is dropped; rounds already rolling keep
 * their voters). Harmless when absent; with `compensates` an AddParticipant of that opId
 * arriving later is refused. Idempotent by `opId`.
 */
export const RemoveParticipant = defineCommand({
  service: 'consensus',
  verb: 'remove-participant',
  fact: 'participant-removed',
  payload: z.strictObject({
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    opId: GameOpIdSchema,
    compensates: GameOpIdSchema.optional(),
  }),
  ok: { playerId: PlayerIdSchema, wasParticipant: z.boolean() },
});

/**
 * A participant commits `SHA-256(seed)` for the next roll, while betting on it is open
 * (until lifecycle's check-shooter reserves it; consensus asks lifecycle). Idempotent by
 * value. Refusals: GAME_NOT_FOUND, NOT_SEATED (not a participant), CONFLICT (betting on
 * the roll closed or the roll started, or another commitment for this roll, or
 * `rollIndex` is not the open round).
 */
export const CommitSeed = defineCommand({
  service: 'consensus',
  verb: 'commit-seed',
  fact: 'seed-committed',
  payload: z.strictObject({
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    commitment: CommitmentSchema,
    rollIndex: z.number().int().min(1).optional(),
  }),
  ok: { commitment: CommitmentSchema, ...RoundRef },
});

/**
 * Reveals the seed committed for the open round: accepted from the moment it is
 * committed (kept secret until the proof) until the reveal deadline. Idempotent by value.
 * Refusals: VALIDATION_FAILED (SHA-256(seed) is not the commitment), CONFLICT (no
 * commitment, the deadline passed, the dice are out, or `rollIndex` is not this round),
 * GAME_NOT_FOUND.
 */
export const RevealSeed = defineCommand({
  service: 'consensus',
  verb: 'reveal-seed',
  fact: 'seed-revealed',
  payload: z.strictObject({
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    seed: SeedSchema,
    rollIndex: z.number().int().min(1).optional(),
  }),
  ok: {
    rollIndex: z.number().int().min(1),
    /** Committed players of this round still to reveal. */
    awaiting: z.number().int().min(0),
  },
});

/**
 * Roll saga step 2: closes the commitments of roll `rollIndex`, waits for the committed
 * players' reveals (until all are in or `revealTimeoutMs` passed), reveals the house seed
 * last and answers the dice with their proof; at quorum tables it then waits for a quorum
 * of signatures (`voteTimeoutMs`). Keyed by (gameId, rollIndex), not by opId: any replay
 * or retry answers the same dice. Answers:
 * - ok with `status` `final` (or `resolved` by an operator after a failed quorum);
 * - GAME_SUSPENDED: no quorum before `voteTimeoutMs` (`evt.consensus.quorum-failed` was
 *   published; the round waits for `resolve-round`);
 * - SERVICE_UNAVAILABLE (transient, retry): still waiting when this attempt's wait budget
 *   (`PRODUCE_ROLL_WAIT_MS`) ran out; the deadlines still run (Redis timeouts);
 * - TRY_AGAIN (retried): an earlier roll is not decided yet;
 * - CONFLICT: the roll is too old to answer;
 * - GAME_NOT_FOUND: lifecycle knows no such game.
 */
export const ProduceRoll = defineCommand({
  service: 'consensus',
  verb: 'produce-roll',
  fact: 'roll-produced',
  payload: z.strictObject({ gameId: GameIdSchema, rollIndex: z.number().int().min(1), opId: GameOpIdSchema }),
  ok: {
    rollIndex: z.number().int().min(1),
    dice: RollDiceSchema,
    proof: RollProofSchema,
    status: z.enum(['final', 'resolved']),
    mode: ConsensusModeSchema,
    /** Players who committed and did not reveal: left out and recorded as faulty. */
    withheld: z.array(PlayerIdSchema),
  },
});

/**
 * A quorum participant's signature of a round's result: Ed25519 over the 32-byte digest
 * `SHA-256(canonical JSON of {dice, gameId, rollIndex})`, `dice` being what they sign.
 * A signature that does not verify under their registered key is refused (FORBIDDEN); a
 * valid signature of other dice than a result they signed before marks them Byzantine
 * (excluded from then on: `byzantine: true`). Refusals: NOT_FOUND (no such round),
 * NOT_SEATED (not a voter of this round), CONFLICT (nothing to sign yet, or voting closed),
 * FORBIDDEN (bad signature, or already excluded). Idempotent by value.
 */
export const SubmitVote = defineCommand({
  service: 'consensus',
  verb: 'submit-vote',
  fact: 'vote-submitted',
  payload: z.strictObject({
    gameId: GameIdSchema,
    rollIndex: z.number().int().min(1),
    playerId: PlayerIdSchema,
    dice: RollDiceSchema,
    signature: VoteSignatureSchema,
  }),
  ok: {
    rollIndex: z.number().int().min(1),
    /** The vote counts towards the quorum (a valid signature of the round's result). */
    counted: z.boolean(),
    /** This vote proved the signer signed two different results: excluded. */
    byzantine: z.boolean(),
    status: RoundStatusSchema,
    valid: z.number().int().min(0),
    needed: z.number().int().min(1),
  },
});

/**
 * Operator: finalizes a quorum round that failed (or is still voting) with its computed
 * dice; the roll saga's next produce-roll of that index answers them (`resolved`).
 * Idempotent (a decided round answers its status). Refusals: GAME_NOT_FOUND, NOT_FOUND,
 * CONFLICT (the dice are not out yet).
 */
export const ResolveRound = defineCommand({
  service: 'consensus',
  verb: 'resolve-round',
  fact: 'round-resolved',
  payload: z.strictObject({ gameId: GameIdSchema, rollIndex: z.number().int().min(1), opId: GameOpIdSchema, reason: AdminReasonSchema }),
  ok: { rollIndex: z.number().int().min(1), status: RoundStatusSchema, dice: RollDiceSchema },
});

/** The proof of a roll whose dice are out. NOT_FOUND before that; GAME_NOT_FOUND. */
export const GetRollProof = defineQuery({
  service: 'consensus',
  verb: 'get-roll-proof',
  payload: z.strictObject({ gameId: GameIdSchema, rollIndex: z.number().int().min(1) }),
  ok: { proof: RollProofSchema },
});

/** A round's state (without `rollIndex`: the newest round, the one open for commitments). */
export const GetRoundStatus = defineQuery({
  service: 'consensus',
  verb: 'get-round-status',
  payload: z.strictObject({ gameId: GameIdSchema, rollIndex: z.number().int().min(1).optional() }),
  ok: {
    round: RoundViewSchema,
    /** Participants whose committed seed was not revealed in time, and how often. */
    faults: z.record(z.string(), z.number().int()),
    housePublicKey: Hex32Schema,
  },
});

/** The roll started: committed players must reveal before `deadline` (msg id `consensus.reveals-requested.<gameId>.<rollIndex>`). */
export const RevealsRequested = defineEvent({
  service: 'consensus',
  fact: 'reveals-requested',
  payload: z.object({ gameId: GameIdSchema, rollIndex: z.number().int(), awaiting: z.array(PlayerIdSchema), deadline: z.string() }),
});

/** Quorum games: the dice are out, participants sign `digest` before `deadline` (msg id `consensus.votes-requested.<gameId>.<rollIndex>`). */
export const VotesRequested = defineEvent({
  service: 'consensus',
  fact: 'votes-requested',
  payload: z.object({ gameId: GameIdSchema, rollIndex: z.number().int(), result: RoundResultSchema, digest: Hex32Schema, deadline: z.string() }),
});

/**
 * No quorum before `voteTimeoutMs`: the game must be suspended with all money in escrow
 * until an operator runs `resolve-round`. Msg id `consensus.quorum-failed.<gameId>.<rollIndex>`.
 */
export const QuorumFailed = defineEvent({
  service: 'consensus',
  fact: 'quorum-failed',
  payload: z.object({
    gameId: GameIdSchema,
    rollIndex: z.number().int(),
    eligible: z.number().int(),
    needed: z.number().int(),
    valid: z.number().int(),
    deadline: z.string(),
  }),
});

/**
 * `GET /v1/games/:gameId/rounds/current`: the round open for commitments (or, while the
 * shooter's roll is under way, that roll), with the house's `SHA-256(houseSeed)`, published
 * before betting on the roll opens so that anyone can check it against the roll's proof.
 * No seeds.
 */
export const CurrentRoundSchema = RoundViewSchema.pick({ gameId: true, rollIndex: true, status: true, mode: true, houseCommitment: true, commitments: true });
export type CurrentRound = z.infer<typeof CurrentRoundSchema>;

/**
 * `POST /v1/games/:gameId/rolls/:rollIndex/resolve` (operators), after a failed quorum:
 * `accept` finalizes the round with the dice its seeds gave (the only decision: those
 * dice are public in the proof, so voiding and re-rolling would let a result be chosen).
 * The roll saga was compensated when the quorum failed; once the game is resumed the
 * shooter rolls that index again and gets these dice.
 */
export const ResolveRoundBodySchema = z.strictObject({ decision: z.literal('accept'), reason: AdminReasonSchema });
export const ResolvedRoundSchema = z.object({ rollIndex: z.number().int().min(1), status: RoundStatusSchema, dice: RollDiceSchema });

/** HTTP bodies (DESIGN.md section 8): `POST /v1/games/:gameId/commitments`, `/reveals`, and votes at quorum tables. */
export const CommitmentBodySchema = z.strictObject({ commitment: CommitmentSchema, rollIndex: z.number().int().min(1).optional() });
export const RevealBodySchema = z.strictObject({ seed: SeedSchema, rollIndex: z.number().int().min(1).optional() });
export const VoteBodySchema = z.strictObject({ rollIndex: z.number().int().min(1), dice: RollDiceSchema, signature: VoteSignatureSchema });
