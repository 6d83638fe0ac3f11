import { z } from 'zod';
import { GameIdSchema } from '@bitcraps/contracts';

/**
 * Admission control (DESIGN.md section 9), as documents in KV `games` written with
 * compare-and-set, so it holds across replicas and concurrent commands.
 *
 * - `admission`: how many games are open (open or suspended), and the creates in flight:
 *   admitted, their game not yet written. Every create writes it, so it stays small: a
 *   redelivered create finds its game (a replay) or its own pending admission, and only
 *   the close that writes a game's end releases its slot. A create or close that dies
 *   between its two writes can only leave the count too high by one (never admitting
 *   more than the limit); the scan at start sets it right (`reconcile`).
 * - `tables.<playerId>`: the tables a player sits at (MAX_GAMES_PER_PLAYER). A slot is
 *   reserved before the seat and released when the seat is refused or left.
 */

/** An admitted game not in KV yet is counted while this young (its create is in flight). */
export const IN_FLIGHT_GRACE_MS = 5 * 60_000;

export const AdmissionSchema = z.object({
  open: z.number().int().min(0),
  /** Admitted creates whose game is not written yet. */
  pending: z.array(z.object({ gameId: GameIdSchema, at: z.number().int() })).default([]),
});
export type Admission = z.infer<typeof AdmissionSchema>;

export const EMPTY_ADMISSION: Admission = { open: 0, pending: [] };

/**
 * Admits a new open game if fewer than `max` are open, holding it as pending until its
 * game is written (`confirm`); a redelivered create finds its pending admission.
 */
export function admit(doc: Admission | null, gameId: string, max: number, now: number): { next?: Admission; result: boolean } {
  const cur = doc ?? EMPTY_ADMISSION;
  if (cur.pending.some((p) => p.gameId === gameId)) return { result: true };
  if (cur.open >= max) return { result: false };
  return { next: { open: cur.open + 1, pending: [...cur.pending, { gameId, at: now }] }, result: true };
}

/** The admitted game is written: it stops being pending (it stays counted). */
export function confirm(doc: Admission | null, gameId: string): { next?: Admission; result: boolean } {
  const cur = doc ?? EMPTY_ADMISSION;
  if (!cur.pending.some((p) => p.gameId === gameId)) return { result: false };
  return { next: { ...cur, pending: cur.pending.filter((p) => p.gameId !== gameId) }, result: true };
}

/** Frees the slot of a game that has just closed (the caller releases each game once). */
export function release(doc: Admission | null): { next?: Admission; result: boolean } {
  const cur = doc ?? EMPTY_ADMISSION;
  if (cur.open === 0) return { result: false };
  return { next: { ...cur, open: cur.open - 1 }, result: true };
}

/**
 * The count from the games themselves (at start): the open games found in KV plus the
 * recently admitted ones whose create is still in flight. Fixes counts left wrong by a
 * create that never completed or a close that never released.
 */
export function reconcile(doc: Admission | null, found: { open: ReadonlySet<string>; all: ReadonlySet<string> }, now: number): Admission {
  const cur = doc ?? EMPTY_ADMISSION;
  const pending = cur.pending.filter((p) => !found.all.has(p.gameId) && now - p.at < IN_FLIGHT_GRACE_MS);
  return { open: found.open.size + pending.length, pending };
}

export const PlayerTablesSchema = z.object({
  tables: z.array(z.object({ gameId: GameIdSchema, at: z.number().int() })),
});
export type PlayerTables = z.infer<typeof PlayerTablesSchema>;

/** A slot younger than this may belong to a seat in flight: never reclaimed as stale. */
export const SLOT_GRACE_MS = 60_000;

/**
 * Reserves a table slot for `gameId`. `stale`: slots the caller found the player not
 * seated at (their seat was refused or died half-way); they are dropped first when old
 * enough.
 */
export function reserveTable(
  doc: PlayerTables | null,
  gameId: string,
  max: number,
  now: number,
  stale: ReadonlySet<string> = new Set(),
): { next?: PlayerTables; result: 'reserved' | 'held' | 'full' } {
  const tables = (doc?.tables ?? []).filter((t) => !(stale.has(t.gameId) && now - t.at >= SLOT_GRACE_MS && t.gameId !== gameId));
  const changed = tables.length !== (doc?.tables.length ?? 0);
  if (tables.some((t) => t.gameId === gameId)) return changed ? { next: { tables }, result: 'held' } : { result: 'held' };
  if (tables.length >= max) return changed ? { next: { tables }, result: 'full' } : { result: 'full' };
  return { next: { tables: [...tables, { gameId, at: now }] }, result: 'reserved' };
}

/** Frees the player's slot for `gameId` (unseated, seat refused, game closed). */
export function releaseTable(doc: PlayerTables | null, gameId: string): { next?: PlayerTables; result: boolean } {
  if (!doc?.tables.some((t) => t.gameId === gameId)) return { result: false };
  return { next: { tables: doc.tables.filter((t) => t.gameId !== gameId) }, result: true };
}

/** Slots that may be stale: old enough, for games other than `gameId`. */
export function oldSlots(doc: PlayerTables | null, gameId: string, now: number): string[] {
  return (doc?.tables ?? []).filter((t) => t.gameId !== gameId && now - t.at >= SLOT_GRACE_MS).map((t) => t.gameId);
}
