import { z } from 'zod';
import { BetTypeSchema, GameConfigSchema, GameSettingsInputSchema } from './game-settings';
import { GameIdSchema, PlayerIdSchema } from './ids';
import { ChipsSchema, PositiveChipsSchema } from './money';
import { defineCommand, defineEvent, defineQuery } from './subject';

/**
 * Contracts owned by the lifecycle service: games and their craps state machine.
 *
 * Idempotency: every command with an effect carries an `opId` (saga id + step), or is
 * keyed by what it creates (`gameId`, `betId`, `rollIndex`). A replay answers the first
 * answer, refusals included, and changes nothing. Compensations are harmless when their
 * step never happened and, when they run first, make the late step a refusal (a
 * tombstone), so a step redelivered after its compensation cannot take effect.
 */
export const GameStatusSchema = z.enum(['open', 'suspended', 'closed']);
export const PhaseSchema = z.enum(['come-out', 'point']);

/** An operation id: saga id + step, as the orchestrator builds it. */
export const GameOpIdSchema = z.string().min(1).max(200).regex(/^[\w.:-]+$/, 'ids hold letters, digits and . : - _ only');
/** A bet id, minted before the bet saga starts (it is the bet's idempotency key). */
export const LayoutBetIdSchema = z.string().min(1).max(100).regex(/^[\w.:-]+$/, 'ids hold letters, digits and . : - _ only');
/** A participant's Ed25519 public key (quorum games), hex or base64; consensus checks it. */
export const SeatPublicKeySchema = z.string().regex(/^[A-Za-z0-9+/=_-]{40,100}$/, 'not a public key');
/** Why an operator suspends, resumes or closes a game. */
export const AdminReasonSchema = z.string().trim().min(1).max(500);

const DieSchema = z.number().int().min(1).max(6);
export const RollDiceSchema = z.tuple([DieSchema, DieSchema]);

/** A bet on the layout. `point`: the number a come / don't-come bet has moved to. */
export const LayoutBetSchema = z.object({
  betId: LayoutBetIdSchema,
  playerId: PlayerIdSchema,
  type: BetTypeSchema,
  number: z.number().int().optional(),
  amount: PositiveChipsSchema,
  point: z.number().int().nullable().optional(),
});
export type LayoutBet = z.infer<typeof LayoutBetSchema>;

export const GameViewSchema = z.object({
  gameId: GameIdSchema,
  status: GameStatusSchema,
  phase: PhaseSchema,
  point: z.number().int().nullable(),
  shooter: PlayerIdSchema.nullable(),
  /** Seat order (the dice pass along it). `stack` is the table's view; treasury holds the money. */
  players: z.array(z.object({ playerId: PlayerIdSchema, stack: ChipsSchema })),
  bets: z.array(LayoutBetSchema),
  rollCount: z.number().int().min(0),
  createdBy: PlayerIdSchema,
  createdAt: z.string(),
  config: GameConfigSchema,
  /** Set while an operator holds the game suspended. */
  suspension: z.object({ reason: z.string(), at: z.string() }).nullable().optional(),
  /**
   * The roll the shooter started (check-shooter reserved it) and that is not applied or
   * cancelled yet: betting on it is closed, and so are commitments to it (consensus asks).
   * Absent when no roll is reserved.
   */
  pendingRoll: z.number().int().min(1).optional(),
});
export type GameView = z.infer<typeof GameViewSchema>;

/**
 * Opens a table. The gateway mints the game id, so a redelivered command finds the
 * game it already created and answers the same. Settings are the raw input; lifecycle
 * fills the defaults and checks them. Refused with TOO_MANY_GAMES when
 * MAX_CONCURRENT_GAMES games are open (or suspended).
 */
export const CreateGame = defineCommand({
  service: 'lifecycle',
  verb: 'create-game',
  fact: 'game-created',
  payload: z.strictObject({ gameId: GameIdSchema, createdBy: PlayerIdSchema, settings: GameSettingsInputSchema }),
  ok: { game: GameViewSchema },
});

export const GetGame = defineQuery({
  service: 'lifecycle',
  verb: 'get-game',
  payload: z.strictObject({ gameId: GameIdSchema }),
  ok: { game: GameViewSchema },
});

/**
 * Join saga step: seats the player with `buyIn` as the table's view of their stack; the
 * first player seated becomes the shooter. Refusals: GAME_NOT_FOUND, GAME_CLOSED,
 * GAME_SUSPENDED, ALREADY_SEATED, GAME_FULL, WRONG_PASSWORD (private table),
 * BET_LIMIT (buy-in outside minBuyIn..maxBuyIn), TOO_MANY_TABLES
 * (MAX_GAMES_PER_PLAYER), VALIDATION_FAILED (no public key at a quorum table);
 * TRY_AGAIN (not remembered) while the player's leave from this table is not finished
 * (ConfirmLeave).
 * Compensation: UnseatPlayer with `compensates: opId`.
 */
export const SeatPlayer = defineCommand({
  service: 'lifecycle',
  verb: 'seat-player',
  fact: 'player-seated',
  payload: z.strictObject({
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    buyIn: PositiveChipsSchema,
    opId: GameOpIdSchema,
    password: z.string().min(1).max(128).optional(),
    publicKey: SeatPublicKeySchema.optional(),
    /** Hold the seat as joining until ConfirmSeat (join sagas from version 2 send it). */
    confirm: z.literal(true).optional(),
  }),
  ok: {
    playerId: PlayerIdSchema,
    stack: ChipsSchema,
    /** Position in seat order. */
    seat: z.number().int().min(0),
    shooter: PlayerIdSchema.nullable(),
  },
});

/**
 * Join saga's last step: the seat taken by SeatPlayer `seatOpId` is settled (its stack
 * credited, the participant added), so the player may leave. Until then the seat is
 * "joining" and UnseatPlayer (but for the join's own compensation) answers TRY_AGAIN,
 * so that no credit of the join lands after a leave's cash-out. Never refused:
 * `confirmed: false` when no seat of that op is at the table (left, compensated, closed).
 */
export const ConfirmSeat = defineCommand({
  service: 'lifecycle',
  verb: 'confirm-seat',
  fact: 'seat-confirmed',
  payload: z.strictObject({ gameId: GameIdSchema, playerId: PlayerIdSchema, seatOpId: GameOpIdSchema }),
  ok: { playerId: PlayerIdSchema, confirmed: z.boolean() },
});

/**
 * Leave saga's last step: the leave `leaveOpId` has cashed the stack out and removed the
 * participant, so the player may sit at this table again. Until then SeatPlayer answers
 * TRY_AGAIN for them, so that the leave's cash-out cannot take a new buy-in, nor its
 * participant removal the new participant. Never refused; `released: false` when no
 * leave of that op is held.
 */
export const ConfirmLeave = defineCommand({
  service: 'lifecycle',
  verb: 'confirm-leave',
  fact: 'leave-confirmed',
  payload: z.strictObject({ gameId: GameIdSchema, playerId: PlayerIdSchema, leaveOpId: GameOpIdSchema }),
  ok: { playerId: PlayerIdSchema, released: z.boolean() },
});

/**
 * Leave saga step, and the compensation of SeatPlayer (`compensates` = the seat's opId).
 * Refused with BETS_ON_LAYOUT while the player has contract bets (a pass bet with a
 * point, a come bet on its number). Answers TRY_AGAIN (not remembered: the leave retries)
 * while the player is the shooter and the dice are rolling, while a roll of the table is
 * applied but not yet paid, while the player's join is not confirmed (ConfirmSeat), and
 * while a bet of theirs is validated but not yet recorded or removed: each of those would
 * move chips into their stack after the cash-out. The player's other bets come down with
 * them: they are listed in `returnedBets` and their stakes are back in `stack` (the saga
 * releases their escrow). Harmless when the player is not seated (`wasSeated: false`).
 * With `confirm` (a leave), the player is held as leaving, seated or not, until
 * ConfirmLeave. A shooter who leaves passes the dice to the next seat.
 */
export const UnseatPlayer = defineCommand({
  service: 'lifecycle',
  verb: 'unseat-player',
  fact: 'player-unseated',
  payload: z.strictObject({
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    opId: GameOpIdSchema,
    /** The opId of the SeatPlayer this compensates: a seat arriving later is refused. */
    compensates: GameOpIdSchema.optional(),
    /** Hold the player as leaving until ConfirmLeave (leave sagas from version 2 send it). */
    confirm: z.literal(true).optional(),
  }),
  ok: {
    playerId: PlayerIdSchema,
    wasSeated: z.boolean(),
    /** The table's view of the stack as the player left, returned bets included; 0 if not seated. */
    stack: ChipsSchema,
    returnedBets: z.array(z.object({ betId: LayoutBetIdSchema, amount: PositiveChipsSchema })),
    shooter: PlayerIdSchema.nullable(),
  },
});

const BetRequestShape = {
  gameId: GameIdSchema,
  betId: LayoutBetIdSchema,
  playerId: PlayerIdSchema,
  type: BetTypeSchema,
  number: z.number().int().optional(),
  amount: PositiveChipsSchema,
};

/**
 * Bet saga step 1: may this bet go on the layout now (phase, table config, odds caps,
 * the player's stack as the table sees it)? If so the bet is held under its id until
 * RecordBet puts it on the layout or ReleaseBetHold (the compensation) ends it; while
 * held, the player cannot leave and the game cannot close. Refusals: GAME_NOT_FOUND,
 * GAME_CLOSED, GAME_SUSPENDED, NOT_SEATED, BET_NOT_ALLOWED (also while the dice are
 * rolling), BET_LIMIT, INSUFFICIENT_STACK, CONFLICT (the bet id is taken by another bet,
 * or was withdrawn).
 */
export const ValidateBet = defineCommand({
  service: 'lifecycle',
  verb: 'validate-bet',
  fact: 'bet-validated',
  payload: z.strictObject(BetRequestShape),
  ok: { betId: LayoutBetIdSchema },
});

/**
 * Bet saga step 3 (after the escrow): puts the bet on the layout, validating it again,
 * and takes the stake off the table's view of the stack. Idempotent by `betId`.
 * Compensation: RemoveBet.
 */
export const RecordBet = defineCommand({
  service: 'lifecycle',
  verb: 'record-bet',
  fact: 'bet-recorded',
  payload: z.strictObject({ ...BetRequestShape, opId: GameOpIdSchema }),
  ok: { bet: LayoutBetSchema, stack: ChipsSchema },
});

/**
 * The compensation of ValidateBet, the bet saga's last one: the bet is no longer under
 * way, so its player may leave (and the game close). Runs after the stake's escrow was
 * released, so no chip can reach the stack after a leave's cash-out. A bet id never
 * recorded is burnt (a ValidateBet or RecordBet arriving later is refused). Never
 * refused; `held: false` when there was no hold.
 */
export const ReleaseBetHold = defineCommand({
  service: 'lifecycle',
  verb: 'release-bet-hold',
  fact: 'bet-hold-released',
  payload: z.strictObject({ gameId: GameIdSchema, betId: LayoutBetIdSchema }),
  ok: { betId: LayoutBetIdSchema, held: z.boolean() },
});

/**
 * Takes a bet down and returns its stake to the table's view of the stack; the
 * compensation of RecordBet. Contract bets (craps `canRemoveBet`) are refused with
 * BET_NOT_REMOVABLE; a bet is never a contract bet before a roll has passed over it, so a
 * compensation that runs before the next roll always succeeds. `status`: `removed`;
 * `absent` (never recorded: a RecordBet arriving later is refused); `resolved` (a roll
 * settled it already: settle it, do not release its escrow). Idempotent by `betId`.
 */
export const RemoveBet = defineCommand({
  service: 'lifecycle',
  verb: 'remove-bet',
  fact: 'bet-removed',
  payload: z.strictObject({ gameId: GameIdSchema, betId: LayoutBetIdSchema, opId: GameOpIdSchema }),
  ok: {
    betId: LayoutBetIdSchema,
    status: z.enum(['removed', 'absent', 'resolved']),
    /** The stake returned (0 unless `removed`). */
    amount: ChipsSchema,
    playerId: PlayerIdSchema.nullable(),
  },
});

/**
 * Roll saga step 1: is `playerId` the shooter? Reserves the next roll: betting closes
 * until the roll is applied or cancelled, and the roll clock stops. Refusals:
 * NOT_SHOOTER, GAME_CLOSED, GAME_SUSPENDED, CONFLICT (another roll is in progress);
 * TRY_AGAIN while the last roll is applied and not yet paid (CloseRound).
 * Compensation: CancelRoll.
 */
export const CheckShooter = defineCommand({
  service: 'lifecycle',
  verb: 'check-shooter',
  fact: 'shooter-checked',
  payload: z.strictObject({ gameId: GameIdSchema, playerId: PlayerIdSchema, opId: GameOpIdSchema }),
  ok: { rollIndex: z.number().int().min(1), shooter: PlayerIdSchema },
});

/**
 * Compensation of CheckShooter: releases the reserved roll (betting reopens, the shooter
 * keeps the dice with a fresh roll clock). Harmless when nothing was reserved; a
 * CheckShooter arriving later is refused. `cancelled: false` once the roll was applied.
 */
export const CancelRoll = defineCommand({
  service: 'lifecycle',
  verb: 'cancel-roll',
  fact: 'roll-cancelled',
  payload: z.strictObject({ gameId: GameIdSchema, checkOpId: GameOpIdSchema }),
  ok: { cancelled: z.boolean(), rollIndex: z.number().int().nullable() },
});

export const BetResolutionSchema = z.object({
  betId: LayoutBetIdSchema,
  playerId: PlayerIdSchema,
  type: BetTypeSchema,
  number: z.number().int().optional(),
  outcome: z.enum(['win', 'lose', 'push']),
  /** The stake: returned on win and push, kept by the house on lose. */
  amount: PositiveChipsSchema,
  /** Winnings on top of the returned stake, 0 unless `win`. */
  payout: ChipsSchema,
});
export type BetResolution = z.infer<typeof BetResolutionSchema>;

export const RollOutcomeSchema = z.object({
  rollIndex: z.number().int().min(1),
  dice: RollDiceSchema,
  total: z.number().int(),
  phase: PhaseSchema,
  point: z.number().int().nullable(),
  /** Who holds the dice after the roll. */
  shooter: PlayerIdSchema.nullable(),
  sevenOut: z.boolean(),
  /** On a seven-out, who the dice pass to. */
  nextShooter: PlayerIdSchema.nullable(),
  resolutions: z.array(BetResolutionSchema),
  /** Come / don't-come bets that moved to their own number. */
  moved: z.array(z.object({ betId: LayoutBetIdSchema, point: z.number().int() })),
});
export type RollOutcome = z.infer<typeof RollOutcomeSchema>;

/**
 * Roll saga step 3, the pivot: applies the dice of the roll CheckShooter reserved (libs/
 * craps `applyRoll`) and credits returns to the table's view of the stacks. Idempotent on
 * `rollIndex`: a replay with the same dice answers the same resolutions. Settlement ids
 * in treasury must derive from (gameId, rollIndex, betId), so that a roll answered twice
 * is paid once. Refusals: GAME_CLOSED, GAME_SUSPENDED, CONFLICT (not reserved, out of
 * order, other dice for an applied roll, or too old to replay).
 */
export const ApplyRoll = defineCommand({
  service: 'lifecycle',
  verb: 'apply-roll',
  fact: 'roll-applied',
  payload: z.strictObject({ gameId: GameIdSchema, rollIndex: z.number().int().min(1), dice: RollDiceSchema }),
  ok: { roll: RollOutcomeSchema },
});

/**
 * Roll saga last lifecycle step, after treasury settled every resolution: records that
 * the roll is settled (bookkeeping; betting reopened when the roll was applied).
 */
export const CloseRound = defineCommand({
  service: 'lifecycle',
  verb: 'close-round',
  fact: 'round-closed',
  payload: z.strictObject({ gameId: GameIdSchema, rollIndex: z.number().int().min(1) }),
  ok: { rollIndex: z.number().int(), settledThrough: z.number().int() },
});

const AdminShape = { gameId: GameIdSchema, reason: AdminReasonSchema, opId: GameOpIdSchema };

/** Operator: the game refuses joins, bets and rolls, and its clocks stop. Idempotent. */
export const SuspendGame = defineCommand({
  service: 'lifecycle',
  verb: 'suspend-game',
  fact: 'game-suspended',
  payload: z.strictObject(AdminShape),
  ok: { game: GameViewSchema },
});

/** Operator: a suspended game opens again; its inactivity and roll clocks restart. */
export const ResumeGame = defineCommand({
  service: 'lifecycle',
  verb: 'resume-game',
  fact: 'game-resumed',
  payload: z.strictObject(AdminShape),
  ok: { game: GameViewSchema },
});

/**
 * Expire saga's pivot: the game closes for good (every later command is refused with
 * GAME_CLOSED, compensations answer harmlessly), its admission slot and the players'
 * table slots are released, its timeouts disarmed. The reply lists what was on the table
 * at that moment (stacks, bets), which the table no longer shows. Answers TRY_AGAIN
 * while a join is unconfirmed, a bet held or a roll unpaid at the table (their chips
 * would land after the cash-outs); the saga suspends the game first, so those finish.
 */
export const CloseGame = defineCommand({
  service: 'lifecycle',
  verb: 'close-game',
  fact: 'game-closed',
  payload: z.strictObject(AdminShape),
  ok: {
    game: GameViewSchema,
    players: z.array(z.object({ playerId: PlayerIdSchema, stack: ChipsSchema })),
    bets: z.array(LayoutBetSchema),
  },
});

/**
 * No command reached the game for `inactivityTimeoutMs`: the expire saga's trigger. The
 * game stays open (the saga closes it); while nothing happens the event repeats every
 * `inactivityTimeoutMs`. Message id `lifecycle.game-inactive.<gameId>.<deadline ms>`.
 */
export const GameInactive = defineEvent({
  service: 'lifecycle',
  fact: 'game-inactive',
  payload: z.object({ gameId: GameIdSchema, lastActivityAt: z.string(), deadline: z.string() }),
});

/** The shooter did not roll within `rollTimeoutMs`: the dice went to the next seat. */
export const DicePassed = defineEvent({
  service: 'lifecycle',
  fact: 'dice-passed',
  payload: z.object({ gameId: GameIdSchema, from: PlayerIdSchema, to: PlayerIdSchema, reason: z.enum(['roll-timeout']), at: z.string() }),
});
