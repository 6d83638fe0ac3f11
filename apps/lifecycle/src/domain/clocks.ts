import type { GameRecord } from './game';

/**
 * The game's clocks. Deadlines live in the record (the truth); Redis sorted sets only
 * index them, and are rebuilt from the records when Redis loses them.
 *
 * - Inactivity: every command about an open game pushes it to now + inactivityTimeoutMs.
 *   Stopped (null) while the game is suspended or closed.
 * - Roll: the shooter must roll within rollTimeoutMs, or the dice pass on. Runs only
 *   while the game is open, has a shooter and someone to pass to, and no roll is
 *   reserved; restarts when the dice change hands or a roll is applied or cancelled.
 */

/** A command that changed nothing writes anyway only when its deadline moves by this much. */
export const TOUCH_GRANULARITY_MS = 1_000;

/** Marks a command about the game: activity now, inactivity deadline pushed. */
export function touch(g: GameRecord, now: number): GameRecord {
  return { ...g, lastActivityAt: now, inactiveAt: g.status === 'open' ? now + g.config.inactivityTimeoutMs : null };
}

/**
 * Every command about a game resets its inactivity clock: the decided record is touched;
 * when the command decided nothing (a replay, a check) the record is touched only if
 * that moves the deadline by TOUCH_GRANULARITY_MS or more, to spare writes.
 */
export function afterCommand(current: GameRecord, next: GameRecord | undefined, now: number): GameRecord | undefined {
  if (next) return touch(next, now);
  if (current.status !== 'open') return undefined;
  const wanted = now + current.config.inactivityTimeoutMs;
  if (current.inactiveAt !== null && wanted - current.inactiveAt < TOUCH_GRANULARITY_MS) return undefined;
  return touch(current, now);
}

/** Whether the roll clock should run. */
export function rollClockRuns(g: GameRecord): boolean {
  return g.status === 'open' && g.shooter !== null && g.pendingRoll === null && g.players.length >= 2;
}

/** Sets the roll clock: stopped when it should not run; restarted on `restart`; else kept. */
export function withRollClock(g: GameRecord, now: number, restart: boolean): GameRecord {
  if (!rollClockRuns(g)) return g.rollDeadline === null ? g : { ...g, rollDeadline: null };
  if (!restart && g.rollDeadline !== null) return g;
  return { ...g, rollDeadline: now + g.config.rollTimeoutMs };
}

/** The deadlines Redis should hold for this record (null: none). */
export function armedDeadlines(g: GameRecord): { inactivity: number | null; roll: number | null } {
  return {
    inactivity: g.status === 'open' ? g.inactiveAt : null,
    roll: g.status === 'open' ? g.rollDeadline : null,
  };
}

export type ArmedDeadlines = ReturnType<typeof armedDeadlines>;

/**
 * What Redis must be told after a write, given the deadlines the record held before it
 * (`before`; undefined when unknown, and then everything is set). A deadline that moved
 * later is left as Redis holds it: the earlier one fires, finds the game not due, and
 * re-arms at the record's deadline (onInactivityDue, passDiceOnTimeout). So the commands
 * of a busy table, each pushing the inactivity clock, cost no Redis write for it.
 */
export function deadlineUpdates(before: ArmedDeadlines | undefined, after: ArmedDeadlines): Partial<ArmedDeadlines> {
  const updates: Partial<ArmedDeadlines> = {};
  for (const kind of ['inactivity', 'roll'] as const) {
    const held = before?.[kind];
    const wanted = after[kind];
    if (before === undefined) updates[kind] = wanted;
    else if (wanted === null ? held !== null : held === null || wanted < held!) updates[kind] = wanted;
  }
  return updates;
}
