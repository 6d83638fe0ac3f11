import { z } from 'zod';
import { PlayerIdSchema, refuse, type DebitWallet, type ErrorCode, type ReplyOf } from '@bitcraps/contracts';
import { ActionSchema, HISTORY_LIMIT, type Account, type Action } from './account';

/**
 * Wallet movements as pure decisions over an account value.
 *
 * Idempotency (the first answer for an opId is final, forever) rests on two memories,
 * because KV has no multi-key transaction:
 * - the account's history ring (last HISTORY_LIMIT actions, refusals included), written
 *   in the same compare-and-set as the balance: the account is the one place where
 *   every decision about a wallet is serialized, so two concurrent deliveries of one
 *   opId cannot both apply it (the loser re-reads and finds it in the ring);
 * - an op record per opId (KV `wallet-ops`), written after the account; it outlives the
 *   ring. A replay looks at the op record, then at the ring (a crash between the two
 *   writes), and re-creates the record when only the ring had it.
 * An action leaves the ring only after its op record exists (the shell writes the
 * records of `evicted` before the compare-and-set that drops them), so no answered
 * opId is ever forgotten, whatever crashes and however many actions follow.
 *
 * Refusals go through the same path and are remembered the same way. The rule is that
 * the first answer is final: a debit refused for want of chips stays refused when the
 * same opId comes back after a credit (the saga asks again with a new opId if it wants
 * to). Not remembered, because nothing was decided about a wallet: PLAYER_NOT_FOUND
 * (no account to serialize on) and IDEMPOTENCY_KEY_REUSED (the opId's first answer
 * stands; this request was not that movement).
 */

export type WalletOpKind = 'debit' | 'credit';

export interface WalletOp {
  kind: WalletOpKind;
  opId: string;
  amount: number;
  reason: string;
  /**
   * Decide this opId as refused without moving anything, unless it was decided before: a
   * compensation that arrives before its debit bars the debit for good.
   */
  bar?: boolean;
}

/** The answer to a debit or a credit (both commands share the shape). */
export type WalletAnswer = ReplyOf<typeof DebitWallet>;

/** What a wallet movement does to an account. */
export type WalletDecision =
  /** The opId is in the ring: answer its first answer again (when it is the same movement), write nothing. */
  | { kind: 'replay'; prior: Action; answer: WalletAnswer }
  /** A new movement (applied or refused): write `next`; `evicted` left the ring and need op records first. */
  | { kind: 'apply'; action: Action; next: Account; evicted: Action[]; answer: WalletAnswer };

/** The durable memory of one answered opId (KV `wallet-ops`): the action as the ring held it. */
export const OpRecordSchema = z.object({ playerId: PlayerIdSchema, action: ActionSchema });
export type OpRecord = z.infer<typeof OpRecordSchema>;

export function findAction(account: Account, opId: string): Action | undefined {
  return account.history.find((a) => a.opId === opId);
}

/** Decides a debit or credit against the account as it is now. */
export function decideMovement(account: Account, op: WalletOp, now: Date, limit = HISTORY_LIMIT): WalletDecision {
  const prior = findAction(account, op.opId);
  if (prior) return { kind: 'replay', prior, answer: replayAnswer(account.playerId, prior, op) };

  const at = now.toISOString();
  const refusal = refusalOf(account, op);
  const balance = refusal ? account.balance : op.kind === 'debit' ? account.balance - op.amount : account.balance + op.amount;
  const totals = refusal
    ? account.totals
    : op.kind === 'debit'
      ? { ...account.totals, debited: account.totals.debited + op.amount }
      : { ...account.totals, credited: account.totals.credited + op.amount };
  const action: Action = {
    opId: op.opId,
    kind: op.kind,
    amount: op.amount,
    balanceAfter: balance,
    reason: op.reason,
    at,
    ...(refusal ? { refused: refusal } : {}),
  };
  const all = [...account.history, action];
  const cut = Math.max(0, all.length - limit);
  return {
    kind: 'apply',
    action,
    next: { ...account, balance, totals, lastActiveAt: at, history: all.slice(cut) },
    evicted: all.slice(0, cut),
    answer: answerOf(account.playerId, action),
  };
}

/** The answer an action gave when it was decided; replays answer exactly this. */
export function answerOf(playerId: string, action: Action): WalletAnswer {
  if (action.refused) return refuse(action.refused.code, action.refused.message);
  return { ok: true, playerId, opId: action.opId, amount: action.amount, balance: action.balanceAfter, at: action.at };
}

/**
 * The answer to an opId seen before: its first answer when the request is the same
 * movement (kind and amount; the reason is descriptive), else a refusal that changes
 * nothing: the caller reused an id, which is a bug on its side, and answering the
 * first answer would tell it that a different amount moved.
 */
export function replayAnswer(playerId: string, prior: Action, op: WalletOp): WalletAnswer {
  if (prior.kind !== op.kind || prior.amount !== op.amount) {
    return refuse('IDEMPOTENCY_KEY_REUSED', `opId ${op.opId} was used for a ${prior.kind} of ${prior.amount}`);
  }
  return answerOf(playerId, prior);
}

function refusalOf(account: Account, op: WalletOp): { code: ErrorCode; message: string } | null {
  if (op.bar) return { code: 'CONFLICT', message: `${op.kind} ${op.opId} was cancelled before it arrived` };
  if (op.kind === 'debit') {
    if (op.amount > account.balance) {
      return { code: 'INSUFFICIENT_BALANCE', message: `the wallet holds ${account.balance}, ${op.amount} needed` };
    }
    if (!Number.isSafeInteger(account.totals.debited + op.amount)) return overflow();
    return null;
  }
  if (!Number.isSafeInteger(account.balance + op.amount) || !Number.isSafeInteger(account.totals.credited + op.amount)) return overflow();
  return null;
}

function overflow() {
  return { code: 'VALIDATION_FAILED' as const, message: 'the wallet would pass the largest safe amount' };
}

/** The credit that refunds debit `debitOpId`: its own opId, derived, so a replay refunds once. */
export const refundOpId = (debitOpId: string) => `${debitOpId}:refund`;
