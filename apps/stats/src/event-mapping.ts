import { CreateGame } from '@bitcraps/contracts';
import type { StatsFact } from './domain/stats-event';

/**
 * EVT subject → the fact stats folds. Replies are events (DESIGN.md section 2): only
 * successful ones (`ok: true`) are facts. Subjects not listed change no figure.
 */
const mappers: Record<string, (body: any) => StatsFact | null> = {
  [CreateGame.replySubject]: (b) => (b.ok ? { kind: 'game-created', gameId: b.game.gameId } : null),
};

export function toStatsFact(subject: string, body: unknown): StatsFact | null {
  const map = mappers[subject];
  if (!map || typeof body !== 'object' || body === null) return null;
  try {
    return map(body);
  } catch {
    return null; // a malformed event changes no figure
  }
}

export const FOLDED_SUBJECTS = Object.keys(mappers);
