import type { StatsEvent } from './stats-event';

/**
 * The stats projection: totals, rates and distributions folded from EVT. Pure and
 * deterministic: `fold` depends only on the state and the event, never on the clock.
 */
export interface StatsState {
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
  /** Per open game: creation time, open stakes by bet, players seated. */
  games: Record<string, { createdAt: number; pot: number; bets: Record<string, number>; players: string[] }>;
}

export function emptyStats(): StatsState {
  return {
    lastSeq: 0, firstAt: null, lastAt: null,
    totalGames: 0, closedGames: 0, totalRolls: 0, totalBets: 0, totalVolume: 0, houseProfit: 0,
    outcomes: { win: 0, lose: 0, push: 0 },
    diceTotals: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [String(i + 2), 0])),
    closedGameMs: 0, largestPot: 0, peakPlayers: 0, seatedPlayers: 0, games: {},
  };
}

/** Folds one event in place and returns the state; an already folded sequence changes nothing. */
export function fold(s: StatsState, e: StatsEvent): StatsState {
  if (e.seq <= s.lastSeq) return s;
  s.lastSeq = e.seq;
  s.firstAt ??= e.at;
  s.lastAt = e.at;
  const f = e.fact;
  const game = 'gameId' in f ? s.games[f.gameId] : undefined;
  switch (f.kind) {
    case 'game-created':
      if (!s.games[f.gameId]) {
        s.games[f.gameId] = { createdAt: e.at, pot: 0, bets: {}, players: [] };
        s.totalGames++;
      }
      break;
    case 'game-closed':
      if (game) {
        s.closedGames++;
        s.closedGameMs += e.at - game.createdAt;
        s.seatedPlayers -= game.players.length;
        delete s.games[f.gameId];
      }
      break;
    case 'player-seated':
      if (game && !game.players.includes(f.playerId)) {
        game.players.push(f.playerId);
        s.seatedPlayers++;
        s.peakPlayers = Math.max(s.peakPlayers, s.seatedPlayers);
      }
      break;
    case 'player-left':
      if (game && game.players.includes(f.playerId)) {
        game.players = game.players.filter((p) => p !== f.playerId);
        s.seatedPlayers--;
      }
      break;
    case 'bet-placed':
      if (game && game.bets[f.betId] === undefined) {
        game.bets[f.betId] = f.amount;
        game.pot += f.amount;
        s.totalBets++;
        s.totalVolume += f.amount;
        s.largestPot = Math.max(s.largestPot, game.pot);
      }
      break;
    case 'bet-removed':
      // only a compensation removes a bet: it counts as never placed
      if (game && game.bets[f.betId] !== undefined) {
        const amount = game.bets[f.betId];
        game.pot -= amount;
        delete game.bets[f.betId];
        s.totalBets--;
        s.totalVolume -= amount;
      }
      break;
    case 'roll-applied': {
      s.totalRolls++;
      const total = f.dice[0] + f.dice[1];
      s.diceTotals[String(total)] = (s.diceTotals[String(total)] ?? 0) + 1;
      for (const r of f.resolutions) {
        s.outcomes[r.outcome]++;
        if (r.outcome === 'lose') s.houseProfit += r.amount;
        if (r.outcome === 'win') s.houseProfit -= r.payout;
        if (game && game.bets[r.betId] !== undefined) {
          game.pot -= game.bets[r.betId];
          delete game.bets[r.betId];
        }
      }
      break;
    }
  }
  return s;
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
