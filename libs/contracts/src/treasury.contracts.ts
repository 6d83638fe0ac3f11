import { z } from 'zod';
import { BetTypeSchema } from './game-settings';
import { GameIdSchema, PlayerIdSchema } from './ids';
import { ChipsSchema, PositiveChipsSchema } from './money';
import { defineCommand, defineQuery } from './subject';

/**
 * Contracts owned by the treasury service: the double-entry ledger of house bankroll,
 * table stacks and bet escrow (DESIGN.md section 4; chart of accounts in
 * apps/treasury/README.md). Every command is idempotent by the ids it carries: a
 * replay moves nothing more and answers the first answer.
 */

// ---------------------------------------------------------------- accounts

/** The house's own chips: pays winnings, keeps lost stakes. */
export const BANKROLL_ACCOUNT = 'bankroll';
/** Clearing: chips that came from (or went back to) player wallets, which the player service owns. Runs negative. */
export const WALLETS_CLEARING_ACCOUNT = 'clearing.wallets';
/** Clearing: where the initial bankroll and admin additions come from. Runs negative. */
export const FUNDING_CLEARING_ACCOUNT = 'clearing.funding';

/** A player's chips at one table. */
export const stackAccount = (gameId: string, playerId: string) => `stack.${gameId}.${playerId}`;
/** Stakes of a game's open bets. */
export const escrowAccount = (gameId: string) => `escrow.${gameId}`;

const UUID = '[0-9a-f-]{36}';
const STACK_ACCOUNT = new RegExp(`^stack\\.(g_${UUID})\\.(p_${UUID})$`);
const ESCROW_ACCOUNT = new RegExp(`^escrow\\.(g_${UUID})$`);

export const LedgerAccountIdSchema = z.string().refine(
  (s) => s === BANKROLL_ACCOUNT || s === WALLETS_CLEARING_ACCOUNT || s === FUNDING_CLEARING_ACCOUNT || STACK_ACCOUNT.test(s) || ESCROW_ACCOUNT.test(s),
  'not a treasury account',
);
export type LedgerAccountId = z.infer<typeof LedgerAccountIdSchema>;

export type ParsedLedgerAccount =
  | { kind: 'bankroll' }
  | { kind: 'clearing'; of: 'wallets' | 'funding' }
  | { kind: 'stack'; gameId: string; playerId: string }
  | { kind: 'escrow'; gameId: string };

/** What an account id names; null when it names none. */
export function parseLedgerAccount(id: string): ParsedLedgerAccount | null {
  if (id === BANKROLL_ACCOUNT) return { kind: 'bankroll' };
  if (id === WALLETS_CLEARING_ACCOUNT) return { kind: 'clearing', of: 'wallets' };
  if (id === FUNDING_CLEARING_ACCOUNT) return { kind: 'clearing', of: 'funding' };
  const stack = STACK_ACCOUNT.exec(id);
  if (stack) return { kind: 'stack', gameId: stack[1]!, playerId: stack[2]! };
  const escrow = ESCROW_ACCOUNT.exec(id);
  if (escrow) return { kind: 'escrow', gameId: escrow[1]! };
  return null;
}

// ---------------------------------------------------------------- ids

/**
 * An operation id chosen by the sender: saga id + step (`s_…:join:credit`). The
 * treasury derives every transfer id from it, so a replay finds what it did.
 */
export const TreasuryOpIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,160}$/, 'op ids are 1-160 of A-Z a-z 0-9 _ . : -');
/** A bet's id, minted once per bet; the escrow, release and settlement of a bet are keyed by it. */
export const TreasuryBetIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'bet ids are 1-100 of A-Z a-z 0-9 _ . : -');

// ---------------------------------------------------------------- the LEDGER stream

/** Stream `LEDGER`: every movement of chips, in order, kept forever (limits retention, no limits). */
export const LEDGER_STREAM = { name: 'LEDGER', subjects: ['ledger.>'] } as const;

export const TRANSFER_KINDS = [
  'seed', // funding → bankroll, once, at first start
  'fund', // funding → bankroll (admin)
  'buy-in', // wallets → stack
  'reverse', // stack → wallets (compensation of a buy-in)
  'cash-out', // stack → wallets
  'escrow', // stack → escrow (opens a bet)
  'release', // escrow → stack (closes a bet: compensation or refund)
  'win-payout', // bankroll → stack (winnings, before the stake comes back)
  'win-stake', // escrow → stack (closes a won bet)
  'push', // escrow → stack (closes a pushed bet)
  'lose', // escrow → bankroll (closes a lost bet)
] as const;
export const TransferKindSchema = z.enum(TRANSFER_KINDS);
export type TransferKind = z.infer<typeof TransferKindSchema>;

/**
 * One movement of chips. `transferId` is deterministic (op id or bet id + leg): the
 * ledger applies an id at most once, whenever and however often it is appended.
 */
export const LedgerTransferSchema = z.object({
  type: z.literal('transfer'),
  transferId: z.string().min(1).max(240),
  /** The operation that made it (op id, or `settle:<gameId>:<rollIndex>`). */
  opId: z.string().min(1).max(240),
  kind: TransferKindSchema,
  from: LedgerAccountIdSchema,
  to: LedgerAccountIdSchema,
  amount: PositiveChipsSchema,
  /** ISO time of the append. */
  at: z.string(),
  /** Bet kinds only. */
  betId: TreasuryBetIdSchema.optional(),
  /** `escrow` only: the most the house can pay on this bet (exposure). */
  worstCase: ChipsSchema.optional(),
});
export type LedgerTransfer = z.infer<typeof LedgerTransferSchema>;

/**
 * A decision that moves nothing but must be remembered in order with the transfers:
 * a refusal that a replay must answer again, a compensation that arrived before its
 * step (the step is then refused), a settlement of a bet that held no stake, an empty
 * cash-out. It fills the same id slot a transfer would, so each slot is decided once.
 */
export const LedgerMarkSchema = z.object({
  type: z.literal('mark'),
  markId: z.string().min(1).max(240),
  opId: z.string().min(1).max(240),
  kind: z.enum(['refused', 'cancelled', 'void', 'empty']),
  at: z.string(),
  code: z.string().optional(),
  message: z.string().optional(),
});
export type LedgerMark = z.infer<typeof LedgerMarkSchema>;

export const LedgerEntrySchema = z.discriminatedUnion('type', [LedgerTransferSchema, LedgerMarkSchema]);
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const ledgerEntryId = (e: LedgerEntry) => (e.type === 'transfer' ? e.transferId : e.markId);
/** `ledger.transfer.<kind>` or `ledger.mark.<kind>`. */
export const ledgerSubject = (e: LedgerEntry) => `ledger.${e.type}.${e.kind}`;

// ---------------------------------------------------------------- commands

/**
 * Join saga's pivot: moves a buy-in, already debited from the player's wallet, onto the
 * player's table stack. Refused (CONFLICT) when its reversal arrived first (only join
 * sagas of version 1 reverse it: from version 2 a credited stack is never taken back,
 * since the player may bet from it at once).
 */
export const CreditStack = defineCommand({
  service: 'treasury',
  verb: 'credit-stack',
  fact: 'stack-credited',
  payload: z.strictObject({ opId: TreasuryOpIdSchema, gameId: GameIdSchema, playerId: PlayerIdSchema, amount: PositiveChipsSchema }),
  ok: { credited: PositiveChipsSchema, stack: ChipsSchema },
});

/**
 * Compensation of CreditStack in join sagas of version 1 (kept for those still stored;
 * same `opId`): moves back exactly what that credit moved,
 * once. When the credit never ran it moves nothing and bars the credit for good.
 * INSUFFICIENT_STACK (nothing moved, may be retried) when the stack no longer holds it.
 */
export const ReverseStackCredit = defineCommand({
  service: 'treasury',
  verb: 'reverse-stack-credit',
  fact: 'stack-credit-reversed',
  payload: z.strictObject({ opId: TreasuryOpIdSchema, gameId: GameIdSchema, playerId: PlayerIdSchema }),
  ok: { reversed: ChipsSchema },
});

/**
 * Bet saga: moves a stake from the stack to the game's escrow, if the stack holds it
 * (INSUFFICIENT_STACK) and the bankroll covers the worst case of every open bet plus
 * this one while keeping the reserve (HOUSE_CANNOT_COVER). Keyed by `betId`; refusals
 * are final for that bet.
 */
export const EscrowBet = defineCommand({
  service: 'treasury',
  verb: 'escrow-bet',
  fact: 'bet-escrowed',
  payload: z.strictObject({
    betId: TreasuryBetIdSchema,
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    type: BetTypeSchema,
    number: z.number().int().min(2).max(12).nullable().optional(),
    amount: PositiveChipsSchema,
  }),
  ok: { stack: ChipsSchema, worstCase: ChipsSchema },
});

/**
 * Compensation of EscrowBet, and the expire saga's refund: the stake goes back to the
 * stack. Moves nothing for a bet already settled; bars the escrow for good when it
 * never ran.
 */
export const ReleaseBet = defineCommand({
  service: 'treasury',
  verb: 'release-bet',
  fact: 'bet-released',
  payload: z.strictObject({ betId: TreasuryBetIdSchema, gameId: GameIdSchema, playerId: PlayerIdSchema }),
  ok: { released: ChipsSchema },
});

export const RollSettlementSchema = z.strictObject({
  betId: TreasuryBetIdSchema,
  playerId: PlayerIdSchema,
  outcome: z.enum(['win', 'lose', 'push']),
  /** The stake, as escrowed. */
  amount: PositiveChipsSchema,
  /** Winnings on top of the stake; 0 unless `win`. */
  payout: ChipsSchema,
});
export type RollSettlement = z.infer<typeof RollSettlementSchema>;

/**
 * Roll saga, after the pivot: settles every resolution of one roll. Win: payout from
 * the bankroll, then the stake, to the stack; lose: stake to the bankroll; push: stake
 * back. Each bet is settled exactly once, however often (or partially) this runs; a
 * bet that holds no stake is reported in `void` and never settled later.
 */
export const SettleRoll = defineCommand({
  service: 'treasury',
  verb: 'settle-roll',
  fact: 'roll-settled',
  payload: z.strictObject({
    gameId: GameIdSchema,
    rollIndex: z.number().int().min(0),
    resolutions: z
      .array(RollSettlementSchema)
      .max(10_000)
      .refine((rs) => new Set(rs.map((r) => r.betId)).size === rs.length, 'a bet is resolved once per roll'),
  }),
  ok: { settled: z.number().int().min(0), void: z.array(TreasuryBetIdSchema), returned: ChipsSchema, paid: ChipsSchema, collected: ChipsSchema },
});

/** Leave and expire sagas: empties the stack toward the wallet; answers the amount (0 for an empty stack). */
export const CashOutStack = defineCommand({
  service: 'treasury',
  verb: 'cash-out-stack',
  fact: 'stack-cashed-out',
  payload: z.strictObject({ opId: TreasuryOpIdSchema, gameId: GameIdSchema, playerId: PlayerIdSchema }),
  ok: { amount: ChipsSchema },
});

/** Admin: adds chips to the house bankroll. */
export const FundBankroll = defineCommand({
  service: 'treasury',
  verb: 'fund-bankroll',
  fact: 'bankroll-funded',
  payload: z.strictObject({ opId: TreasuryOpIdSchema, amount: PositiveChipsSchema }),
  ok: { bankroll: ChipsSchema },
});

// ---------------------------------------------------------------- queries

export const GetStack = defineQuery({
  service: 'treasury',
  verb: 'get-stack',
  payload: z.strictObject({ gameId: GameIdSchema, playerId: PlayerIdSchema }),
  ok: { stack: ChipsSchema },
});

export const EscrowedBetSchema = z.object({ betId: TreasuryBetIdSchema, playerId: PlayerIdSchema, amount: PositiveChipsSchema, worstCase: ChipsSchema });

export const GetGameEscrow = defineQuery({
  service: 'treasury',
  verb: 'get-game-escrow',
  payload: z.strictObject({ gameId: GameIdSchema }),
  ok: { escrow: ChipsSchema, exposure: ChipsSchema, openBets: z.array(EscrowedBetSchema) },
});

/**
 * The treasury's terms of the conservation identity. With the player service's wallet
 * total: Σ wallets + stacks + escrow + bankroll = Σ deposits + initialBankroll +
 * bankrollAdditions. Alone: `balanced` ⇔ bankroll + stacks + escrow = initialBankroll +
 * bankrollAdditions + walletsIn − walletsOut.
 */
export const TreasuryAuditSchema = z.object({
  bankroll: ChipsSchema,
  stacks: ChipsSchema,
  escrow: ChipsSchema,
  initialBankroll: ChipsSchema,
  bankrollAdditions: ChipsSchema,
  /** Chips that came from wallets (buy-ins). */
  walletsIn: ChipsSchema,
  /** Chips that went back to wallets (reversals, cash-outs). */
  walletsOut: ChipsSchema,
  /** Worst-case payout of every open bet. */
  openExposure: ChipsSchema,
  openBets: z.number().int().min(0),
  /** The LEDGER sequence these figures include. */
  lastSequence: z.number().int().min(0),
  balanced: z.boolean(),
});
export type TreasuryAudit = z.infer<typeof TreasuryAuditSchema>;

export const GetTreasuryAudit = defineQuery({
  service: 'treasury',
  verb: 'get-audit',
  payload: z.strictObject({}),
  ok: { audit: TreasuryAuditSchema },
});
