import {
  BANKROLL_ACCOUNT,
  ErrorCodeSchema,
  FUNDING_CLEARING_ACCOUNT,
  WALLETS_CLEARING_ACCOUNT,
  escrowAccount,
  refuse,
  stackAccount,
  type CashOutStack,
  type CreditStack,
  type EscrowBet,
  type FundBankroll,
  type LedgerEntry,
  type LedgerMark,
  type LedgerTransfer,
  type PayloadOf,
  type Refusal,
  type ReleaseBet,
  type ReplyOf,
  type ReverseStackCredit,
  type SettleRoll,
  type TransferKind,
} from '@bitcraps/contracts';
import { canCover, worstCaseOf } from './exposure';
import type { AppliedTransfer, Ledger } from './ledger';

/**
 * Planning: what each command does to the books, as pure decisions. A decision is
 * either the next entry to append or the answer. The shell loops: decide on the
 * up-to-date ledger, append that entry (under an optimistic lock on LEDGER), fold it,
 * decide again, until there is an answer. Because every decision starts from what the
 * ledger already holds, a replay, a redelivery, a concurrent duplicate or a crash half
 * way through all end with the same books and the same answer.
 *
 * Every effect fills an id slot, derived from the command's op id or bet id; a slot is
 * filled once, by a transfer or by a mark (a decision that moves nothing):
 *
 * | command | slot | filled by |
 * |---|---|---|
 * | seed | `seed:bankroll` | seed, or mark `empty` |
 * | credit | `<opId>:buy-in` | buy-in, or mark `refused` when reversed first |
 * | reverse | `<opId>:reverse` | reverse, or mark `cancelled` when the credit never ran |
 * | escrow | `bet:<betId>:escrow` | escrow, or mark `refused` |
 * | release | `bet:<betId>:release` | release, or mark `cancelled` when the escrow never ran |
 * | settle | `bet:<betId>:payout`, `bet:<betId>:settle` | win-payout; win-stake, push, lose, or mark `void` |
 * | cash-out | `<opId>:cash-out` | cash-out, or mark `empty` |
 * | fund | `<opId>:fund` | fund |
 */
export type Decision<R> = { append: LedgerEntry } | { reply: R };

export const slots = {
  seed: 'seed:bankroll',
  buyIn: (opId: string) => `${opId}:buy-in`,
  reverse: (opId: string) => `${opId}:reverse`,
  cashOut: (opId: string) => `${opId}:cash-out`,
  fund: (opId: string) => `${opId}:fund`,
  escrow: (betId: string) => `bet:${betId}:escrow`,
  release: (betId: string) => `bet:${betId}:release`,
  payout: (betId: string) => `bet:${betId}:payout`,
  settle: (betId: string) => `bet:${betId}:settle`,
} as const;

function transfer(transferId: string, opId: string, kind: TransferKind, from: string, to: string, amount: number, at: string, bet?: { betId: string; worstCase?: number }): { append: LedgerTransfer } {
  return { append: { type: 'transfer', transferId, opId, kind, from, to, amount, at, ...(bet ?? {}) } };
}

function mark(markId: string, opId: string, kind: LedgerMark['kind'], at: string, refusal?: Refusal): { append: LedgerMark } {
  return { append: { type: 'mark', markId, opId, kind, at, ...(refusal ? { code: refusal.code, message: refusal.message } : {}) } };
}

/** The refusal a `refused` mark recorded, answered again on every replay. */
function refusalOf(m: LedgerMark): Refusal {
  const code = ErrorCodeSchema.safeParse(m.code);
  return refuse(code.success ? code.data : 'CONFLICT', m.message ?? 'refused');
}

/** The bankroll's first chips, once: a second start (or replica) finds the slot filled. */
export function decideSeed(ledger: Ledger, amount: number, at: string): Decision<null> {
  if (ledger.entry(slots.seed)) return { reply: null };
  if (amount === 0) return mark(slots.seed, 'seed', 'empty', at);
  return transfer(slots.seed, 'seed', 'seed', FUNDING_CLEARING_ACCOUNT, BANKROLL_ACCOUNT, amount, at);
}

export function decideCredit(ledger: Ledger, cmd: PayloadOf<typeof CreditStack>, at: string): Decision<ReplyOf<typeof CreditStack>> {
  const slot = slots.buyIn(cmd.opId);
  const stack = stackAccount(cmd.gameId, cmd.playerId);
  const done = ledger.entry(slot);
  if (done) {
    if (done.entry.type === 'mark') return { reply: refusalOf(done.entry) };
    if (done.entry.to !== stack || done.entry.amount !== cmd.amount) return { reply: refuse('CONFLICT', `op ${cmd.opId} credited ${done.entry.amount} to ${done.entry.to}`) };
    return { reply: { ok: true, credited: done.entry.amount, stack: (done as AppliedTransfer).toAfter } };
  }
  if (ledger.entry(slots.reverse(cmd.opId))) {
    return mark(slot, cmd.opId, 'refused', at, refuse('CONFLICT', `op ${cmd.opId} was reversed before it arrived`));
  }
  return transfer(slot, cmd.opId, 'buy-in', WALLETS_CLEARING_ACCOUNT, stack, cmd.amount, at);
}

export function decideReverse(ledger: Ledger, cmd: PayloadOf<typeof ReverseStackCredit>, at: string): Decision<ReplyOf<typeof ReverseStackCredit>> {
  const slot = slots.reverse(cmd.opId);
  const done = ledger.entry(slot);
  if (done) return { reply: { ok: true, reversed: done.entry.type === 'transfer' ? done.entry.amount : 0 } };
  const credit = ledger.entry(slots.buyIn(cmd.opId));
  // the credit never ran: bar it, so that a late delivery moves nothing
  if (!credit) return mark(slot, cmd.opId, 'cancelled', at);
  // the credit was refused: nothing to move, and nothing can arrive later
  if (credit.entry.type === 'mark') return { reply: { ok: true, reversed: 0 } };
  const stack = stackAccount(cmd.gameId, cmd.playerId);
  if (credit.entry.to !== stack) return { reply: refuse('CONFLICT', `op ${cmd.opId} credited ${credit.entry.to}`) };
  const balance = ledger.balance(stack);
  // only what that credit moved: never part of it (the wallet gets the whole buy-in back)
  if (balance < credit.entry.amount) {
    return { reply: refuse('INSUFFICIENT_STACK', `the stack holds ${balance}, the credit to reverse was ${credit.entry.amount}`) };
  }
  return transfer(slot, cmd.opId, 'reverse', stack, WALLETS_CLEARING_ACCOUNT, credit.entry.amount, at);
}

export function decideEscrow(ledger: Ledger, cmd: PayloadOf<typeof EscrowBet>, at: string, reserveRatio: number): Decision<ReplyOf<typeof EscrowBet>> {
  const slot = slots.escrow(cmd.betId);
  const opId = `bet:${cmd.betId}`;
  const stack = stackAccount(cmd.gameId, cmd.playerId);
  const done = ledger.entry(slot);
  if (done) {
    if (done.entry.type === 'mark') return { reply: refusalOf(done.entry) };
    if (done.entry.from !== stack || done.entry.amount !== cmd.amount) return { reply: refuse('CONFLICT', `bet ${cmd.betId} was escrowed as ${done.entry.amount} from ${done.entry.from}`) };
    return { reply: { ok: true, stack: (done as AppliedTransfer).fromAfter, worstCase: done.entry.worstCase ?? 0 } };
  }
  const refused = (r: Refusal) => mark(slot, opId, 'refused', at, r);
  if (ledger.entry(slots.release(cmd.betId)) || ledger.entry(slots.settle(cmd.betId))) {
    return refused(refuse('CONFLICT', `bet ${cmd.betId} was withdrawn before its stake arrived`));
  }
  const worstCase = worstCaseOf(cmd.type, cmd.number, cmd.amount);
  if (worstCase === undefined) return refused(refuse('BET_NOT_ALLOWED', `a ${cmd.type} bet cannot be on ${cmd.number}`));
  const balance = ledger.balance(stack);
  if (balance < cmd.amount) return refused(refuse('INSUFFICIENT_STACK', `the stack holds ${balance}, the bet needs ${cmd.amount}`));
  if (!canCover(ledger.balance(BANKROLL_ACCOUNT), ledger.openExposure, worstCase, reserveRatio)) {
    return refused(refuse('HOUSE_CANNOT_COVER', `the house cannot cover a further worst case of ${worstCase}`));
  }
  return transfer(slot, opId, 'escrow', stack, escrowAccount(cmd.gameId), cmd.amount, at, { betId: cmd.betId, worstCase });
}

export function decideRelease(ledger: Ledger, cmd: PayloadOf<typeof ReleaseBet>, at: string): Decision<ReplyOf<typeof ReleaseBet>> {
  const slot = slots.release(cmd.betId);
  const opId = `bet:${cmd.betId}`;
  const done = ledger.entry(slot);
  if (done) return { reply: { ok: true, released: done.entry.type === 'transfer' ? done.entry.amount : 0 } };
  const bet = ledger.bet(cmd.betId);
  if (!bet) {
    // a refused escrow holds nothing and can never hold anything
    if (ledger.entry(slots.escrow(cmd.betId))) return { reply: { ok: true, released: 0 } };
    // the escrow never ran: bar it, so that a late delivery moves nothing
    return mark(slot, opId, 'cancelled', at);
  }
  if (bet.gameId !== cmd.gameId || bet.playerId !== cmd.playerId) return { reply: refuse('CONFLICT', `bet ${cmd.betId} belongs to another game or player`) };
  // settled, or being settled (the pivot only moves forward): the settlement owns the stake
  if (!bet.open || ledger.entry(slots.payout(cmd.betId))) return { reply: { ok: true, released: 0 } };
  return transfer(slot, opId, 'release', escrowAccount(bet.gameId), stackAccount(bet.gameId, bet.playerId), bet.amount, at, { betId: bet.betId });
}

export function decideSettle(ledger: Ledger, cmd: PayloadOf<typeof SettleRoll>, at: string): Decision<ReplyOf<typeof SettleRoll>> {
  const opId = `settle:${cmd.gameId}:${cmd.rollIndex}`;
  // check every bet still to settle before moving anything: a bad command moves nothing
  for (const r of cmd.resolutions) {
    const bet = ledger.bet(r.betId);
    if (ledger.entry(slots.settle(r.betId)) || !bet?.open) continue;
    const problem =
      bet.gameId !== cmd.gameId ? 'is in another game'
      : bet.playerId !== r.playerId ? 'is another player\'s'
      : bet.amount !== r.amount ? `holds ${bet.amount}, not ${r.amount}`
      : r.outcome !== 'win' && r.payout !== 0 ? `pays nothing on ${r.outcome}`
      : r.payout > bet.worstCase ? `pays at most ${bet.worstCase}`
      : null;
    if (problem) return { reply: refuse('CONFLICT', `bet ${r.betId} ${problem}`) };
  }
  for (const r of cmd.resolutions) {
    const settleSlot = slots.settle(r.betId);
    if (ledger.entry(settleSlot)) continue;
    const bet = ledger.bet(r.betId);
    if (!bet?.open) {
      // never escrowed, or released: nothing to settle, and it may never be escrowed now
      return mark(settleSlot, opId, 'void', at, refuse('BET_NOT_FOUND', bet ? 'the stake was released before the roll' : 'no stake was escrowed for this bet'));
    }
    const stack = stackAccount(bet.gameId, bet.playerId);
    const escrow = escrowAccount(bet.gameId);
    const leg = { betId: bet.betId };
    if (r.outcome === 'lose') return transfer(settleSlot, opId, 'lose', escrow, BANKROLL_ACCOUNT, bet.amount, at, leg);
    if (r.outcome === 'push') return transfer(settleSlot, opId, 'push', escrow, stack, bet.amount, at, leg);
    // a win pays first and closes the bet last: until then its worst case stays reserved
    if (r.payout > 0 && !ledger.entry(slots.payout(r.betId))) {
      const bankroll = ledger.balance(BANKROLL_ACCOUNT);
      if (bankroll < r.payout) return { reply: refuse('HOUSE_CANNOT_COVER', `the bankroll holds ${bankroll}, bet ${r.betId} wins ${r.payout}`) };
      return transfer(slots.payout(r.betId), opId, 'win-payout', BANKROLL_ACCOUNT, stack, r.payout, at, leg);
    }
    return transfer(settleSlot, opId, 'win-stake', escrow, stack, bet.amount, at, leg);
  }
  const reply = { ok: true as const, settled: 0, void: [] as string[], returned: 0, paid: 0, collected: 0 };
  for (const r of cmd.resolutions) {
    const settled = ledger.entry(slots.settle(r.betId))!.entry;
    if (settled.type === 'mark') {
      reply.void.push(r.betId);
      continue;
    }
    reply.settled++;
    if (settled.kind === 'lose') reply.collected += settled.amount;
    else reply.returned += settled.amount;
    const payout = ledger.entry(slots.payout(r.betId))?.entry;
    if (payout?.type === 'transfer') reply.paid += payout.amount;
  }
  return { reply };
}

export function decideCashOut(ledger: Ledger, cmd: PayloadOf<typeof CashOutStack>, at: string): Decision<ReplyOf<typeof CashOutStack>> {
  const slot = slots.cashOut(cmd.opId);
  const done = ledger.entry(slot);
  if (done) return { reply: { ok: true, amount: done.entry.type === 'transfer' ? done.entry.amount : 0 } };
  const stack = stackAccount(cmd.gameId, cmd.playerId);
  const balance = ledger.balance(stack);
  // an empty stack is recorded too: a replay after a later buy-in must still answer 0
  if (balance === 0) return mark(slot, cmd.opId, 'empty', at);
  return transfer(slot, cmd.opId, 'cash-out', stack, WALLETS_CLEARING_ACCOUNT, balance, at);
}

export function decideFund(ledger: Ledger, cmd: PayloadOf<typeof FundBankroll>, at: string): Decision<ReplyOf<typeof FundBankroll>> {
  const slot = slots.fund(cmd.opId);
  const done = ledger.entry(slot);
  if (done) {
    if (done.entry.type === 'mark') return { reply: refusalOf(done.entry) };
    if (done.entry.amount !== cmd.amount) return { reply: refuse('CONFLICT', `op ${cmd.opId} added ${done.entry.amount}`) };
    return { reply: { ok: true, bankroll: (done as AppliedTransfer).toAfter } };
  }
  return transfer(slot, cmd.opId, 'fund', FUNDING_CLEARING_ACCOUNT, BANKROLL_ACCOUNT, cmd.amount, at);
}

/**
 * Runs a decision to its answer against a ledger in memory, numbering appended
 * entries from the ledger's last sequence. The shell does the same with LEDGER in
 * between; tests use this to check a plan without any infrastructure.
 */
export function runLocally<R>(ledger: Ledger, decide: (l: Ledger) => Decision<R>, maxSteps = 100_000): { reply: R; appended: LedgerEntry[] } {
  const appended: LedgerEntry[] = [];
  for (let i = 0; i < maxSteps; i++) {
    const d = decide(ledger);
    if ('reply' in d) return { reply: d.reply, appended };
    const outcome = ledger.apply(ledger.lastSequence + 1, d.append);
    if (outcome.result !== 'applied') throw new Error(`the plan appended an entry the ledger does not apply: ${JSON.stringify(outcome)}`);
    appended.push(d.append);
  }
  throw new Error('the plan does not end');
}
