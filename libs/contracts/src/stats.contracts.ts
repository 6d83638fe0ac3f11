import { z } from 'zod';
import { defineQuery } from './subject';

/** Contracts owned by the stats service: the figures folded from EVT. */
const Count = z.number().int().min(0);

export const StatsFiguresSchema = z.object({
  totalGames: Count,
  activeGames: Count,
  closedGames: Count,
  totalRolls: Count,
  totalBets: Count,
  /** Σ stakes placed. */
  totalVolume: Count,
  /** Σ stakes lost − Σ payouts won; negative when players are ahead. */
  houseProfit: z.number().int(),
  outcomes: z.object({ win: Count, lose: Count, push: Count }),
  /** Dice total ("2".."12") → times rolled. */
  diceTotals: z.record(z.string(), Count),
  gamesPerSecond: z.number().min(0),
  averageGameLengthMs: Count,
  largestPot: Count,
  peakPlayers: Count,
  seatedPlayers: z.number().int(),
  /** EVT sequence the figures are folded up to. */
  eventsFolded: Count,
});
export type StatsFiguresView = z.infer<typeof StatsFiguresSchema>;

export const GetStats = defineQuery({
  service: 'stats',
  verb: 'get-stats',
  payload: z.strictObject({}),
  ok: { stats: StatsFiguresSchema },
});
