import { HEADER, SagaEnded } from '@bitcraps/contracts';

/**
 * Which EVT messages belong to a game's event stream: successful replies and events
 * whose ordering key is the game (lifecycle, consensus), and the end of sagas about it.
 * Refusals are left out: they are answers to one caller, not facts of the table.
 */
export function belongsToGame(gameId: string, subject: string, header: (name: string) => string | undefined, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as { ok?: boolean; gameId?: string; saga?: { gameId?: string | null } };
  if (subject === SagaEnded.subject) return b.saga?.gameId === gameId;
  if (b.ok === false) return false;
  return header(HEADER.orderingKey) === gameId || b.gameId === gameId;
}

/** One Server-Sent Event; the id is the EVT sequence, so `Last-Event-ID` resumes exactly after it. */
export function formatEvent(seq: number, subject: string, data: string): string {
  return `id: ${seq}\nevent: ${subject.replace(/^evt\./, '')}\ndata: ${data.replace(/\n/g, '\\n')}\n\n`;
}
