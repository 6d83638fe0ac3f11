import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { ChipsSchema, PositiveChipsSchema } from './money';
import { PlayerIdSchema } from './ids';
import { defineCommand, defineQuery } from './subject';

/** Contracts owned by the player service: accounts, wallets, activity. */
export const PlayerNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(40, 'name is at most 40 characters')
  .regex(/^[\p{L}\p{N} _.\-']+$/u, 'name holds letters, digits, spaces and _ . - \' only');

export const PlayerViewSchema = z.object({
  playerId: PlayerIdSchema,
  name: z.string(),
  balance: ChipsSchema,
});
export type PlayerView = z.infer<typeof PlayerViewSchema>;

/** Opens an account with an optional first deposit (the dev faucet). Replayed: the first answer. */
export const RegisterPlayer = defineCommand({
  service: 'player',
  verb: 'register-player',
  fact: 'player-registered',
  payload: z.strictObject({ playerId: PlayerIdSchema, name: PlayerNameSchema, deposit: ChipsSchema }),
  ok: { player: PlayerViewSchema },
});

export const GetPlayer = defineQuery({
  service: 'player',
  verb: 'get-player',
  payload: z.strictObject({ playerId: PlayerIdSchema }),
  ok: { player: PlayerViewSchema },
});

/**
 * The id of one wallet movement: saga id + step (e.g. `s_…:buy-in`), unique per
 * movement. It is the idempotency key: the same id is the same movement, forever.
 */
export const OperationIdSchema = z
  .string()
  .min(1, 'opId is required')
  .max(200, 'opId is at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'opId is printable ASCII without spaces');

/** Why chips moved, for the player's history (e.g. `buy-in g_…`). Descriptive only. */
export const MovementReasonSchema = z.string().min(1, 'reason is required').max(200, 'reason is at most 200 characters');

const WalletMovementPayload = z.strictObject({
  playerId: PlayerIdSchema,
  opId: OperationIdSchema,
  amount: PositiveChipsSchema,
  reason: MovementReasonSchema,
});

/** A movement that was applied: `balance` is the wallet right after it, `at` when it happened. */
const WalletMovedShape = {
  playerId: PlayerIdSchema,
  opId: OperationIdSchema,
  amount: PositiveChipsSchema,
  balance: ChipsSchema,
  at: z.string(),
};

/**
 * Takes chips out of a wallet. Refusals: `INSUFFICIENT_BALANCE` (never overdrawn),
 * `PLAYER_NOT_FOUND`, `IDEMPOTENCY_KEY_REUSED` (this opId was used for another kind or
 * amount). The first answer for an opId is final: a replay, however late, answers it
 * again (a refusal too, even if the balance would now suffice) and changes nothing.
 * `PLAYER_NOT_FOUND` and `IDEMPOTENCY_KEY_REUSED` change nothing and are not remembered.
 */
export const DebitWallet = defineCommand({
  service: 'player',
  verb: 'debit-wallet',
  fact: 'wallet-debited',
  payload: WalletMovementPayload,
  ok: WalletMovedShape,
});

/**
 * Puts chips into a wallet (a cash-out, a compensation). Same idempotency as
 * DebitWallet; refused only for an unknown player, a reused opId, or a balance that
 * would pass Number.MAX_SAFE_INTEGER (`VALIDATION_FAILED`).
 */
export const CreditWallet = defineCommand({
  service: 'player',
  verb: 'credit-wallet',
  fact: 'wallet-credited',
  payload: WalletMovementPayload,
  ok: WalletMovedShape,
});

/**
 * The compensation of DebitWallet (same `opId` and `amount`): gives the debit back if it
 * was applied (once), and if it never arrived records it as refused so that a late
 * delivery moves nothing. `refunded` is 0 when there was nothing to give back.
 */
export const RefundDebit = defineCommand({
  service: 'player',
  verb: 'refund-debit',
  fact: 'debit-refunded',
  payload: WalletMovementPayload,
  ok: { playerId: PlayerIdSchema, opId: OperationIdSchema, refunded: ChipsSchema },
});

/** One entry of a player's history: a deposit, debit or credit, applied or refused. */
export const PlayerActionSchema = z.object({
  opId: z.string(),
  kind: z.enum(['deposit', 'debit', 'credit']),
  amount: ChipsSchema,
  /** The wallet after the action (unchanged when refused). */
  balanceAfter: ChipsSchema,
  reason: z.string(),
  at: z.string(),
  /** Present when the movement was refused; it is answered again on every replay. */
  refused: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
});
export type PlayerAction = z.infer<typeof PlayerActionSchema>;

/**
 * A run of a player's activity with no gap longer than the player service's
 * SESSION_IDLE_MS. `actions` counts the activities it holds (requests, wallet movements).
 */
export const PlayerSessionSchema = z.object({
  sessionId: z.string(),
  startedAt: z.string(),
  lastActivityAt: z.string(),
  actions: z.number().int().min(1),
});
export type PlayerSession = z.infer<typeof PlayerSessionSchema>;

/**
 * Counts one activity of the player in its sessions (the gateway sends it, throttled,
 * for authenticated requests). Idempotent by `activityId`: a replay counts once. A time
 * in the future counts as the player service's now. Refused only for an unknown player.
 */
export const TouchActivity = defineCommand({
  service: 'player',
  verb: 'touch-activity',
  fact: 'activity-touched',
  payload: z.strictObject({ playerId: PlayerIdSchema, activityId: OperationIdSchema, at: z.string().datetime({ offset: true }) }),
  ok: { playerId: PlayerIdSchema, lastActiveAt: z.string() },
});

/**
 * The player's last 100 actions (oldest first), last 20 sessions (oldest first) and the
 * time of their last activity; also the answer of GET /v1/players/me/activity.
 */
export const PlayerActivitySchema = z.object({
  playerId: PlayerIdSchema,
  lastActiveAt: z.string(),
  sessions: z.array(PlayerSessionSchema),
  history: z.array(PlayerActionSchema),
});

export const GetPlayerActivity = defineQuery({
  service: 'player',
  verb: 'get-player-activity',
  payload: z.strictObject({ playerId: PlayerIdSchema }),
  ok: PlayerActivitySchema.shape,
});

/**
 * The player service's terms of the audit (DESIGN.md section 4): Σ wallet balances,
 * Σ faucet deposits ever made, and the number of accounts. Exact only at quiescence.
 */
export const GetWalletTotals = defineQuery({
  service: 'player',
  verb: 'get-wallet-totals',
  payload: z.strictObject({}),
  ok: { wallets: ChipsSchema, deposits: ChipsSchema, players: z.number().int().min(0) },
});
