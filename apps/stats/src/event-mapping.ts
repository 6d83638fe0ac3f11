import { ApplyRoll, CloseGame, CreateGame, RecordBet, RemoveBet, SeatPlayer, UnseatPlayer } from '@bitcraps/contracts';
import type { StatsFact } from './domain/stats-event';

/**
 * EVT subject → the fact stats folds. Replies are events (DESIGN.md section 2): only
 * successful ones (`ok: true`) are facts. Subjects not listed change no figure.
 */
const mappers: Record<string, (body: any, gameId: string | undefined) => StatsFact | null> = {
  [CreateGame.replySubject]: (b) => (b.ok ? { kind: 'game-created', gameId: b.game.gameId } : null),
  [CloseGame.replySubject]: (b) => (b.ok ? { kind: 'game-closed', gameId: b.game.gameId } : null),
  [SeatPlayer.replySubject]: (b, g) => (b.ok && g ? { kind: 'player-seated', gameId: g, playerId: b.playerId } : null),
  [UnseatPlayer.replySubject]: (b, g) => (b.ok && b.wasSeated && g ? { kind: 'player-left', gameId: g, playerId: b.playerId } : null),
  [RecordBet.replySubject]: (b, g) => (b.ok && g ? { kind: 'bet-placed', gameId: g, betId: b.bet.betId, amount: b.bet.amount } : null),
  [RemoveBet.replySubject]: (b, g) => (b.ok && b.status === 'removed' && g ? { kind: 'bet-removed', gameId: g, betId: b.betId } : null),
  [ApplyRoll.replySubject]: (b, g) =>
    b.ok && g
      ? { kind: 'roll-applied', gameId: g, rollIndex: b.roll.rollIndex, dice: b.roll.dice, resolutions: b.roll.resolutions }
      : null,
};

/** `gameId` comes from the reply's header when the reply body does not carry it. */
export function toStatsFact(subject: string, body: unknown, gameId?: string): StatsFact | null {
  const map = mappers[subject];
  if (!map || typeof body !== 'object' || body === null) return null;
  try {
    return map(body, gameId);
  } catch {
    return null; // a malformed event changes no figure
  }
}

export const FOLDED_SUBJECTS = Object.keys(mappers);
