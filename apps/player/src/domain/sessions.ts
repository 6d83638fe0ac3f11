import { z } from 'zod';
import { PlayerSessionSchema } from '@bitcraps/contracts';

/**
 * Sessions: there is no login (a token is issued at registration), so a session is a run
 * of one player's activity with no gap longer than the idle time (SESSION_IDLE_MS).
 */

/** Sessions kept per player, oldest dropped first. */
export const SESSION_LIMIT = 20;
/** Activity ids remembered per player so that a redelivered touch counts once. */
export const RECENT_ACTIVITY_LIMIT = 64;
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

export const SessionSchema = PlayerSessionSchema;
export type Session = z.infer<typeof SessionSchema>;

/** What touchSession reads and writes of an account. */
export interface SessionState {
  lastActiveAt: string;
  sessions: Session[];
  /** The last RECENT_ACTIVITY_LIMIT activity ids counted, oldest first. */
  recentActivityIds: string[];
}

const ms = (iso: string) => Date.parse(iso);

/**
 * Counts activity `activityId` at `at`: it extends the last session when it comes within
 * `idleMs` of its last activity, else opens a new one (the oldest beyond SESSION_LIMIT
 * leave). Answers the account itself (same object) when there is nothing to write: an
 * activity id counted before (a redelivery), or an activity older than every session
 * kept. A late activity (older than the last one) counts in the session it falls in and
 * never moves a lastActivityAt or lastActiveAt backwards.
 */
export function touchSession<A extends SessionState>(account: A, at: Date, activityId: string, idleMs = DEFAULT_SESSION_IDLE_MS): A {
  if (account.recentActivityIds.includes(activityId)) return account;
  const t = at.getTime();
  const iso = at.toISOString();
  const sessions = [...account.sessions];
  const last = sessions[sessions.length - 1];

  if (!last || t > ms(last.lastActivityAt) + idleMs) {
    sessions.push({ sessionId: nextSessionId(last), startedAt: iso, lastActivityAt: iso, actions: 1 });
  } else {
    // the latest session this activity falls in (or just before, within the idle time)
    let i = sessions.length - 1;
    while (i >= 0 && t < ms(sessions[i].startedAt) - idleMs) i--;
    if (i < 0) return account;
    const s = sessions[i];
    sessions[i] = {
      ...s,
      startedAt: t < ms(s.startedAt) ? iso : s.startedAt,
      lastActivityAt: t > ms(s.lastActivityAt) ? iso : s.lastActivityAt,
      actions: s.actions + 1,
    };
  }
  return {
    ...account,
    lastActiveAt: t > ms(account.lastActiveAt) ? iso : account.lastActiveAt,
    sessions: sessions.slice(-SESSION_LIMIT),
    recentActivityIds: [...account.recentActivityIds, activityId].slice(-RECENT_ACTIVITY_LIMIT),
  };
}

/** `ses-<n>`, n counting the player's sessions from 1 (ids stay unique once old ones leave). */
function nextSessionId(last: Session | undefined): string {
  const n = last ? Number(/^ses-(\d+)$/.exec(last.sessionId)?.[1] ?? 0) : 0;
  return `ses-${n + 1}`;
}
