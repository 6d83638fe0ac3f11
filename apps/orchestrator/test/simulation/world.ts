import { refuse, type ErrorCode } from '@bitcraps/contracts';
import {
  applyRoll,
  canRemoveBet,
  createBet,
  DEFAULT_TABLE_CONFIG,
  hasContractBets,
  maxPayoutRatio,
  nextInSeatOrder,
  payoutOf,
  validateBet,
  type Bet,
  type BetType,
  type Dice,
  type PointNumber,
  type Table,
} from '@bitcraps/craps';
import type { Prng } from './prng';

/**
 * The simulated services: player, lifecycle, treasury and consensus as in-memory models
 * of the semantics their contracts state (and their handlers implement), one handler per
 * command the real sagas send. Each is idempotent by the ids the command carries, answers
 * a replay with its first answer, and lets a compensation that arrives before its step
 * bar that step. Handlers are synchronous: a command is applied atomically when the
 * network delivers it, except where a simulated service crash cuts it short.
 */

export type Reply = { ok: true; [k: string]: unknown } | { ok: false; code: ErrorCode; message: string };

/** Thrown by a write when the simulated service process dies at that point. */
export class ServiceCrash extends Error {
  constructor() {
    super('service crashed');
  }
}

/** How many writes a delivery may make before its service dies (Infinity: it does not). */
export class WriteBudget {
  constructor(private left: number) {}
  write(): void {
    if (this.left <= 0) throw new ServiceCrash();
    this.left--;
  }
}

/** Every effect applied, by id: an id applied twice is a double effect. */
export class EffectLog {
  readonly counts = new Map<string, number>();
  apply(id: string): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }
  twice(): string[] {
    return [...this.counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  }
}

// ------------------------------------------------------------------ player

interface WalletAction {
  kind: 'debit' | 'credit';
  amount: number;
  answer: Reply;
}

/** apps/player: wallets; the first answer for an opId is final (refusals included). */
export class PlayerModel {
  readonly wallets = new Map<string, number>();
  readonly ops = new Map<string, WalletAction>();
  deposits = 0;

  constructor(private readonly effects: EffectLog) {}

  register(playerId: string, deposit: number): void {
    this.wallets.set(playerId, deposit);
    this.deposits += deposit;
  }

  /** The decided action of an opId (the checker reads it). */
  action(playerId: string, opId: string): WalletAction | undefined {
    return this.ops.get(`${playerId}|${opId}`);
  }

  move(w: WriteBudget, p: { playerId: string; opId: string; amount: number }, kind: 'debit' | 'credit', bar = false): Reply {
    const balance = this.wallets.get(p.playerId);
    if (balance === undefined) return refuse('PLAYER_NOT_FOUND', `no player ${p.playerId}`);
    const key = `${p.playerId}|${p.opId}`;
    const prior = this.ops.get(key);
    if (prior) {
      if (prior.kind !== kind || prior.amount !== p.amount) return refuse('IDEMPOTENCY_KEY_REUSED', `opId ${p.opId} was used for a ${prior.kind} of ${prior.amount}`);
      return prior.answer;
    }
    w.write();
    let answer: Reply;
    if (bar) answer = refuse('CONFLICT', `${kind} ${p.opId} was cancelled before it arrived`);
    else if (kind === 'debit' && p.amount > balance) answer = refuse('INSUFFICIENT_BALANCE', `the wallet holds ${balance}, ${p.amount} needed`);
    else {
      const next = kind === 'debit' ? balance - p.amount : balance + p.amount;
      this.wallets.set(p.playerId, next);
      this.effects.apply(`wallet:${p.playerId}:${p.opId}`);
      answer = { ok: true, playerId: p.playerId, opId: p.opId, amount: p.amount, balance: next, at: 'now' };
    }
    this.ops.set(key, { kind, amount: p.amount, answer });
    return answer;
  }

  /** RefundDebit: bars the debit if it never arrived, refunds it once if it was applied. */
  refundDebit(w: WriteBudget, p: { playerId: string; opId: string; amount: number }): Reply {
    const fate = this.move(w, p, 'debit', true);
    if (!fate.ok) return fate.code === 'PLAYER_NOT_FOUND' || fate.code === 'IDEMPOTENCY_KEY_REUSED' ? fate : { ok: true, playerId: p.playerId, opId: p.opId, refunded: 0 };
    const credit = this.move(w, { ...p, opId: `${p.opId}:refund` }, 'credit');
    return credit.ok ? { ok: true, playerId: p.playerId, opId: p.opId, refunded: p.amount } : credit;
  }
}

// ------------------------------------------------------------------ lifecycle

export interface SimRoll {
  rollIndex: number;
  dice: [number, number];
  resolutions: Array<{ betId: string; playerId: string; type: string; outcome: 'win' | 'lose' | 'push'; amount: number; payout: number }>;
  [k: string]: unknown;
}

export interface SimGame {
  gameId: string;
  status: 'open' | 'suspended' | 'closed';
  phase: 'come-out' | 'point';
  point: number | null;
  shooter: string | null;
  /** `joining`: the seat's opId until confirm-seat (joins from version 2). */
  players: Array<{ playerId: string; stack: number; seatOpId: string; joining?: string }>;
  bets: Bet[];
  /** Bets validated and not yet recorded or withdrawn. */
  held: Array<{ betId: string; playerId: string }>;
  /** Leaves under way (from unseat to confirm-leave). */
  leaving: Array<{ playerId: string; opId: string }>;
  rollCount: number;
  pendingRoll: { rollIndex: number; opId: string } | null;
  settledThrough: number;
  rolls: SimRoll[];
  /** When the last lifecycle command about the game arrived while it was open (its inactivity clock). */
  lastActivityAt: number;
  ops: Map<string, Reply>;
  /** Ghost state for the checker: which check-shooter op reserved each applied roll. */
  appliedBy: Map<number, string>;
}

/** lifecycle keeps the outcomes of the last rolls for replays of apply-roll (apps/lifecycle ROLLS_KEPT). */
const ROLLS_KEPT = 3;
const CONFIG = { minBuyIn: 10, maxBuyIn: 100_000, maxPlayers: 10 };

const tableOf = (g: SimGame): Table => ({ phase: g.phase, point: g.point as PointNumber | null, seats: g.players.map((p) => p.playerId), shooter: g.shooter, rollCount: g.rollCount });
const sameBet = (a: { playerId: string; type: string; number?: number | null; amount: number }, b: { playerId: string; type: string; number?: number | null; amount: number }) =>
  a.playerId === b.playerId && a.type === b.type && (a.number ?? null) === (b.number ?? null) && a.amount === b.amount;

/** apps/lifecycle: games, seats, the layout and the rolls, with an operation log for replays. */
export class LifecycleModel {
  readonly games = new Map<string, SimGame>();

  constructor(private readonly effects: EffectLog) {}

  create(gameId: string): void {
    this.games.set(gameId, {
      gameId, status: 'open', phase: 'come-out', point: null, shooter: null, players: [], bets: [], held: [], leaving: [], rollCount: 0,
      pendingRoll: null, settledThrough: 0, rolls: [], lastActivityAt: 0, ops: new Map(), appliedBy: new Map(),
    });
  }

  private game(gameId: string): SimGame | Reply {
    return this.games.get(gameId) ?? refuse('GAME_NOT_FOUND', `no game ${gameId}`);
  }

  /** Records an answer under `key` (one write). */
  private remember(w: WriteBudget, g: SimGame, key: string, reply: Reply, mutate?: () => void): Reply {
    w.write();
    mutate?.();
    g.ops.set(key, reply);
    return reply;
  }

  /** Why chips may still move into a stack here (apps/lifecycle moneyInFlight). */
  private moneyInFlight(g: SimGame, playerId?: string): string | null {
    const mine = (id: string) => playerId === undefined || id === playerId;
    if (g.players.some((p) => p.joining && mine(p.playerId))) return 'a join is being settled';
    if (g.held.some((h) => mine(h.playerId))) return 'a bet is being placed';
    if (g.settledThrough < g.rollCount) return `roll ${g.rollCount} is being paid`;
    return null;
  }

  private unhold(g: SimGame, betId: string): void {
    g.held = g.held.filter((h) => h.betId !== betId);
  }

  seat(w: WriteBudget, c: { gameId: string; playerId: string; buyIn: number; opId: string; confirm?: true }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `seat:${c.opId}`;
    const replay = g.ops.get(key);
    if (replay) return replay;
    const refusal =
      g.status === 'closed' ? refuse('GAME_CLOSED', 'the game is closed')
      : g.status === 'suspended' ? refuse('GAME_SUSPENDED', 'the game is suspended')
      : g.players.some((p) => p.playerId === c.playerId) ? refuse('ALREADY_SEATED', 'seated already')
      : g.leaving.some((l) => l.playerId === c.playerId) ? refuse('TRY_AGAIN', 'your leave is still being settled')
      : g.players.length >= CONFIG.maxPlayers ? refuse('GAME_FULL', 'full')
      : c.buyIn < CONFIG.minBuyIn || c.buyIn > CONFIG.maxBuyIn ? refuse('BET_LIMIT', 'buy-in out of limits')
      : null;
    if (refusal) return refusal.ok === false && refusal.code === 'TRY_AGAIN' ? refusal : this.remember(w, g, key, refusal);
    const shooter = g.shooter ?? c.playerId;
    return this.remember(w, g, key, { ok: true, playerId: c.playerId, stack: c.buyIn, seat: g.players.length, shooter }, () => {
      g.players = [...g.players, { playerId: c.playerId, stack: c.buyIn, seatOpId: c.opId, ...(c.confirm ? { joining: c.opId } : {}) }];
      g.shooter = shooter;
      this.effects.apply(`seat:${c.opId}`);
    });
  }

  private holdLeaver(g: SimGame, c: { playerId: string; opId: string; compensates?: string; confirm?: true }): void {
    if (c.confirm && !c.compensates && !g.leaving.some((l) => l.opId === c.opId)) g.leaving = [...g.leaving, { playerId: c.playerId, opId: c.opId }];
  }

  confirmLeave(w: WriteBudget, c: { gameId: string; playerId: string; leaveOpId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const held = g.leaving.some((l) => l.opId === c.leaveOpId && l.playerId === c.playerId);
    if (held) {
      w.write();
      g.leaving = g.leaving.filter((l) => l.opId !== c.leaveOpId);
    }
    return { ok: true, playerId: c.playerId, released: held };
  }

  unseat(w: WriteBudget, c: { gameId: string; playerId: string; opId: string; compensates?: string; confirm?: true }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `unseat:${c.opId}`;
    const replay = g.ops.get(key);
    if (replay) return replay;
    const tombstone = () => {
      if (c.compensates && !g.ops.has(`seat:${c.compensates}`)) g.ops.set(`seat:${c.compensates}`, refuse('CONFLICT', 'this seat was withdrawn by its compensation'));
    };
    // a compensation undoes its own seat only
    const found = g.players.find((p) => p.playerId === c.playerId);
    const seat = found && (!c.compensates || found.seatOpId === c.compensates) ? found : undefined;
    if (!seat) {
      const reply: Reply = { ok: true, playerId: c.playerId, wasSeated: false, stack: 0, returnedBets: [], shooter: g.shooter };
      // a closed game is never written again (apps/lifecycle seats.ts)
      if (g.status === 'closed') return reply;
      return this.remember(w, g, key, reply, () => {
        this.holdLeaver(g, c);
        tombstone();
      });
    }
    if (hasContractBets(g.bets, c.playerId, tableOf(g))) return this.remember(w, g, key, refuse('BETS_ON_LAYOUT', 'contract bets on the layout'));
    // "not now" answers are never remembered
    if (g.pendingRoll && g.shooter === c.playerId) return refuse('TRY_AGAIN', 'the dice are rolling: leave after this roll');
    const inFlight = c.compensates ? null : this.moneyInFlight(g, c.playerId);
    if (inFlight) return refuse('TRY_AGAIN', inFlight);
    const returned = g.bets.filter((b) => b.playerId === c.playerId);
    const stack = seat.stack + returned.reduce((s, b) => s + b.amount, 0);
    const players = g.players.filter((p) => p.playerId !== c.playerId);
    const shooter = g.shooter === c.playerId ? (players.length ? nextInSeatOrder(g.players.map((p) => p.playerId), c.playerId) : null) : g.shooter;
    return this.remember(w, g, key, { ok: true, playerId: c.playerId, wasSeated: true, stack, returnedBets: returned.map((b) => ({ betId: b.betId, amount: b.amount })), shooter }, () => {
      g.players = players;
      g.bets = g.bets.filter((b) => b.playerId !== c.playerId);
      g.shooter = shooter;
      if (players.length === 0) {
        g.phase = 'come-out';
        g.point = null;
      }
      this.effects.apply(`unseat:${c.opId}`);
      this.holdLeaver(g, c);
      tombstone();
    });
  }

  private betRefusal(g: SimGame, b: { playerId: string; type: BetType; number?: number; amount: number }): Reply | null {
    if (g.status === 'closed') return refuse('GAME_CLOSED', 'the game is closed');
    if (g.status === 'suspended') return refuse('GAME_SUSPENDED', 'the game is suspended');
    const seat = g.players.find((p) => p.playerId === b.playerId);
    if (!seat) return refuse('NOT_SEATED', 'sit before you bet');
    if (g.pendingRoll) return refuse('BET_NOT_ALLOWED', 'betting is closed while the dice roll');
    const checked = validateBet(tableOf(g), g.bets, b, DEFAULT_TABLE_CONFIG);
    if (!checked.ok) return refuse(checked.code, checked.message);
    if (seat.stack < b.amount) return refuse('INSUFFICIENT_STACK', `stack ${seat.stack}`);
    return null;
  }

  validateBet(w: WriteBudget, c: { gameId: string; betId: string; playerId: string; type: BetType; number?: number; amount: number }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const onLayout = g.bets.find((b) => b.betId === c.betId);
    const logged = g.ops.get(`bet:${c.betId}`);
    const known = onLayout ?? (logged?.ok ? (logged.bet as Bet) : undefined);
    if (known) return sameBet(known, c) ? { ok: true, betId: c.betId } : refuse('CONFLICT', 'bet id names another bet');
    if (logged && !logged.ok) return logged;
    const held = g.held.find((h) => h.betId === c.betId);
    if (held) return held.playerId === c.playerId ? { ok: true, betId: c.betId } : refuse('CONFLICT', 'bet id names another bet');
    const refusal = this.betRefusal(g, c);
    if (refusal) return g.status === 'closed' ? refusal : this.remember(w, g, `bet:${c.betId}`, refusal);
    w.write();
    g.held = [...g.held, { betId: c.betId, playerId: c.playerId }];
    return { ok: true, betId: c.betId };
  }

  /** The bet saga's last compensation: the hold ends; an id never recorded is burnt. */
  releaseBetHold(w: WriteBudget, c: { gameId: string; betId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const held = g.held.some((h) => h.betId === c.betId);
    const known = g.ops.has(`bet:${c.betId}`) || g.bets.some((b) => b.betId === c.betId);
    if ((held || !known) && g.status !== 'closed') {
      w.write();
      this.unhold(g, c.betId);
      if (!known) g.ops.set(`bet:${c.betId}`, refuse('CONFLICT', 'withdrawn before it was recorded'));
    }
    return { ok: true, betId: c.betId, held };
  }

  confirmSeat(w: WriteBudget, c: { gameId: string; playerId: string; seatOpId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const seat = g.players.find((p) => p.playerId === c.playerId);
    const ours = seat !== undefined && seat.seatOpId === c.seatOpId;
    if (ours && seat.joining !== undefined) {
      w.write();
      g.players = g.players.map((p) => (p.playerId === c.playerId ? { playerId: p.playerId, stack: p.stack, seatOpId: p.seatOpId } : p));
    }
    return { ok: true, playerId: c.playerId, confirmed: ours };
  }

  recordBet(w: WriteBudget, c: { gameId: string; betId: string; playerId: string; type: BetType; number?: number; amount: number; opId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `bet:${c.betId}`;
    const logged = g.ops.get(key);
    if (logged) {
      if (logged.ok && !sameBet(logged.bet as Bet, c)) return refuse('CONFLICT', 'bet id names another bet');
      return logged;
    }
    if (g.bets.some((b) => b.betId === c.betId)) return refuse('CONFLICT', 'on the layout already');
    const refusal = this.betRefusal(g, c);
    if (refusal) return this.remember(w, g, key, refusal);
    const bet = createBet({ playerId: c.playerId, type: c.type, ...(c.number !== undefined ? { number: c.number } : {}), amount: c.amount }, c.betId);
    const seat = g.players.find((p) => p.playerId === c.playerId)!;
    return this.remember(w, g, key, { ok: true, bet, stack: seat.stack - c.amount }, () => {
      g.bets = [...g.bets, bet];
      this.unhold(g, c.betId);
      g.players = g.players.map((p) => (p.playerId === c.playerId ? { ...p, stack: p.stack - c.amount } : p));
      this.effects.apply(`record:${c.betId}`);
    });
  }

  removeBet(w: WriteBudget, c: { gameId: string; betId: string; opId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `remove:${c.betId}`;
    const logged = g.ops.get(key);
    if (logged) return logged;
    const bet = g.bets.find((b) => b.betId === c.betId);
    if (!bet) {
      const recorded = g.ops.get(`bet:${c.betId}`);
      if (recorded?.ok) return this.remember(w, g, key, { ok: true, betId: c.betId, status: 'resolved', amount: 0, playerId: (recorded.bet as Bet).playerId });
      if (g.status === 'closed') return { ok: true, betId: c.betId, status: 'absent', amount: 0, playerId: null };
      return this.remember(w, g, key, { ok: true, betId: c.betId, status: 'absent', amount: 0, playerId: null }, () => {
        if (!recorded) g.ops.set(`bet:${c.betId}`, refuse('CONFLICT', 'withdrawn before it was recorded'));
      });
    }
    if (!canRemoveBet(tableOf(g), bet)) return this.remember(w, g, key, refuse('BET_NOT_REMOVABLE', 'a contract bet stays until it resolves'));
    return this.remember(w, g, key, { ok: true, betId: c.betId, status: 'removed', amount: bet.amount, playerId: bet.playerId }, () => {
      g.bets = g.bets.filter((b) => b.betId !== c.betId);
      g.players = g.players.map((p) => (p.playerId === bet.playerId ? { ...p, stack: p.stack + bet.amount } : p));
      this.effects.apply(`remove:${c.betId}`);
    });
  }

  checkShooter(w: WriteBudget, c: { gameId: string; playerId: string; opId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `shoot:${c.opId}`;
    const replay = g.ops.get(key);
    if (replay) return replay;
    if (g.status === 'closed') return this.remember(w, g, key, refuse('GAME_CLOSED', 'the game is closed'));
    if (g.status === 'suspended') return this.remember(w, g, key, refuse('GAME_SUSPENDED', 'the game is suspended'));
    if (!g.players.some((p) => p.playerId === c.playerId)) return this.remember(w, g, key, refuse('NOT_SHOOTER', 'not seated'));
    if (g.shooter !== c.playerId) return this.remember(w, g, key, refuse('NOT_SHOOTER', 'another player has the dice'));
    if (g.pendingRoll) return this.remember(w, g, key, refuse('CONFLICT', `roll ${g.pendingRoll.rollIndex} is in progress`));
    if (g.settledThrough < g.rollCount) return refuse('TRY_AGAIN', `roll ${g.rollCount} is being paid`);
    const rollIndex = g.rollCount + 1;
    return this.remember(w, g, key, { ok: true, rollIndex, shooter: c.playerId }, () => {
      g.pendingRoll = { rollIndex, opId: c.opId };
    });
  }

  cancelRoll(w: WriteBudget, c: { gameId: string; checkOpId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `cancel-roll:${c.checkOpId}`;
    const replay = g.ops.get(key);
    if (replay) return replay;
    if (g.pendingRoll?.opId === c.checkOpId) {
      const rollIndex = g.pendingRoll.rollIndex;
      return this.remember(w, g, key, { ok: true, cancelled: true, rollIndex }, () => {
        g.pendingRoll = null;
      });
    }
    const checked = g.ops.get(`shoot:${c.checkOpId}`);
    if (g.status === 'closed') return { ok: true, cancelled: false, rollIndex: checked?.ok ? (checked.rollIndex as number) : null };
    return this.remember(w, g, key, { ok: true, cancelled: false, rollIndex: checked?.ok ? (checked.rollIndex as number) : null }, () => {
      if (!checked) g.ops.set(`shoot:${c.checkOpId}`, refuse('CONFLICT', 'this roll was cancelled before it was checked'));
    });
  }

  applyRoll(w: WriteBudget, c: { gameId: string; rollIndex: number; dice: [number, number] }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    if (c.rollIndex <= g.rollCount) {
      const done = g.rolls.find((r) => r.rollIndex === c.rollIndex);
      if (!done) return refuse('CONFLICT', `roll ${c.rollIndex} was applied too long ago to replay`);
      if (done.dice[0] !== c.dice[0] || done.dice[1] !== c.dice[1]) return refuse('CONFLICT', `roll ${c.rollIndex} was applied with other dice`);
      return { ok: true, roll: done };
    }
    if (g.status === 'closed') return refuse('GAME_CLOSED', 'the game is closed');
    if (g.status === 'suspended') return refuse('GAME_SUSPENDED', 'the game is suspended');
    if (g.pendingRoll?.rollIndex !== c.rollIndex) return refuse('CONFLICT', `roll ${c.rollIndex} is not the reserved one`);
    const result = applyRoll(tableOf(g), g.bets, c.dice as unknown as Dice);
    const returns = new Map<string, number>();
    for (const r of result.resolutions) if (r.outcome !== 'lose') returns.set(r.playerId, (returns.get(r.playerId) ?? 0) + r.amount + r.payout);
    const roll: SimRoll = {
      rollIndex: c.rollIndex,
      dice: [c.dice[0], c.dice[1]],
      total: result.total,
      phase: result.table.phase,
      point: result.table.point,
      shooter: result.table.shooter,
      sevenOut: result.sevenOut,
      nextShooter: result.nextShooter,
      resolutions: result.resolutions.map((r) => ({ betId: r.betId, playerId: r.playerId, type: r.type, outcome: r.outcome, amount: r.amount, payout: r.payout })),
      moved: result.moved.map((b) => ({ betId: b.betId, point: b.point! })),
    };
    w.write();
    g.appliedBy.set(c.rollIndex, g.pendingRoll.opId);
    g.phase = result.table.phase;
    g.point = result.table.point;
    g.shooter = result.table.shooter;
    g.rollCount = result.table.rollCount;
    g.bets = [...result.standing];
    g.players = g.players.map((p) => (returns.has(p.playerId) ? { ...p, stack: p.stack + returns.get(p.playerId)! } : p));
    g.pendingRoll = null;
    g.rolls = [...g.rolls.slice(-(ROLLS_KEPT - 1)), roll];
    this.effects.apply(`apply-roll:${c.gameId}:${c.rollIndex}`);
    return { ok: true, roll };
  }

  /** Suspends an open game (refuses joins, bets and rolls); a suspended one answers as it is. */
  suspend(w: WriteBudget, c: { gameId: string; reason: string; opId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `suspend:${c.opId}`;
    const replay = g.ops.get(key);
    if (replay) return replay;
    if (g.status === 'closed') return this.remember(w, g, key, refuse('GAME_CLOSED', 'the game is closed'));
    return this.remember(w, g, key, { ok: true, game: { gameId: g.gameId, status: 'suspended' } }, () => {
      if (g.status === 'open') this.effects.apply(`suspend:${c.gameId}`);
      g.status = 'suspended';
    });
  }

  /**
   * Closes the game for good: the table empties and the answer lists its stacks and bets.
   * TRY_AGAIN (not remembered) while chips are on their way to a stack; a closed game
   * answers a new opId with empty lists.
   */
  close(w: WriteBudget, c: { gameId: string; reason: string; opId: string }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    const key = `close:${c.opId}`;
    const replay = g.ops.get(key);
    if (replay) return replay;
    if (g.status === 'closed') return { ok: true, game: { gameId: g.gameId, status: 'closed' }, players: [], bets: [] };
    const inFlight = this.moneyInFlight(g);
    if (inFlight) return refuse('TRY_AGAIN', `${inFlight}: the game closes once it is done`);
    const players = g.players.map((p) => ({ playerId: p.playerId, stack: p.stack }));
    const bets = g.bets.map((b) => ({ betId: b.betId, playerId: b.playerId, type: b.type, amount: b.amount }));
    return this.remember(w, g, key, { ok: true, game: { gameId: g.gameId, status: 'closed' }, players, bets }, () => {
      g.status = 'closed';
      g.players = [];
      g.bets = [];
      g.held = [];
      g.shooter = null;
      g.pendingRoll = null;
      this.effects.apply(`close:${c.gameId}`);
    });
  }

  closeRound(w: WriteBudget, c: { gameId: string; rollIndex: number }): Reply {
    const g = this.game(c.gameId);
    if ('ok' in g) return g;
    if (c.rollIndex > g.rollCount) return refuse('CONFLICT', `roll ${c.rollIndex} has not been applied`);
    const settledThrough = Math.max(g.settledThrough, c.rollIndex);
    if (settledThrough !== g.settledThrough && g.status !== 'closed') {
      w.write();
      g.settledThrough = settledThrough;
    }
    return { ok: true, rollIndex: c.rollIndex, settledThrough };
  }
}

// ------------------------------------------------------------------ treasury

type Slot =
  | { type: 'transfer'; kind: string; from: string; to: string; amount: number; fromAfter: number; toAfter: number; worstCase?: number }
  | { type: 'mark'; kind: 'refused' | 'cancelled' | 'void' | 'empty'; code?: ErrorCode; message?: string };

export const BANKROLL = 'bankroll';
export const WALLETS = 'clearing.wallets';
export const stackOf = (gameId: string, playerId: string) => `stack:${gameId}:${playerId}`;
export const escrowOf = (gameId: string) => `escrow:${gameId}`;

/** The worst case the house may pay on a bet (apps/treasury exposure.ts). */
export function worstCaseOf(type: BetType, number: number | null | undefined, amount: number): number | undefined {
  const ratio = maxPayoutRatio(type, number);
  return ratio === undefined ? undefined : payoutOf(amount, ratio);
}

/**
 * apps/treasury: the double-entry books as id slots, each filled once by a transfer or a
 * mark (planning.ts). A command appends one entry at a time and decides again, so a
 * service that dies half way through a settlement leaves a prefix that a redelivery
 * completes.
 */
export class TreasuryModel {
  readonly balances = new Map<string, number>();
  readonly slots = new Map<string, Slot>();
  readonly bets = new Map<string, { gameId: string; playerId: string; amount: number; worstCase: number; open: boolean }>();
  openExposure = 0;

  constructor(
    private readonly effects: EffectLog,
    bankroll: number,
    private readonly reserveRatio: number,
  ) {
    this.balances.set(BANKROLL, bankroll);
  }

  balance(account: string): number {
    return this.balances.get(account) ?? 0;
  }

  private transfer(w: WriteBudget, slot: string, kind: string, from: string, to: string, amount: number, bet?: { betId: string; worstCase?: number }): Slot {
    w.write();
    const fromAfter = this.balance(from) - amount;
    const toAfter = this.balance(to) + amount;
    if (from !== WALLETS && fromAfter < 0) throw new Error(`model bug: ${from} would go to ${fromAfter}`);
    this.balances.set(from, fromAfter);
    this.balances.set(to, toAfter);
    const entry: Slot = { type: 'transfer', kind, from, to, amount, fromAfter, toAfter, ...(bet?.worstCase !== undefined ? { worstCase: bet.worstCase } : {}) };
    this.slots.set(slot, entry);
    this.effects.apply(`ledger:${slot}`);
    if (bet && kind === 'escrow') {
      const [, gameId, playerId] = from.split(':');
      this.bets.set(bet.betId, { gameId: gameId!, playerId: playerId!, amount, worstCase: bet.worstCase ?? 0, open: true });
      this.openExposure += bet.worstCase ?? 0;
    }
    if (bet && ['release', 'win-stake', 'push', 'lose'].includes(kind)) {
      const b = this.bets.get(bet.betId)!;
      if (!b.open) throw new Error(`model bug: bet ${bet.betId} closed twice`);
      b.open = false;
      this.openExposure -= b.worstCase;
    }
    return entry;
  }

  private mark(w: WriteBudget, slot: string, kind: 'refused' | 'cancelled' | 'void' | 'empty', refusal?: { code: ErrorCode; message: string }): Slot {
    w.write();
    const entry: Slot = { type: 'mark', kind, ...(refusal ? { code: refusal.code, message: refusal.message } : {}) };
    this.slots.set(slot, entry);
    return entry;
  }

  credit(w: WriteBudget, c: { opId: string; gameId: string; playerId: string; amount: number }): Reply {
    const slot = `${c.opId}:buy-in`;
    const stack = stackOf(c.gameId, c.playerId);
    for (;;) {
      const done = this.slots.get(slot);
      if (done) {
        if (done.type === 'mark') return refuse(done.code ?? 'CONFLICT', done.message ?? 'refused');
        if (done.to !== stack || done.amount !== c.amount) return refuse('CONFLICT', `op ${c.opId} credited ${done.amount} to ${done.to}`);
        return { ok: true, credited: done.amount, stack: done.toAfter };
      }
      if (this.slots.has(`${c.opId}:reverse`)) this.mark(w, slot, 'refused', refuse('CONFLICT', `op ${c.opId} was reversed before it arrived`));
      else this.transfer(w, slot, 'buy-in', WALLETS, stack, c.amount);
    }
  }

  reverse(w: WriteBudget, c: { opId: string; gameId: string; playerId: string }): Reply {
    const slot = `${c.opId}:reverse`;
    const stack = stackOf(c.gameId, c.playerId);
    for (;;) {
      const done = this.slots.get(slot);
      if (done) return { ok: true, reversed: done.type === 'transfer' ? done.amount : 0 };
      const credit = this.slots.get(`${c.opId}:buy-in`);
      if (!credit) {
        this.mark(w, slot, 'cancelled');
        continue;
      }
      if (credit.type === 'mark') return { ok: true, reversed: 0 };
      if (credit.to !== stack) return refuse('CONFLICT', `op ${c.opId} credited ${credit.to}`);
      const balance = this.balance(stack);
      if (balance < credit.amount) return refuse('INSUFFICIENT_STACK', `the stack holds ${balance}, the credit to reverse was ${credit.amount}`);
      this.transfer(w, slot, 'reverse', stack, WALLETS, credit.amount);
    }
  }

  escrow(w: WriteBudget, c: { betId: string; gameId: string; playerId: string; type: BetType; number?: number | null; amount: number }): Reply {
    const slot = `bet:${c.betId}:escrow`;
    const stack = stackOf(c.gameId, c.playerId);
    for (;;) {
      const done = this.slots.get(slot);
      if (done) {
        if (done.type === 'mark') return refuse(done.code ?? 'CONFLICT', done.message ?? 'refused');
        if (done.from !== stack || done.amount !== c.amount) return refuse('CONFLICT', `bet ${c.betId} was escrowed otherwise`);
        return { ok: true, stack: done.fromAfter, worstCase: done.worstCase ?? 0 };
      }
      const refused = (code: ErrorCode, message: string) => this.mark(w, slot, 'refused', refuse(code, message));
      if (this.slots.has(`bet:${c.betId}:release`) || this.slots.has(`bet:${c.betId}:settle`)) {
        refused('CONFLICT', `bet ${c.betId} was withdrawn before its stake arrived`);
        continue;
      }
      const worstCase = worstCaseOf(c.type, c.number, c.amount);
      const bankroll = this.balance(BANKROLL);
      const riskable = Math.max(0, bankroll - Math.ceil(bankroll * this.reserveRatio));
      if (worstCase === undefined) refused('BET_NOT_ALLOWED', `a ${c.type} bet cannot be on ${c.number}`);
      else if (this.balance(stack) < c.amount) refused('INSUFFICIENT_STACK', `the stack holds ${this.balance(stack)}`);
      else if (this.openExposure + worstCase > riskable) refused('HOUSE_CANNOT_COVER', `cannot cover ${worstCase} more`);
      else this.transfer(w, slot, 'escrow', stack, escrowOf(c.gameId), c.amount, { betId: c.betId, worstCase });
    }
  }

  release(w: WriteBudget, c: { betId: string; gameId: string; playerId: string }): Reply {
    const slot = `bet:${c.betId}:release`;
    for (;;) {
      const done = this.slots.get(slot);
      if (done) return { ok: true, released: done.type === 'transfer' ? done.amount : 0 };
      const bet = this.bets.get(c.betId);
      if (!bet) {
        if (this.slots.has(`bet:${c.betId}:escrow`)) return { ok: true, released: 0 };
        this.mark(w, slot, 'cancelled');
        continue;
      }
      if (bet.gameId !== c.gameId || bet.playerId !== c.playerId) return refuse('CONFLICT', `bet ${c.betId} belongs to another game or player`);
      if (!bet.open || this.slots.has(`bet:${c.betId}:payout`)) return { ok: true, released: 0 };
      this.transfer(w, slot, 'release', escrowOf(bet.gameId), stackOf(bet.gameId, bet.playerId), bet.amount, { betId: c.betId });
    }
  }

  settle(w: WriteBudget, c: { gameId: string; rollIndex: number; resolutions: Array<{ betId: string; playerId: string; outcome: 'win' | 'lose' | 'push'; amount: number; payout: number }> }): Reply {
    for (const r of c.resolutions) {
      const bet = this.bets.get(r.betId);
      if (this.slots.has(`bet:${r.betId}:settle`) || !bet?.open) continue;
      const problem =
        bet.gameId !== c.gameId ? 'is in another game'
        : bet.playerId !== r.playerId ? "is another player's"
        : bet.amount !== r.amount ? `holds ${bet.amount}, not ${r.amount}`
        : r.outcome !== 'win' && r.payout !== 0 ? `pays nothing on ${r.outcome}`
        : r.payout > bet.worstCase ? `pays at most ${bet.worstCase}`
        : null;
      if (problem) return refuse('CONFLICT', `bet ${r.betId} ${problem}`);
    }
    for (const r of c.resolutions) {
      const settleSlot = `bet:${r.betId}:settle`;
      if (this.slots.has(settleSlot)) continue;
      const bet = this.bets.get(r.betId);
      if (!bet?.open) {
        this.mark(w, settleSlot, 'void', refuse('BET_NOT_FOUND', bet ? 'released before the roll' : 'no stake was escrowed'));
        continue;
      }
      const stack = stackOf(bet.gameId, bet.playerId);
      const escrow = escrowOf(bet.gameId);
      const leg = { betId: r.betId };
      if (r.outcome === 'lose') this.transfer(w, settleSlot, 'lose', escrow, BANKROLL, bet.amount, leg);
      else if (r.outcome === 'push') this.transfer(w, settleSlot, 'push', escrow, stack, bet.amount, leg);
      else {
        if (r.payout > 0 && !this.slots.has(`bet:${r.betId}:payout`)) {
          if (this.balance(BANKROLL) < r.payout) return refuse('HOUSE_CANNOT_COVER', `bankroll ${this.balance(BANKROLL)} < ${r.payout}`);
          this.transfer(w, `bet:${r.betId}:payout`, 'win-payout', BANKROLL, stack, r.payout, leg);
        }
        this.transfer(w, settleSlot, 'win-stake', escrow, stack, bet.amount, leg);
      }
    }
    let settled = 0;
    const voided: string[] = [];
    for (const r of c.resolutions) {
      if (this.slots.get(`bet:${r.betId}:settle`)!.type === 'mark') voided.push(r.betId);
      else settled++;
    }
    return { ok: true, settled, void: voided, returned: 0, paid: 0, collected: 0 };
  }

  cashOut(w: WriteBudget, c: { opId: string; gameId: string; playerId: string }): Reply {
    const slot = `${c.opId}:cash-out`;
    for (;;) {
      const done = this.slots.get(slot);
      if (done) return { ok: true, amount: done.type === 'transfer' ? done.amount : 0 };
      const stack = stackOf(c.gameId, c.playerId);
      const balance = this.balance(stack);
      if (balance === 0) this.mark(w, slot, 'empty');
      else this.transfer(w, slot, 'cash-out', stack, WALLETS, balance);
    }
  }
}

// ------------------------------------------------------------------ consensus

interface ConsensusGame {
  participants: Map<string, string>;
  ops: Map<string, unknown>;
  rounds: Map<number, { dice: [number, number]; readyAt: number }>;
}

/** apps/consensus: participants (with tombstones) and the dice of each roll, fixed once drawn. */
export class ConsensusModel {
  readonly games = new Map<string, ConsensusGame>();

  constructor(
    private readonly effects: EffectLog,
    private readonly rng: Prng,
    private readonly now: () => number,
    /** The longest a roll waits for reveals (answered SERVICE_UNAVAILABLE meanwhile). */
    private readonly maxRevealWaitMs: number,
  ) {}

  private game(gameId: string): ConsensusGame {
    let g = this.games.get(gameId);
    if (!g) this.games.set(gameId, (g = { participants: new Map(), ops: new Map(), rounds: new Map() }));
    return g;
  }

  add(w: WriteBudget, c: { gameId: string; playerId: string; opId: string }): Reply {
    const g = this.game(c.gameId);
    const key = `add:${c.opId}`;
    const replay = g.ops.get(key) as Reply | undefined;
    if (replay) return replay;
    w.write();
    let reply: Reply;
    if (g.ops.has(`tomb:${c.opId}`)) reply = refuse('CONFLICT', 'this join was compensated before it arrived');
    else if (g.participants.has(c.playerId)) reply = { ok: true, playerId: c.playerId, participants: g.participants.size, alreadyParticipant: true };
    else {
      g.participants.set(c.playerId, c.opId);
      this.effects.apply(`participant:${c.opId}`);
      reply = { ok: true, playerId: c.playerId, participants: g.participants.size, alreadyParticipant: false };
    }
    g.ops.set(key, reply);
    return reply;
  }

  remove(w: WriteBudget, c: { gameId: string; playerId: string; opId: string; compensates?: string }): Reply {
    const g = this.games.get(c.gameId);
    const key = `remove:${c.opId}`;
    const replay = g?.ops.get(key) as Reply | undefined;
    if (replay) return replay;
    if (!g && !c.compensates) return { ok: true, playerId: c.playerId, wasParticipant: false };
    const game = this.game(c.gameId);
    w.write();
    if (c.compensates && !game.ops.has(`add:${c.compensates}`)) game.ops.set(`tomb:${c.compensates}`, true);
    const was = game.participants.delete(c.playerId);
    const reply: Reply = { ok: true, playerId: c.playerId, wasParticipant: was };
    game.ops.set(key, reply);
    return reply;
  }

  produce(w: WriteBudget, c: { gameId: string; rollIndex: number; opId: string }): Reply {
    const g = this.game(c.gameId);
    let round = g.rounds.get(c.rollIndex);
    if (!round) {
      w.write();
      const wait = this.rng.chance(0.3) ? this.rng.int(0, this.maxRevealWaitMs) : 0;
      round = { dice: [this.rng.int(1, 6), this.rng.int(1, 6)], readyAt: this.now() + wait };
      g.rounds.set(c.rollIndex, round);
    }
    if (this.now() < round.readyAt) return refuse('SERVICE_UNAVAILABLE', `roll ${c.rollIndex} is waiting for reveals: retry`);
    return { ok: true, rollIndex: c.rollIndex, dice: round.dice, status: 'final', mode: 'house', withheld: [] };
  }
}

// ------------------------------------------------------------------ the world

/** The four services behind their command subjects. */
export class World {
  readonly effects = new EffectLog();
  readonly player: PlayerModel;
  readonly lifecycle: LifecycleModel;
  readonly treasury: TreasuryModel;
  readonly consensus: ConsensusModel;
  readonly initialBankroll: number;
  private readonly now: () => number;

  constructor(opts: { bankroll: number; reserveRatio: number; rng: Prng; now: () => number; maxRevealWaitMs: number }) {
    this.player = new PlayerModel(this.effects);
    this.lifecycle = new LifecycleModel(this.effects);
    this.treasury = new TreasuryModel(this.effects, opts.bankroll, opts.reserveRatio);
    this.consensus = new ConsensusModel(this.effects, opts.rng, opts.now, opts.maxRevealWaitMs);
    this.initialBankroll = opts.bankroll;
    this.now = opts.now;
  }

  /** Applies one delivered command; throws ServiceCrash when the budget runs out. */
  handle(subject: string, p: any, w: WriteBudget): Reply {
    const reply = this.dispatch(subject, p, w);
    // every command about an open game pushes its inactivity deadline (apps/lifecycle clocks.ts)
    const g = subject.startsWith('cmd.lifecycle.') ? this.lifecycle.games.get(p.gameId) : undefined;
    if (g?.status === 'open') g.lastActivityAt = this.now();
    return reply;
  }

  private dispatch(subject: string, p: any, w: WriteBudget): Reply {
    switch (subject) {
      case 'cmd.player.debit-wallet': return this.player.move(w, p, 'debit');
      case 'cmd.player.credit-wallet': return this.player.move(w, p, 'credit');
      case 'cmd.player.refund-debit': return this.player.refundDebit(w, p);
      case 'cmd.lifecycle.seat-player': return this.lifecycle.seat(w, p);
      case 'cmd.lifecycle.unseat-player': return this.lifecycle.unseat(w, p);
      case 'cmd.lifecycle.validate-bet': return this.lifecycle.validateBet(w, p);
      case 'cmd.lifecycle.release-bet-hold': return this.lifecycle.releaseBetHold(w, p);
      case 'cmd.lifecycle.confirm-seat': return this.lifecycle.confirmSeat(w, p);
      case 'cmd.lifecycle.confirm-leave': return this.lifecycle.confirmLeave(w, p);
      case 'cmd.lifecycle.record-bet': return this.lifecycle.recordBet(w, p);
      case 'cmd.lifecycle.remove-bet': return this.lifecycle.removeBet(w, p);
      case 'cmd.lifecycle.check-shooter': return this.lifecycle.checkShooter(w, p);
      case 'cmd.lifecycle.cancel-roll': return this.lifecycle.cancelRoll(w, p);
      case 'cmd.lifecycle.apply-roll': return this.lifecycle.applyRoll(w, p);
      case 'cmd.lifecycle.close-round': return this.lifecycle.closeRound(w, p);
      case 'cmd.lifecycle.suspend-game': return this.lifecycle.suspend(w, p);
      case 'cmd.lifecycle.close-game': return this.lifecycle.close(w, p);
      case 'cmd.treasury.credit-stack': return this.treasury.credit(w, p);
      case 'cmd.treasury.reverse-stack-credit': return this.treasury.reverse(w, p);
      case 'cmd.treasury.escrow-bet': return this.treasury.escrow(w, p);
      case 'cmd.treasury.release-bet': return this.treasury.release(w, p);
      case 'cmd.treasury.settle-roll': return this.treasury.settle(w, p);
      case 'cmd.treasury.cash-out-stack': return this.treasury.cashOut(w, p);
      case 'cmd.consensus.add-participant': return this.consensus.add(w, p);
      case 'cmd.consensus.remove-participant': return this.consensus.remove(w, p);
      case 'cmd.consensus.produce-roll': return this.consensus.produce(w, p);
      default: throw new Error(`the simulated world has no handler for ${subject}`);
    }
  }

  /** Σ wallets + Σ stacks + Σ escrow + bankroll (the audit's left-hand side). */
  held(): { wallets: number; stacks: number; escrow: number; bankroll: number; total: number } {
    let wallets = 0;
    for (const v of this.player.wallets.values()) wallets += v;
    let stacks = 0;
    let escrow = 0;
    for (const [account, v] of this.treasury.balances) {
      if (account.startsWith('stack:')) stacks += v;
      else if (account.startsWith('escrow:')) escrow += v;
    }
    const bankroll = this.treasury.balance(BANKROLL);
    return { wallets, stacks, escrow, bankroll, total: wallets + stacks + escrow + bankroll };
  }
}
