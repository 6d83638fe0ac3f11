import { z } from 'zod';
import { ChipsSchema, PlayerIdSchema, refuse, type PlayerView, type Refusal } from '@bitcraps/contracts';

/** The last actions kept per player (DESIGN.md: per-player action history). */
export const HISTORY_LIMIT = 100;

export const ActionSchema = z.object({
  opId: z.string(),
  kind: z.enum(['deposit', 'debit', 'credit']),
  amount: ChipsSchema,
  balanceAfter: ChipsSchema,
  at: z.string(),
});

export const AccountSchema = z.object({
  playerId: PlayerIdSchema,
  name: z.string(),
  balance: ChipsSchema,
  createdAt: z.string(),
  lastActiveAt: z.string(),
  history: z.array(ActionSchema).max(HISTORY_LIMIT),
});
export type Account = z.infer<typeof AccountSchema>;

/** A new account, with the faucet deposit as its first action when there is one. */
export function openAccount(input: { playerId: string; name: string; deposit: number }, now: Date): Account {
  const at = now.toISOString();
  return {
    playerId: input.playerId,
    name: input.name,
    balance: input.deposit,
    createdAt: at,
    lastActiveAt: at,
    history: input.deposit > 0 ? [{ opId: `open:${input.playerId}`, kind: 'deposit', amount: input.deposit, balanceAfter: input.deposit, at }] : [],
  };
}

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
