import { z } from 'zod';
import { ChipsSchema, PlayerActionSchema, PlayerIdSchema, refuse, type PlayerView, type Refusal } from '@bitcraps/contracts';
import { RECENT_ACTIVITY_LIMIT, SESSION_LIMIT, SessionSchema, touchSession } from './sessions';

/** The last actions kept per player (DESIGN.md: per-player action history). */
export const HISTORY_LIMIT = 100;

/** The reason written on the deposit made at registration. */
export const FAUCET_REASON = 'faucet';

/** The action history entry; the contract's shape, stored as is. */
export const ActionSchema = PlayerActionSchema;
export type Action = z.infer<typeof ActionSchema>;

const AccountShape = z.object({
  playerId: PlayerIdSchema,
  name: z.string(),
  balance: ChipsSchema,
  createdAt: z.string(),
  /** The player's latest activity (a wallet movement, a request through the gateway); never moves backwards. */
  lastActiveAt: z.string(),
  /** Running sums since the account opened: balance = deposited + credited − debited. */
  totals: z.object({ deposited: ChipsSchema, credited: ChipsSchema, debited: ChipsSchema }),
  /** Oldest first; also the short-term memory of answered opIds (see wallet.ts). */
  history: z.array(ActionSchema).max(HISTORY_LIMIT),
  /** Oldest first (see sessions.ts); accounts written before sessions existed have none. */
  sessions: z.array(SessionSchema).max(SESSION_LIMIT).default([]),
  /** The activity ids last counted in the sessions, so that a redelivery counts once. */
  recentActivityIds: z.array(z.string()).max(RECENT_ACTIVITY_LIMIT).default([]),
});

/**
 * Accounts written before wallets existed had no totals and no reasons; their history
 * then held at most the faucet deposit, so the totals can be derived from it.
 */
function upgrade(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || 'totals' in raw) return raw;
  const a = raw as { history?: Array<Record<string, unknown>> };
  const history: Array<Record<string, unknown>> = (a.history ?? []).map((h) => ({ reason: FAUCET_REASON, ...h }));
  const deposited = history.reduce((sum, h) => sum + (h.kind === 'deposit' ? Number(h.amount) : 0), 0);
  return { ...a, history, totals: { deposited, credited: 0, debited: 0 } };
}

export const AccountSchema = z.preprocess(upgrade, AccountShape);
export type Account = z.infer<typeof AccountShape>;

/** A new account, with the faucet deposit as its first action when there is one; registering opens the first session. */
export function openAccount(input: { playerId: string; name: string; deposit: number }, now: Date): Account {
  const at = now.toISOString();
  const account: Account = {
    playerId: input.playerId,
    name: input.name,
    balance: input.deposit,
    createdAt: at,
    lastActiveAt: at,
    totals: { deposited: input.deposit, credited: 0, debited: 0 },
    history:
      input.deposit > 0
        ? [{ opId: openOpId(input.playerId), kind: 'deposit', amount: input.deposit, balanceAfter: input.deposit, reason: FAUCET_REASON, at }]
        : [],
    sessions: [],
    recentActivityIds: [],
  };
  return touchSession(account, now, openOpId(input.playerId));
}

const openOpId = (playerId: string) => `open:${playerId}`;

/** The faucet rule: deposits at registration are a development convenience, capped. */
export function checkDeposit(deposit: number, faucetMax: number): Refusal | null {
  if (deposit === 0) return null;
  if (faucetMax === 0) return refuse('FAUCET_DISABLED', 'deposits at registration are disabled here');
  if (deposit > faucetMax) return refuse('VALIDATION_FAILED', `deposit may be at most ${faucetMax}`);
  return null;
}

export function toPlayerView(a: Account): PlayerView {
  return { playerId: a.playerId, name: a.name, balance: a.balance };
}
