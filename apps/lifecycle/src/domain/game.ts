import { z } from 'zod';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import {
  GameConfigSchema,
  GameIdSchema,
  GameSettingsSchema,
  GameStatusSchema,
  LayoutBetIdSchema,
  LayoutBetSchema,
  GameOpIdSchema,
  PhaseSchema,
  PlayerIdSchema,
  refuse,
  RollOutcomeSchema,
  type GameConfig,
  type GameSettingsInput,
  type GameView,
  type LayoutBet,
  type Refusal,
} from '@bitcraps/contracts';
import { ODDS_3_4_5, parseMaxOdds, type Bet, type PointNumber, type Table, type TableConfig } from '@bitcraps/craps';

/** A seat: the table's view of the player's stack (treasury holds the money). */
export const SeatSchema = z.object({
  playerId: PlayerIdSchema,
  stack: z.number().int().min(0),
  seatedAt: z.string(),
  publicKey: z.string().optional(),
  /** The SeatPlayer opId that took the seat (seats taken before it was kept have none). */
  seatOpId: GameOpIdSchema.optional(),
  /** The SeatPlayer opId while the join that took the seat is not yet confirmed (ConfirmSeat). */
  joining: GameOpIdSchema.optional(),
});
export type Seat = z.infer<typeof SeatSchema>;

/** A bet validate-bet let through, until record-bet puts it on the layout or remove-bet withdraws it. */
export const HeldBetSchema = z.object({ betId: LayoutBetIdSchema, playerId: PlayerIdSchema, at: z.string() });
export type HeldBet = z.infer<typeof HeldBetSchema>;

/** One remembered answer: `key` names the operation (`seat:<opId>`, `bet:<betId>`...). */
export const OpEntrySchema = z.object({ key: z.string(), reply: z.unknown() });
export type OpEntry = z.infer<typeof OpEntrySchema>;

/**
 * A game as lifecycle stores it in KV `games`: the public view plus what never leaves
 * the service (password hash, fencing token, deadlines, the reserved roll, the last
 * rolls and the answers of recent operations, for replays).
 */
export const GameRecordSchema = z.object({
  gameId: GameIdSchema,
  status: GameStatusSchema,
  phase: PhaseSchema,
  point: z.number().int().nullable(),
  shooter: PlayerIdSchema.nullable(),
  /** Seat order: the dice pass along it. */
  players: z.array(SeatSchema),
  bets: z.array(LayoutBetSchema),
  /** Bets under way (validated, not yet recorded or withdrawn): their players may not leave, the game may not close. */
  held: z.array(HeldBetSchema).default([]),
  /** Leaves under way (unseated, not yet cashed out: ConfirmLeave): their players may not sit here again meanwhile. */
  leaving: z.array(z.object({ playerId: PlayerIdSchema, opId: GameOpIdSchema })).default([]),
  rollCount: z.number().int().min(0),
  createdBy: PlayerIdSchema,
  createdAt: z.string(),
  config: GameConfigSchema,
  /** `scrypt$<salt hex>$<hash hex>` of a private table's password. */
  passwordHash: z.string().optional(),
  suspension: z.object({ reason: z.string(), at: z.string() }).nullable().default(null),
  closed: z.object({ reason: z.string(), at: z.string() }).nullable().default(null),
  /** The highest fencing token that wrote this document; an older one may not write. */
  fence: z.number().int().min(0).default(0),
  /** Last command about the game (ms). */
  lastActivityAt: z.number().int().min(0).default(0),
  /** Inactivity deadline (ms); null while the clock is stopped (suspended, closed). */
  inactiveAt: z.number().int().nullable().default(null),
  /** The shooter must roll before this (ms); null while no clock runs. */
  rollDeadline: z.number().int().nullable().default(null),
  /** The roll check-shooter reserved: betting is closed until it is applied or cancelled. */
  pendingRoll: z.object({ rollIndex: z.number().int().min(1), opId: GameOpIdSchema, at: z.string() }).nullable().default(null),
  /** The last roll whose payouts the roll saga has settled (close-round). */
  settledThrough: z.number().int().min(0).default(0),
  /** The last rolls' outcomes, newest last, to answer replays of apply-roll. */
  rolls: z.array(RollOutcomeSchema).default([]),
  /** Answers of recent operations, oldest first (bounded). */
  ops: z.array(OpEntrySchema).default([]),
});
export type GameRecord = z.infer<typeof GameRecordSchema>;

/** What a domain operation decides: the next record to write (none: write nothing) and the answer. */
export interface Decision<R> {
  next?: GameRecord;
  reply: R;
}

/** Fills the defaults of DESIGN.md section 9 and checks the settings against each other. */
export function resolveSettings(input: GameSettingsInput) {
  const parsed = GameSettingsSchema.safeParse(input);
  if (!parsed.success) {
    return refuse('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '));
  }
  return { ok: true as const, settings: parsed.data };
}

/** A fresh table: come-out, no point, nobody seated yet; its inactivity clock starts now. */
export function newGame(
  input: { gameId: string; createdBy: string; settings: GameSettingsInput },
  now: Date,
  hashPassword: (pw: string) => string = hashTablePassword,
): GameRecord | Refusal {
  const resolved = resolveSettings(input.settings);
  if (!resolved.ok) return resolved;
  const { password, ...config } = resolved.settings;
  const at = now.getTime();
  return {
    gameId: input.gameId,
    status: 'open',
    phase: 'come-out',
    point: null,
    shooter: null,
    players: [],
    bets: [],
    held: [],
    leaving: [],
    rollCount: 0,
    createdBy: input.createdBy,
    createdAt: now.toISOString(),
    config: { ...config, private: password !== undefined },
    ...(password !== undefined ? { passwordHash: hashPassword(password) } : {}),
    suspension: null,
    closed: null,
    fence: 0,
    lastActivityAt: at,
    inactiveAt: at + config.inactivityTimeoutMs,
    rollDeadline: null,
    pendingRoll: null,
    settledThrough: 0,
    rolls: [],
    ops: [],
  };
}

/** The public view: no password hash, no bookkeeping. */
export function toGameView(g: GameRecord): GameView {
  return {
    gameId: g.gameId,
    status: g.status,
    phase: g.phase,
    point: g.point,
    shooter: g.shooter,
    players: g.players.map((p) => ({ playerId: p.playerId, stack: p.stack })),
    bets: g.bets.map(toLayoutBet),
    rollCount: g.rollCount,
    createdBy: g.createdBy,
    createdAt: g.createdAt,
    config: g.config,
    suspension: g.suspension,
    ...(g.pendingRoll ? { pendingRoll: g.pendingRoll.rollIndex } : {}),
  };
}

/** A bet as the layout shows it: `point` only on come / don't-come bets. */
export function toLayoutBet(b: LayoutBet): LayoutBet {
  return {
    betId: b.betId,
    playerId: b.playerId,
    type: b.type,
    ...(b.number !== undefined && b.number !== null ? { number: b.number } : {}),
    amount: b.amount,
    ...(b.type === 'come' || b.type === 'dont_come' ? { point: b.point ?? null } : {}),
  };
}

/** The craps library's view of the table. */
export function toTable(g: GameRecord): Table {
  return { phase: g.phase, point: g.point as PointNumber | null, seats: g.players.map((p) => p.playerId), shooter: g.shooter, rollCount: g.rollCount };
}

/** Bets in the one shape libs/craps is fastest with (all six keys, in its order). */
export function toCrapsBet(b: LayoutBet): Bet {
  return { betId: b.betId, playerId: b.playerId, type: b.type, number: b.number ?? undefined, amount: b.amount, point: (b.point ?? null) as PointNumber | null };
}

/** A bet back from libs/craps, as stored (JSON: no undefined). */
export function fromCrapsBet(b: Bet): LayoutBet {
  return {
    betId: b.betId,
    playerId: b.playerId,
    type: b.type,
    ...(b.number !== undefined && b.number !== null ? { number: b.number } : {}),
    amount: b.amount,
    point: b.point ?? null,
  };
}

/** The game's limits as libs/craps takes them. */
export function tableConfigOf(config: GameConfig): TableConfig {
  return {
    minBet: config.minBet,
    maxBet: config.maxBet,
    maxBetsPerPlayer: config.maxBetsPerPlayer,
    allowedBets: config.allowedBets,
    maxOdds: parseMaxOdds(config.maxOdds) ?? ODDS_3_4_5,
  };
}

export function seatOf(g: GameRecord, playerId: string): Seat | undefined {
  return g.players.find((p) => p.playerId === playerId);
}

/** Salted scrypt: a private table's password is never stored as given. */
export function hashTablePassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, 32).toString('hex')}`;
}

export function checkTablePassword(stored: string, given: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(given, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(expected, actual);
}

/**
 * Why chips may still move into a stack at this table (for one player, or for anybody):
 * a join not yet confirmed, a bet validated and not yet recorded or withdrawn, a roll
 * applied and not yet paid. While any holds, the player may not leave and the game may
 * not close: that money would land in a stack already cashed out. Null when none does.
 */
export function moneyInFlight(g: GameRecord, playerId?: string): string | null {
  const mine = (id: string) => playerId === undefined || id === playerId;
  const joining = g.players.find((p) => p.joining && mine(p.playerId));
  if (joining) return playerId ? 'your join is still being settled' : `the join of ${joining.playerId} is still being settled`;
  const held = g.held.find((h) => mine(h.playerId));
  if (held) return playerId ? `your bet ${held.betId} is being placed` : `bet ${held.betId} is being placed`;
  if (g.settledThrough < g.rollCount) return `roll ${g.rollCount} is being paid`;
  return null;
}
