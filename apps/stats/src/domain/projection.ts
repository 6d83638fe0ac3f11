import type { StatsEvent } from './stats-event';

/**
 * Version of the state's shape. A checkpoint of another version is not resumed: the
 * projection folds EVT again from the first event (version 1 had no fact identities, so
 * its figures may hold replays counted twice).
 */
export const STATS_STATE_VERSION = 2;

/**
 * How many identities of ended facts (closed games, ended bets, ended seats, leaves) the
 * state remembers. A retried saga step publishes its first answer again as a new EVT
 * message seconds to minutes later; lifecycle remembers its last 1 000 answers per game,
 * and this bound keeps the checkpoint (KV `stats`, see checkpoint.ts) small.
 */
export const RECENT_KEPT = 2_000;

/** One open game: creation time, open stakes by bet, the seats (player → seat identity), the last roll folded. */
export interface GameStats {
  createdAt: number;
  pot: number;
  bets: Record<string, number>;
  /** playerId → the seat's identity (the join's correlation id; '' when unknown). */
  seats: Record<string, string>;
  /** Rolls are applied in order: a roll at or below it is a replay. */
  lastRoll: number;
}

/**
 * The stats projection: totals, rates and distributions folded from EVT. Pure and
 * deterministic: `fold` depends only on the state and the event, never on the clock.
 * Each fact is folded at most once by its identity (a replayed answer is a new EVT
 * message with the same fact): a game by its id, a roll by (game, rollIndex), a bet by
 * its id, a seat by (game, player, join), a leave by (game, player, leave).
 */
export interface StatsState {
  version: number;
  /** Sequence of the last event folded; events at or below it are ignored (redelivery). */
  lastSeq: number;
  firstAt: number | null;
  lastAt: number | null;
  totalGames: number;
  closedGames: number;
  totalRolls: number;
  totalBets: number;
  /** Σ stakes placed. */
  totalVolume: number;
  /** Σ stakes lost − Σ payouts won, from the house's side. */
  houseProfit: number;
  outcomes: { win: number; lose: number; push: number };
  /** Dice totals 2..12 → how often rolled. */
  diceTotals: Record<string, number>;
  /** Total closed-game duration, for the average game length. */
  closedGameMs: number;
  /** Largest sum of open stakes on one table at any moment. */
  largestPot: number;
  /** Most players seated across all tables at once. */
  peakPlayers: number;
  seatedPlayers: number;
  games: Record<string, GameStats>;
  /** Identities of ended facts, oldest first, at most RECENT_KEPT: a replay of one changes nothing. */
  recent: string[];
}

export function emptyStats(): StatsState {
  return {
    version: STATS_STATE_VERSION,
    lastSeq: 0, firstAt: null, lastAt: null,
    totalGames: 0, closedGames: 0, totalRolls: 0, totalBets: 0, totalVolume: 0, houseProfit: 0,
    outcomes: { win: 0, lose: 0, push: 0 },
    diceTotals: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [String(i + 2), 0])),
    closedGameMs: 0, largestPot: 0, peakPlayers: 0, seatedPlayers: 0, games: {}, recent: [],
  };
}

/** Whether a stored state can be resumed (same shape); otherwise fold again from the start. */
export function isCurrentState(s: unknown): s is StatsState {
  return typeof s === 'object' && s !== null && (s as StatsState).version === STATS_STATE_VERSION && Array.isArray((s as StatsState).recent);
}

const key = {
  closedGame: (gameId: string) => `g:${gameId}`,
  endedBet: (gameId: string, betId: string) => `b:${gameId}:${betId}`,
  endedSeat: (gameId: string, playerId: string, seatId: string) => `s:${gameId}:${playerId}:${seatId}`,
  leave: (gameId: string, playerId: string, leaveId: string) => `l:${gameId}:${playerId}:${leaveId}`,
};

// a lookup index beside the serialised list, so a check is not a scan of 2 000 strings;
// rebuilt lazily for a list read from a checkpoint
const recentIndex = new WeakMap<string[], Set<string>>();
function recentSet(s: StatsState): Set<string> {
  let set = recentIndex.get(s.recent);
  if (!set) recentIndex.set(s.recent, (set = new Set(s.recent)));
  return set;
}
function seen(s: StatsState, id: string): boolean {
  return recentSet(s).has(id);
}
function remember(s: StatsState, id: string): void {
  const set = recentSet(s);
  if (set.has(id)) return;
  s.recent.push(id);
  set.add(id);
  while (s.recent.length > RECENT_KEPT) set.delete(s.recent.shift()!);
}

/** Takes an open bet off its game's pot; it is remembered as ended, so a replay of its placement changes nothing. */
function endBet(s: StatsState, gameId: string, game: GameStats, betId: string): number | undefined {
  const amount = game.bets[betId];
  if (amount === undefined) return undefined;
  game.pot -= amount;
  delete game.bets[betId];
  remember(s, key.endedBet(gameId, betId));
  return amount;
}

/** Folds one event in place and returns the state; an already folded sequence or fact changes nothing. */
export function fold(s: StatsState, e: StatsEvent): StatsState {
  if (e.seq <= s.lastSeq) return s;
  s.lastSeq = e.seq;
  s.firstAt ??= e.at;
  s.lastAt = e.at;
  const f = e.fact;
  const game = s.games[f.gameId];
  switch (f.kind) {
    case 'game-created':
      if (!game && !seen(s, key.closedGame(f.gameId))) {
        s.games[f.gameId] = { createdAt: e.at, pot: 0, bets: {}, seats: {}, lastRoll: 0 };
        s.totalGames++;
      }
      break;
    case 'game-closed':
      if (game) {
        s.closedGames++;
        s.closedGameMs += e.at - game.createdAt;
        s.seatedPlayers -= Object.keys(game.seats).length;
        delete s.games[f.gameId];
        // every later fact of the game is a replay: a tombstone covers its bets and seats
        remember(s, key.closedGame(f.gameId));
      }
      break;
    case 'player-seated': {
      const ended = f.seatId !== undefined && seen(s, key.endedSeat(f.gameId, f.playerId, f.seatId));
      if (game && game.seats[f.playerId] === undefined && !ended) {
        game.seats[f.playerId] = f.seatId ?? '';
        s.seatedPlayers++;
        s.peakPlayers = Math.max(s.peakPlayers, s.seatedPlayers);
      }
      break;
    }
    case 'player-left': {
      const seatId = game?.seats[f.playerId];
      const replay = f.leaveId !== undefined && seen(s, key.leave(f.gameId, f.playerId, f.leaveId));
      if (game && seatId !== undefined && !replay) {
        delete game.seats[f.playerId];
        s.seatedPlayers--;
        if (seatId) remember(s, key.endedSeat(f.gameId, f.playerId, seatId));
        if (f.leaveId !== undefined) remember(s, key.leave(f.gameId, f.playerId, f.leaveId));
        // the player's other bets came down with them: off the pot, still counted as placed
        for (const b of f.returnedBets) endBet(s, f.gameId, game, b.betId);
      }
      break;
    }
    case 'bet-placed':
      if (game && game.bets[f.betId] === undefined && !seen(s, key.endedBet(f.gameId, f.betId))) {
        game.bets[f.betId] = f.amount;
        game.pot += f.amount;
        s.totalBets++;
        s.totalVolume += f.amount;
        s.largestPot = Math.max(s.largestPot, game.pot);
      }
      break;
    case 'bet-removed': {
      // only a compensation removes a bet: it counts as never placed
      const amount = game ? endBet(s, f.gameId, game, f.betId) : undefined;
      if (amount !== undefined) {
        s.totalBets--;
        s.totalVolume -= amount;
      }
      break;
    }
    case 'roll-applied': {
      if (!game || f.rollIndex <= game.lastRoll) break;
      game.lastRoll = f.rollIndex;
      s.totalRolls++;
      const total = f.dice[0] + f.dice[1];
      s.diceTotals[String(total)] = (s.diceTotals[String(total)] ?? 0) + 1;
      for (const r of f.resolutions) {
        s.outcomes[r.outcome]++;
        if (r.outcome === 'lose') s.houseProfit += r.amount;
        if (r.outcome === 'win') s.houseProfit -= r.payout;
        endBet(s, f.gameId, game, r.betId);
      }
      break;
    }
  }
  return s;
}

/** The open stakes of every table (DESIGN.md section 10 "total pot"). */
export function totalPot(s: StatsState): number {
  return Object.values(s.games).reduce((sum, g) => sum + g.pot, 0);
}

/** The figures the API and the metrics show, derived from the state. */
export function figures(s: StatsState) {
  const spanSeconds = s.firstAt !== null && s.lastAt !== null ? (s.lastAt - s.firstAt) / 1000 : 0;
  return {
    totalGames: s.totalGames,
    activeGames: Object.keys(s.games).length,
    closedGames: s.closedGames,
    totalRolls: s.totalRolls,
    totalBets: s.totalBets,
    totalVolume: s.totalVolume,
    houseProfit: s.houseProfit,
    outcomes: { ...s.outcomes },
    diceTotals: { ...s.diceTotals },
    gamesPerSecond: spanSeconds > 0 ? s.totalGames / spanSeconds : 0,
    averageGameLengthMs: s.closedGames > 0 ? Math.round(s.closedGameMs / s.closedGames) : 0,
    largestPot: s.largestPot,
    peakPlayers: s.peakPlayers,
    seatedPlayers: s.seatedPlayers,
    eventsFolded: s.lastSeq,
  };
}
export type StatsFigures = ReturnType<typeof figures>;
