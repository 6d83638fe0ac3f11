import type { GameSettingsInput } from '@bitcraps/contracts';
import { newGame, type Decision, type GameRecord } from './game';
import { seatPlayer } from './seats';

/** Test fixtures for the pure domain (used by specs only). */
export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const GAME_ID = 'g_00000000-0000-4000-8000-000000000001';
export const pid = (n: number) => `p_00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const [ANN, BOB, CY, DI] = [pid(1), pid(2), pid(3), pid(4)];

export function freshGame(settings: GameSettingsInput = {}, now = T0): GameRecord {
  const g = newGame({ gameId: GAME_ID, createdBy: ANN, settings }, new Date(now), (pw) => `plain$${pw}`);
  if ('ok' in g) throw new Error(g.message);
  return g;
}

/** The next record, failing the test if the decision wrote nothing. */
export function nextOf<R>(d: Decision<R>): GameRecord {
  if (!d.next) throw new Error(`nothing written; reply ${JSON.stringify(d.reply)}`);
  return d.next;
}

/** A game with these players seated in this order, each with `buyIn`. */
export function tableWith(players: string[], buyIn = 1_000, settings: GameSettingsInput = {}, now = T0): GameRecord {
  let g = freshGame(settings, now);
  for (const playerId of players) {
    g = nextOf(seatPlayer(g, { gameId: g.gameId, playerId, buyIn, opId: `seat-${playerId}` }, { now, passwordOk: true, tableSlot: true }));
  }
  return g;
}
