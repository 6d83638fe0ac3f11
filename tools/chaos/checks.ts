import { parseLedgerAccount, type LedgerEntry, type LedgerTransfer } from '@bitcraps/contracts';
import type { Audit } from '../bench/harness/audit';
import type { Answer, FinalState, GameView, PlayerAction, StoredSaga } from './observations';

/**
 * The invariants a chaos run must leave intact (DESIGN.md sections 3, 4 and 12), as
 * pure functions of what the workload was answered and of the final state. Each
 * returns what it looked at and every violation it found.
 */

export interface Violation {
  check: string;
  detail: string;
}

export interface CheckResult {
  check: string;
  /** What the check looked at (sagas, entries, bets…), for the report. */
  checked: number;
  violations: Violation[];
  /** Things it could not check, and why. */
  skipped?: string;
}

const TERMINAL_OK = new Set(['completed', 'compensated']);
const CLOSING = new Set(['release', 'win-stake', 'push', 'lose']);
/** The player service keeps a player's last 100 actions: a longer history may have lost its start. */
const HISTORY_WINDOW = 100;

function result(check: string, checked: number, details: string[], skipped?: string): CheckResult {
  return { check, checked, violations: details.map((detail) => ({ check, detail })), ...(skipped ? { skipped } : {}) };
}

const steps = (s: StoredSaga) => s.steps.map((x) => `${x.name}:${x.status}×${x.attempts}`).join(' ');

// ------------------------------------------------------------------ sagas

/** Every saga in the store, and every saga id an answer carried, ended `completed` or `compensated`. */
export function checkSagasTerminal(state: Pick<FinalState, 'sagas' | 'lookups'>, answers: Answer[]): CheckResult {
  const bad: string[] = [];
  const stored = new Map(state.sagas.map((s) => [s.sagaId, s]));
  for (const s of state.sagas) {
    if (!TERMINAL_OK.has(s.status)) bad.push(`${s.type} saga ${s.sagaId} is ${s.status} [${steps(s)}]${s.error ? ` error ${s.error.step} ${s.error.code}: ${s.error.message}` : ''}`);
  }
  for (const l of state.lookups) {
    if (l.httpStatus !== 200) bad.push(`GET /v1/sagas/${l.sagaId} answered ${l.httpStatus}`);
    else if (!TERMINAL_OK.has(l.view!.status)) bad.push(`GET /v1/sagas/${l.sagaId}: ${l.view!.type} saga is ${l.view!.status}`);
  }
  for (const a of answers) {
    if (!('sagaId' in a) || !a.sagaId) continue;
    if (!stored.has(a.sagaId)) bad.push(`${a.kind} answered ${a.status} with saga ${a.sagaId}, which the orchestrator does not have`);
  }
  return result('sagas terminal', state.sagas.length + state.lookups.length, bad);
}

// ------------------------------------------------------------------ audit

/** The audit balances to the chip, with nothing in flight and no saga unfinished. */
export function checkAudit(audit: Audit | null): CheckResult {
  if (!audit) return result('audit balanced', 0, ['GET /v1/audit gave no answer']);
  const bad: string[] = [];
  const held = audit.wallets + audit.stacks + audit.escrow + audit.bankroll;
  const put = audit.deposits + audit.initialBankroll + audit.bankrollAdditions;
  if (held !== put) bad.push(`wallets ${audit.wallets} + stacks ${audit.stacks} + escrow ${audit.escrow} + bankroll ${audit.bankroll} = ${held}, but deposits ${audit.deposits} + bankroll ${audit.initialBankroll} + additions ${audit.bankrollAdditions} = ${put} (${held - put > 0 ? '+' : ''}${held - put} chips)`);
  if (!audit.balanced) bad.push('the audit says balanced: false');
  if (audit.inFlight !== 0) bad.push(`${audit.inFlight} chips in flight at quiescence`);
  if (audit.unfinishedSagas !== 0) bad.push(`${audit.unfinishedSagas} sagas unfinished`);
  return result('audit balanced', 1, bad);
}

// ------------------------------------------------------------------ ledger

export interface LedgerBet {
  gameId: string;
  playerId: string;
  amount: number;
  open: boolean;
  closedBy?: string;
  payout?: number;
}

/** LEDGER folded independently of the treasury: balances, each id's first entry, bets. */
export interface LedgerFold {
  balances: Map<string, number>;
  slots: Map<string, LedgerEntry>;
  bets: Map<string, LedgerBet>;
}

const entryId = (e: LedgerEntry) => (e.type === 'transfer' ? e.transferId : e.markId);

/**
 * Folds LEDGER and checks that no movement was applied twice: every transfer id (and
 * every decision slot) appears once, a bet is escrowed once and closed once with its
 * stake, paid at most once, and no account but a clearing one ever goes negative.
 */
export function checkLedger(ledger: LedgerEntry[]): CheckResult & { fold: LedgerFold } {
  const bad: string[] = [];
  const fold: LedgerFold = { balances: new Map(), slots: new Map(), bets: new Map() };
  const seen = new Map<string, number>();
  for (const e of ledger) {
    const id = entryId(e);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (fold.slots.has(id)) continue; // reported below; the treasury's fold applies an id once too
    fold.slots.set(id, e);
    if (e.type !== 'transfer') continue;
    const from = parseLedgerAccount(e.from);
    if (from?.kind !== 'clearing' && (fold.balances.get(e.from) ?? 0) < e.amount) bad.push(`transfer ${id} (${e.kind} ${e.amount}) overdraws ${e.from}, which holds ${fold.balances.get(e.from) ?? 0}`);
    fold.balances.set(e.from, (fold.balances.get(e.from) ?? 0) - e.amount);
    fold.balances.set(e.to, (fold.balances.get(e.to) ?? 0) + e.amount);
    applyBet(fold, e, bad);
  }
  for (const [id, n] of seen) if (n > 1) bad.push(`${fold.slots.get(id)!.type} ${id} is in LEDGER ${n} times`);
  return { ...result('ledger: each movement once', ledger.length, bad), fold };
}

function applyBet(fold: LedgerFold, t: LedgerTransfer, bad: string[]): void {
  if (!t.betId) return;
  const bet = fold.bets.get(t.betId);
  if (t.kind === 'escrow') {
    if (bet) return void bad.push(`bet ${t.betId} escrowed twice`);
    const stack = parseLedgerAccount(t.from);
    fold.bets.set(t.betId, { gameId: stack && 'gameId' in stack ? stack.gameId : '?', playerId: stack?.kind === 'stack' ? stack.playerId : '?', amount: t.amount, open: true });
    return;
  }
  if (!bet) return void bad.push(`${t.kind} ${t.transferId} for bet ${t.betId}, which was never escrowed`);
  if (t.kind === 'win-payout') {
    if (bet.payout !== undefined) bad.push(`bet ${t.betId} paid twice (${bet.payout} and ${t.amount})`);
    if (!bet.open) bad.push(`bet ${t.betId} paid after it closed (${bet.closedBy})`);
    bet.payout = (bet.payout ?? 0) + t.amount;
    return;
  }
  if (CLOSING.has(t.kind)) {
    if (!bet.open) return void bad.push(`bet ${t.betId} closed twice (${bet.closedBy}, then ${t.kind})`);
    if (t.amount !== bet.amount) bad.push(`bet ${t.betId} held ${bet.amount}, ${t.kind} moved ${t.amount}`);
    bet.open = false;
    bet.closedBy = t.kind;
  }
}

// ------------------------------------------------------------------ bets

/**
 * Every accepted bet (a completed bet saga, or a 200 answer) was escrowed with its
 * stake and is either resolved (settled or refunded) or still on the layout of a game
 * that is not closed; a compensated bet holds no stake; and the layouts and the
 * treasury's open bets are the same set.
 */
export function checkBets(answers: Answer[], sagas: StoredSaga[], fold: LedgerFold, games: FinalState['games']): CheckResult {
  const bad: string[] = [];
  const accepted = new Map<string, { gameId: string; amount: number; from: string }>();
  const sagaOf = new Map(sagas.map((s) => [s.sagaId, s]));
  for (const s of sagas) {
    if (s.type !== 'bet') continue;
    if (s.status === 'completed') accepted.set(s.ctx.betId, { gameId: s.ctx.gameId, amount: s.ctx.amount, from: `saga ${s.sagaId}` });
    if (s.status === 'compensated') {
      const bet = fold.bets.get(s.ctx.betId);
      if (bet?.open) bad.push(`bet ${s.ctx.betId} of compensated saga ${s.sagaId} still holds ${bet.amount} in escrow`);
      else if (bet && bet.closedBy !== 'release') bad.push(`bet ${s.ctx.betId} of compensated saga ${s.sagaId} was settled (${bet.closedBy}), though the bet was refused`);
    }
  }
  for (const a of answers) {
    if (a.kind !== 'bet' || a.status !== 200 || a.sagaStatus !== 'completed' || !a.betId) continue;
    accepted.set(a.betId, { gameId: a.gameId, amount: a.amount, from: `answer 200 (saga ${a.sagaId})` });
    const s = a.sagaId ? sagaOf.get(a.sagaId) : undefined;
    if (!s || s.status !== 'completed') bad.push(`bet ${a.betId} was answered 200 completed, but its saga ${a.sagaId} is ${s?.status ?? 'missing'}`);
  }
  const onLayout = new Map<string, { gameId: string; amount: number; status: string }>();
  for (const [gameId, g] of Object.entries(games)) for (const b of g?.bets ?? []) onLayout.set(b.betId, { gameId, amount: b.amount, status: g!.status });

  for (const [betId, want] of accepted) {
    const bet = fold.bets.get(betId);
    if (!bet) {
      bad.push(`accepted bet ${betId} (${want.from}) was never escrowed`);
      continue;
    }
    if (bet.amount !== want.amount) bad.push(`accepted bet ${betId} of ${want.amount} escrowed ${bet.amount}`);
    if (bet.open) {
      const layout = onLayout.get(betId);
      const game = games[want.gameId];
      if (!layout || !game || game.status === 'closed') bad.push(`accepted bet ${betId} (${want.from}) is neither resolved nor refunded, and not on the layout of an open game (game ${want.gameId} ${game?.status ?? 'missing'})`);
    }
  }
  for (const [betId, bet] of fold.bets) {
    if (!bet.open) continue;
    const layout = onLayout.get(betId);
    if (!layout) bad.push(`the treasury holds ${bet.amount} for bet ${betId} in game ${bet.gameId}, which no layout shows`);
    else if (layout.status === 'closed') bad.push(`bet ${betId} still holds ${bet.amount} in escrow at closed game ${layout.gameId}`);
  }
  for (const [betId, layout] of onLayout) {
    if (layout.status === 'closed') continue;
    const bet = fold.bets.get(betId);
    if (!bet?.open) bad.push(`game ${layout.gameId} shows bet ${betId} of ${layout.amount}, which the treasury ${bet ? `closed (${bet.closedBy})` : 'never escrowed'}`);
    else if (bet.amount !== layout.amount) bad.push(`game ${layout.gameId} shows bet ${betId} as ${layout.amount}, the escrow holds ${bet.amount}`);
  }
  return result('bets resolved, refunded or on the layout', accepted.size + fold.bets.size, bad);
}

// ------------------------------------------------------------------ answers and sagas against the books

interface Wallets {
  /** The player's applied action for an op id, null if there is none, undefined if the history no longer reaches back. */
  action(playerId: string, opId: string): PlayerAction | null | undefined;
}

function walletsOf(players: FinalState['players']): Wallets {
  const index = new Map<string, Map<string, PlayerAction>>();
  for (const [playerId, p] of Object.entries(players)) index.set(playerId, new Map((p?.history ?? []).map((a) => [a.opId, a])));
  return {
    action(playerId, opId) {
      const p = players[playerId];
      const found = index.get(playerId)?.get(opId);
      if (found) return found.refused ? null : found;
      return p && p.history.length < HISTORY_WINDOW ? null : undefined;
    },
  };
}

const transferAt = (fold: LedgerFold, slot: string) => {
  const e = fold.slots.get(slot);
  return e?.type === 'transfer' ? e : undefined;
};

/**
 * Whatever was answered, and whatever every saga says it did, happened in the books:
 * a completed join debited the wallet and credited the stack (and undid neither); a
 * compensated join left the wallet and the table as they were; a leave's `returned`
 * left the stack and reached the wallet; a roll's resolutions were settled as answered;
 * an expiry's cash-outs reached the wallets; a registration's deposit is in the wallet.
 */
export function checkAnswers(answers: Answer[], sagas: StoredSaga[], fold: LedgerFold, players: FinalState['players']): CheckResult {
  const bad: string[] = [];
  let unknown = 0;
  const wallets = walletsOf(players);
  const walletHas = (playerId: string, opId: string, kind: 'debit' | 'credit', amount: number, what: string) => {
    const a = wallets.action(playerId, opId);
    if (a === undefined) return void unknown++;
    if (!a) bad.push(`${what}: the wallet of ${playerId} has no ${kind} ${opId}`);
    else if (a.kind !== kind || a.amount !== amount) bad.push(`${what}: the wallet of ${playerId} has ${a.kind} ${a.amount} for ${opId}, expected ${kind} ${amount}`);
  };
  const walletLacks = (playerId: string, opId: string, what: string) => {
    const a = wallets.action(playerId, opId);
    if (a === undefined) return void unknown++;
    if (a) bad.push(`${what}: the wallet of ${playerId} has ${a.kind} ${a.amount} for ${opId}`);
  };
  const sagaOf = new Map(sagas.map((s) => [s.sagaId, s]));

  for (const s of sagas) {
    const c = s.ctx;
    if (s.type === 'join' && s.status === 'completed') {
      const buyIn = transferAt(fold, `${s.sagaId}:stack:buy-in`);
      if (!buyIn || buyIn.amount !== c.buyIn) bad.push(`completed join ${s.sagaId}: no buy-in of ${c.buyIn} in LEDGER (${buyIn ? buyIn.amount : 'none'})`);
      if (transferAt(fold, `${s.sagaId}:stack:reverse`)) bad.push(`completed join ${s.sagaId}: its buy-in was reversed`);
      walletHas(c.playerId, `${s.sagaId}:debit`, 'debit', c.buyIn, `completed join ${s.sagaId}`);
      walletLacks(c.playerId, `${s.sagaId}:debit:refund`, `completed join ${s.sagaId} was refunded`);
    }
    if (s.type === 'join' && s.status === 'compensated') {
      const buyIn = transferAt(fold, `${s.sagaId}:stack:buy-in`);
      const reverse = transferAt(fold, `${s.sagaId}:stack:reverse`);
      if (buyIn && (!reverse || reverse.amount !== buyIn.amount)) bad.push(`compensated join ${s.sagaId}: buy-in ${buyIn.amount} in the stack, reversed ${reverse?.amount ?? 0}`);
      const debit = wallets.action(c.playerId, `${s.sagaId}:debit`);
      const refund = wallets.action(c.playerId, `${s.sagaId}:debit:refund`);
      if (debit === undefined || refund === undefined) unknown++;
      else if (debit && (!refund || refund.amount !== debit.amount)) bad.push(`compensated join ${s.sagaId}: the wallet of ${c.playerId} was debited ${debit.amount} and refunded ${refund?.amount ?? 0}`);
      else if (!debit && refund) bad.push(`compensated join ${s.sagaId}: the wallet of ${c.playerId} got a refund of ${refund.amount} for a debit it never had`);
    }
    if (s.type === 'leave' && s.status === 'completed') {
      const cash = fold.slots.get(`${s.sagaId}:cash-out:cash-out`);
      const moved = cash?.type === 'transfer' ? cash.amount : 0;
      if (!cash) bad.push(`completed leave ${s.sagaId}: no cash-out decision in LEDGER`);
      if ((c.returned ?? 0) !== moved) bad.push(`completed leave ${s.sagaId}: returned ${c.returned ?? 0}, the cash-out moved ${moved}`);
      if (moved > 0) walletHas(c.playerId, `${s.sagaId}:credit`, 'credit', moved, `completed leave ${s.sagaId}`);
    }
    if (s.type === 'expire' && s.status === 'completed') {
      for (const x of (c.cashed ?? []) as Array<{ playerId: string; amount: number }>) {
        const cash = transferAt(fold, `${s.sagaId}:cash-out:${x.playerId}:cash-out`);
        if ((cash?.amount ?? 0) !== x.amount) bad.push(`expire ${s.sagaId}: ${x.playerId} cashed out ${x.amount}, LEDGER moved ${cash?.amount ?? 0}`);
        if (x.amount > 0) walletHas(x.playerId, `${s.sagaId}:credit:${x.playerId}`, 'credit', x.amount, `expire ${s.sagaId}`);
      }
    }
  }

  for (const a of answers) {
    if (a.kind === 'register' && a.status === 201) {
      const p = players[a.playerId];
      if (!p) bad.push(`registration of ${a.playerId} answered 201, the player service does not know the player`);
      else if (p.history.length < HISTORY_WINDOW) {
        const deposit = p.history[0];
        if (a.deposit > 0 && (deposit?.kind !== 'deposit' || deposit.amount !== a.deposit)) bad.push(`registration of ${a.playerId} with ${a.deposit}: the history starts with ${deposit ? `${deposit.kind} ${deposit.amount}` : 'nothing'}`);
      } else unknown++;
    }
    if (!('sagaId' in a) || !a.sagaId || a.status !== 200) continue;
    const s = sagaOf.get(a.sagaId);
    if (a.kind === 'join' && a.sagaStatus === 'completed' && s && s.status !== 'completed') bad.push(`join ${a.sagaId} answered 200 completed, the saga is ${s.status}`);
    if (a.kind === 'leave') {
      if (s && s.status !== 'completed') bad.push(`leave ${a.sagaId} answered 200, the saga is ${s.status}`);
      const cash = fold.slots.get(`${a.sagaId}:cash-out:cash-out`);
      const moved = cash?.type === 'transfer' ? cash.amount : 0;
      if ((a.returned ?? 0) !== moved) bad.push(`leave ${a.sagaId} answered returned ${a.returned}, the cash-out moved ${moved}`);
      if (moved > 0) walletHas(a.playerId, `${a.sagaId}:credit`, 'credit', moved, `leave ${a.sagaId} (answered returned ${a.returned})`);
    }
    if (a.kind === 'roll' && a.resolutions) {
      for (const r of a.resolutions) {
        const settle = fold.slots.get(`bet:${r.betId}:settle`);
        const want = r.outcome === 'win' ? 'win-stake' : r.outcome;
        if (!settle) bad.push(`roll ${a.sagaId} answered ${r.outcome} for bet ${r.betId}, LEDGER never settled it`);
        else if (settle.type === 'mark') bad.push(`roll ${a.sagaId} answered ${r.outcome} for bet ${r.betId}, LEDGER voided it (${settle.code}: ${settle.message})`);
        else if (settle.kind !== want || settle.amount !== r.amount) bad.push(`roll ${a.sagaId} answered ${r.outcome} ${r.amount} for bet ${r.betId}, LEDGER settled ${settle.kind} ${settle.amount}`);
        const payout = transferAt(fold, `bet:${r.betId}:payout`);
        if ((payout?.amount ?? 0) !== r.payout) bad.push(`roll ${a.sagaId} answered a payout of ${r.payout} for bet ${r.betId}, LEDGER paid ${payout?.amount ?? 0}`);
      }
    }
  }
  return result('answers match the books', sagas.length + answers.length, bad, unknown ? `${unknown} wallet look-ups beyond the player's last ${HISTORY_WINDOW} actions` : undefined);
}

// ------------------------------------------------------------------ stacks

/**
 * No chip is stranded: a stack that holds chips belongs to a player seated at a game
 * that is not closed, and the table's view of each seated player's stack is what the
 * treasury holds; a closed game's escrow is empty.
 */
export function checkStacks(fold: LedgerFold, games: FinalState['games']): CheckResult {
  const bad: string[] = [];
  let checked = 0;
  const seen = new Set<string>();
  for (const [account, balance] of fold.balances) {
    const parsed = parseLedgerAccount(account);
    if (!parsed || parsed.kind === 'bankroll' || parsed.kind === 'clearing') continue;
    checked++;
    const game: GameView | null | undefined = games[parsed.gameId];
    if (parsed.kind === 'escrow') {
      if (balance !== 0 && (!game || game.status === 'closed')) bad.push(`${balance} chips left in the escrow of ${game ? 'closed' : 'unknown'} game ${parsed.gameId}`);
      continue;
    }
    seen.add(`${parsed.gameId}/${parsed.playerId}`);
    const seat = game?.players.find((p) => p.playerId === parsed.playerId);
    if (balance !== 0 && (!game || game.status === 'closed')) bad.push(`${balance} chips stranded in the stack of ${parsed.playerId} at ${game ? 'closed' : 'unknown'} game ${parsed.gameId}`);
    else if (balance !== 0 && !seat) bad.push(`${balance} chips stranded in the stack of ${parsed.playerId}, who is not seated at game ${parsed.gameId}`);
    else if (seat && game!.status !== 'closed' && seat.stack !== balance) bad.push(`game ${parsed.gameId} shows a stack of ${seat.stack} for ${parsed.playerId}, the treasury holds ${balance}`);
  }
  for (const [gameId, g] of Object.entries(games)) {
    if (!g || g.status === 'closed') continue;
    for (const seat of g.players) {
      if (seen.has(`${gameId}/${seat.playerId}`)) continue;
      checked++;
      if (seat.stack !== 0) bad.push(`game ${gameId} shows a stack of ${seat.stack} for ${seat.playerId}, the treasury holds nothing`);
    }
  }
  return result('no chip stranded, tables agree with the treasury', checked, bad);
}

// ------------------------------------------------------------------ wallets

/**
 * Per player, the wallet and the books agree: what left the wallet for tables
 * (debits less refunds and credits) is what the treasury took in for that player's
 * stacks (buy-ins less reversals and cash-outs); the wallet's own history adds up to
 * its balance; and no wallet op id was applied twice.
 */
export function checkWallets(fold: LedgerFold, ledger: LedgerEntry[], players: FinalState['players']): CheckResult {
  const bad: string[] = [];
  let skipped = 0;
  const fromTables = new Map<string, number>();
  for (const e of ledger) {
    if (e.type !== 'transfer' || fold.slots.get(e.transferId) !== e) continue;
    const to = parseLedgerAccount(e.to);
    const from = parseLedgerAccount(e.from);
    if (e.kind === 'buy-in' && to?.kind === 'stack') fromTables.set(to.playerId, (fromTables.get(to.playerId) ?? 0) + e.amount);
    if ((e.kind === 'reverse' || e.kind === 'cash-out') && from?.kind === 'stack') fromTables.set(from.playerId, (fromTables.get(from.playerId) ?? 0) - e.amount);
  }
  let checked = 0;
  for (const [playerId, p] of Object.entries(players)) {
    if (!p) {
      bad.push(`the player service does not answer for ${playerId}`);
      continue;
    }
    if (p.history.length >= HISTORY_WINDOW) {
      skipped++;
      continue;
    }
    checked++;
    const applied = p.history.filter((a) => !a.refused);
    const ids = new Map<string, number>();
    for (const a of applied) ids.set(a.opId, (ids.get(a.opId) ?? 0) + 1);
    for (const [opId, n] of ids) if (n > 1) bad.push(`wallet of ${playerId}: op ${opId} applied ${n} times`);
    const deposits = applied.filter((a) => a.kind === 'deposit').reduce((s, a) => s + a.amount, 0);
    const debits = applied.filter((a) => a.kind === 'debit').reduce((s, a) => s + a.amount, 0);
    const credits = applied.filter((a) => a.kind === 'credit').reduce((s, a) => s + a.amount, 0);
    if (deposits - debits + credits !== p.balance) bad.push(`wallet of ${playerId}: deposits ${deposits} − debits ${debits} + credits ${credits} ≠ balance ${p.balance}`);
    const toTables = debits - credits;
    const taken = fromTables.get(playerId) ?? 0;
    if (toTables !== taken) bad.push(`player ${playerId}: the wallet sent ${toTables} net to tables, the treasury took in ${taken} net (${toTables - taken > 0 ? `${toTables - taken} chips lost` : `${taken - toTables} chips made up`})`);
  }
  return result('wallets agree with the treasury, per player', checked, bad, skipped ? `${skipped} players with ${HISTORY_WINDOW}+ actions (history truncated)` : undefined);
}

// ------------------------------------------------------------------ liveness

/** Games left idle past their inactivity timeout (plus grace) were expired and closed. */
export function checkExpired(idleGames: Array<{ gameId: string; idleSinceMs: number; timeoutMs: number }>, games: FinalState['games'], now: number, graceMs: number): CheckResult {
  const bad: string[] = [];
  let checked = 0;
  for (const g of idleGames) {
    if (now - g.idleSinceMs < g.timeoutMs + graceMs) continue;
    checked++;
    const view = games[g.gameId];
    if (view && view.status !== 'closed') bad.push(`game ${g.gameId} idle for ${Math.round((now - g.idleSinceMs) / 1000)} s (timeout ${g.timeoutMs / 1000} s) is still ${view.status}`);
  }
  return result('idle games expired', checked, bad);
}

/** All checks over one run. */
export function runChecks(input: { answers: Answer[]; state: FinalState; idleGames: Array<{ gameId: string; idleSinceMs: number; timeoutMs: number }>; now: number; graceMs: number }): CheckResult[] {
  const { answers, state } = input;
  const ledger = checkLedger(state.ledger);
  return [
    checkSagasTerminal(state, answers),
    checkAudit(state.audit),
    { check: ledger.check, checked: ledger.checked, violations: ledger.violations },
    checkBets(answers, state.sagas, ledger.fold, state.games),
    checkAnswers(answers, state.sagas, ledger.fold, state.players),
    checkStacks(ledger.fold, state.games),
    checkWallets(ledger.fold, state.ledger, state.players),
    checkExpired(input.idleGames, state.games, input.now, input.graceMs),
  ];
}
