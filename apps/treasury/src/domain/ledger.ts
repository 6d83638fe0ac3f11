import {
  BANKROLL_ACCOUNT,
  WALLETS_CLEARING_ACCOUNT,
  ledgerEntryId,
  parseLedgerAccount,
  type LedgerEntry,
  type LedgerMark,
  type LedgerTransfer,
  type ParsedLedgerAccount,
  type TransferKind,
  type TreasuryAudit,
} from '@bitcraps/contracts';

/** An account's balance and the LEDGER sequence that last changed it. */
export interface AccountState {
  readonly balance: number;
  readonly seq: number;
}

export interface AppliedTransfer {
  readonly seq: number;
  readonly entry: LedgerTransfer;
  /** Balances of `from` and `to` right after this transfer (replays answer with them). */
  readonly fromAfter: number;
  readonly toAfter: number;
}

export interface AppliedMark {
  readonly seq: number;
  readonly entry: LedgerMark;
}

export type Applied = AppliedTransfer | AppliedMark;

export interface BetRecord {
  readonly betId: string;
  readonly gameId: string;
  readonly playerId: string;
  readonly amount: number;
  readonly worstCase: number;
  open: boolean;
}

export type FoldOutcome =
  | { result: 'applied'; touched: string[] }
  | { result: 'stale' } // at or before the last folded sequence: already folded
  | { result: 'duplicate' } // its id was applied before (a replay): changes nothing
  | { result: 'rejected'; reason: string }; // would break an invariant: changes nothing

type Shape = { from: ParsedLedgerAccount['kind'] | 'wallets' | 'funding'; to: ParsedLedgerAccount['kind'] | 'wallets' | 'funding' };

/** Which accounts each kind of transfer may move between. */
const SHAPES: Record<TransferKind, Shape> = {
  seed: { from: 'funding', to: 'bankroll' },
  fund: { from: 'funding', to: 'bankroll' },
  'buy-in': { from: 'wallets', to: 'stack' },
  reverse: { from: 'stack', to: 'wallets' },
  'cash-out': { from: 'stack', to: 'wallets' },
  escrow: { from: 'stack', to: 'escrow' },
  release: { from: 'escrow', to: 'stack' },
  'win-payout': { from: 'bankroll', to: 'stack' },
  'win-stake': { from: 'escrow', to: 'stack' },
  push: { from: 'escrow', to: 'stack' },
  lose: { from: 'escrow', to: 'bankroll' },
};

const CLOSING: ReadonlySet<TransferKind> = new Set(['release', 'win-stake', 'push', 'lose']);

function shapeOf(a: ParsedLedgerAccount): Shape['from'] {
  return a.kind === 'clearing' ? a.of : a.kind;
}

/** Clearing accounts stand for money outside the treasury; only they may run negative. */
export const isClearing = (account: string) => parseLedgerAccount(account)?.kind === 'clearing';

/**
 * The treasury's books: LEDGER folded in order. Pure and deterministic (no I/O, no
 * clock): every replica and every replay that folds the same entries holds the same
 * state. The fold itself keeps the invariants, whatever it is given:
 * - an id (transfer or mark) is applied at most once; a replay changes nothing;
 * - only clearing accounts go below zero, no balance leaves the safe integers;
 * - Σ of all balances (clearing included) stays 0: every chip moved came from somewhere;
 * - a bet opens once (escrow) and closes once (release, win-stake, push or lose), with
 *   its exact stake; its worst case counts toward the open exposure while it is open.
 */
export class Ledger {
  private readonly accounts = new Map<string, AccountState>();
  private readonly applied = new Map<string, Applied>();
  private readonly bets = new Map<string, BetRecord>();
  private readonly openByGame = new Map<string, Set<string>>();
  private last = 0;
  private rejections = 0;
  private readonly sums = { stacks: 0, escrow: 0, initialBankroll: 0, bankrollAdditions: 0, walletsIn: 0, walletsOut: 0, openExposure: 0, openBets: 0 };

  /** The last LEDGER sequence folded. */
  get lastSequence(): number {
    return this.last;
  }

  /** Entries the fold refused (a planner bug or a lost race; never expected). */
  get rejected(): number {
    return this.rejections;
  }

  /** Folds the entry stored at `seq`. Entries must come in sequence order; earlier ones are ignored. */
  apply(seq: number, entry: LedgerEntry): FoldOutcome {
    if (!Number.isSafeInteger(seq) || seq <= this.last) return { result: 'stale' };
    this.last = seq;
    const id = ledgerEntryId(entry);
    if (this.applied.has(id)) return { result: 'duplicate' };
    if (entry.type === 'mark') {
      this.applied.set(id, { seq, entry });
      return { result: 'applied', touched: [] };
    }
    const why = this.check(entry);
    if (why) {
      this.rejections++;
      return { result: 'rejected', reason: why };
    }
    const from = this.move(entry.from, -entry.amount, seq);
    const to = this.move(entry.to, entry.amount, seq);
    this.applied.set(id, { seq, entry, fromAfter: from, toAfter: to });
    this.count(entry);
    return { result: 'applied', touched: [entry.from, entry.to] };
  }

  /** Steps over a stream message that is no ledger entry (it fails the schema): counted as rejected, changes nothing else. */
  skip(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq <= this.last) return;
    this.last = seq;
    this.rejections++;
  }

  /** Why the transfer may not be applied, or null. */
  private check(t: LedgerTransfer): string | null {
    const from = parseLedgerAccount(t.from);
    const to = parseLedgerAccount(t.to);
    if (!from || !to) return 'unknown account';
    const shape = SHAPES[t.kind];
    if (shapeOf(from) !== shape.from || shapeOf(to) !== shape.to) return `${t.kind} may not move ${t.from} → ${t.to}`;
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0) return 'amount must be a positive safe integer';
    const fromBalance = this.balance(t.from);
    if (from.kind !== 'clearing' && fromBalance < t.amount) return `overdraft of ${t.from}`;
    if (!Number.isSafeInteger(this.balance(t.to) + t.amount) || !Number.isSafeInteger(fromBalance - t.amount)) return 'balance beyond the safe integers';
    if (!this.auditStaysExact(t)) return 'the audit totals beyond the safe integers';
    const stack = from.kind === 'stack' ? from : to.kind === 'stack' ? to : undefined;
    const escrow = from.kind === 'escrow' ? from : to.kind === 'escrow' ? to : undefined;
    if (stack && escrow && stack.gameId !== escrow.gameId) return 'stack and escrow of different games';
    if (t.kind === 'escrow') {
      if (!t.betId || t.worstCase === undefined) return 'escrow needs betId and worstCase';
      if (this.bets.has(t.betId)) return `bet ${t.betId} was escrowed before`;
      return null;
    }
    if (CLOSING.has(t.kind) || t.kind === 'win-payout') {
      const bet = t.betId ? this.bets.get(t.betId) : undefined;
      if (!bet || !bet.open) return `bet ${t.betId} is not open`;
      if (stack && (stack.gameId !== bet.gameId || stack.playerId !== bet.playerId)) return `bet ${bet.betId} belongs to another stack`;
      if (escrow && escrow.gameId !== bet.gameId) return `bet ${bet.betId} is not in ${escrow.gameId}`;
      if (CLOSING.has(t.kind) && t.amount !== bet.amount) return `bet ${bet.betId} holds ${bet.amount}, not ${t.amount}`;
      if (t.kind === 'win-payout' && t.amount > bet.worstCase) return `payout beyond the worst case of ${bet.betId}`;
    }
    return null;
  }

  /**
   * Whether the audit's totals stay safe integers after `t`: chips in (seeds, funding,
   * buy-ins) and out, and the open exposure. Every holding is at most the chips in, so
   * then the identity is computed exactly; past that, `balanced` could be wrong.
   */
  private auditStaysExact(t: LedgerTransfer): boolean {
    const s = this.sums;
    const a = t.amount;
    const chipsIn = s.initialBankroll + s.bankrollAdditions + s.walletsIn + (t.kind === 'seed' || t.kind === 'fund' ? a : 0) + (t.from === WALLETS_CLEARING_ACCOUNT ? a : 0);
    const chipsOut = s.walletsOut + (t.to === WALLETS_CLEARING_ACCOUNT ? a : 0);
    return Number.isSafeInteger(chipsIn) && Number.isSafeInteger(chipsOut) && Number.isSafeInteger(s.openExposure + (t.kind === 'escrow' ? (t.worstCase ?? 0) : 0));
  }

  private move(account: string, delta: number, seq: number): number {
    const balance = this.balance(account) + delta;
    this.accounts.set(account, { balance, seq });
    const kind = parseLedgerAccount(account)!.kind;
    if (kind === 'stack') this.sums.stacks += delta;
    else if (kind === 'escrow') this.sums.escrow += delta;
    return balance;
  }

  private count(t: LedgerTransfer): void {
    if (t.kind === 'seed') this.sums.initialBankroll += t.amount;
    if (t.kind === 'fund') this.sums.bankrollAdditions += t.amount;
    if (t.from === WALLETS_CLEARING_ACCOUNT) this.sums.walletsIn += t.amount;
    if (t.to === WALLETS_CLEARING_ACCOUNT) this.sums.walletsOut += t.amount;
    if (t.kind === 'escrow') {
      const stack = parseLedgerAccount(t.from) as { gameId: string; playerId: string };
      const bet: BetRecord = { betId: t.betId!, gameId: stack.gameId, playerId: stack.playerId, amount: t.amount, worstCase: t.worstCase!, open: true };
      this.bets.set(bet.betId, bet);
      let open = this.openByGame.get(bet.gameId);
      if (!open) this.openByGame.set(bet.gameId, (open = new Set()));
      open.add(bet.betId);
      this.sums.openExposure += bet.worstCase;
      this.sums.openBets++;
    } else if (CLOSING.has(t.kind)) {
      const bet = this.bets.get(t.betId!)!;
      bet.open = false;
      const open = this.openByGame.get(bet.gameId)!;
      open.delete(bet.betId);
      if (open.size === 0) this.openByGame.delete(bet.gameId);
      this.sums.openExposure -= bet.worstCase;
      this.sums.openBets--;
    }
  }

  balance(account: string): number {
    return this.accounts.get(account)?.balance ?? 0;
  }

  account(account: string): AccountState | undefined {
    return this.accounts.get(account);
  }

  /** Every account that has moved, with its balance. */
  allAccounts(): IterableIterator<[string, AccountState]> {
    return this.accounts.entries();
  }

  /** What filled an id slot (a transfer or a mark), if anything did. */
  entry(id: string): Applied | undefined {
    return this.applied.get(id);
  }

  bet(betId: string): Readonly<BetRecord> | undefined {
    return this.bets.get(betId);
  }

  openBetsOf(gameId: string): Readonly<BetRecord>[] {
    return [...(this.openByGame.get(gameId) ?? [])].map((id) => this.bets.get(id)!);
  }

  get openExposure(): number {
    return this.sums.openExposure;
  }

  /** The treasury's terms of the conservation identity. */
  audit(): TreasuryAudit {
    const s = this.sums;
    const bankroll = this.balance(BANKROLL_ACCOUNT);
    return {
      bankroll,
      stacks: s.stacks,
      escrow: s.escrow,
      initialBankroll: s.initialBankroll,
      bankrollAdditions: s.bankrollAdditions,
      walletsIn: s.walletsIn,
      walletsOut: s.walletsOut,
      openExposure: s.openExposure,
      openBets: s.openBets,
      lastSequence: this.last,
      balanced: bankroll + s.stacks + s.escrow === s.initialBankroll + s.bankrollAdditions + s.walletsIn - s.walletsOut,
    };
  }
}

