/**
 * The facts the stats projection folds, normalised from the EVT stream (see
 * event-mapping.ts). Every event carries its stream sequence and time, so the fold is
 * a pure function of the log: a replay from the start gives the same figures.
 */
export type StatsFact =
  | { kind: 'game-created'; gameId: string }
  | { kind: 'game-closed'; gameId: string }
  /** `seatId`: the seat's identity, the join saga's correlation id (a retried step keeps it). */
  | { kind: 'player-seated'; gameId: string; playerId: string; seatId?: string }
  /** `leaveId`: the leave's identity, its saga's correlation id; `returnedBets` came down with the player. */
  | { kind: 'player-left'; gameId: string; playerId: string; leaveId?: string; returnedBets: Array<{ betId: string; amount: number }> }
  | { kind: 'bet-placed'; gameId: string; betId: string; amount: number }
  | { kind: 'bet-removed'; gameId: string; betId: string }
  | {
      kind: 'roll-applied';
      gameId: string;
      rollIndex: number;
      dice: [number, number];
      resolutions: Array<{ betId: string; outcome: 'win' | 'lose' | 'push'; amount: number; payout: number }>;
    };

export interface StatsEvent {
  /** EVT stream sequence: the fold's position. */
  seq: number;
  /** Publication time (ms since epoch), from the stream, not the clock. */
  at: number;
  fact: StatsFact;
}
