import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { StatsState } from './projection';

/**
 * The projection's checkpoint in pieces (KV values are capped by the server's
 * max_payload, 1 MiB by default, and the state grows with the open games): the state's
 * JSON is cut into pieces stored under keys of one generation, `piece.<lastSeq>.<id>.<n>`,
 * and a small head names the generation. A reader follows the head only, so it never
 * sees a mix of two checkpoints. Pure: the KV side is in checkpoint-store.ts.
 */

/** Largest piece when the server's max_payload is unknown or large: well under the 1 MiB default. */
export const MAX_PIECE_BYTES = 256 * 1024;

/** Piece size for a server: at most half of its max_payload (room for headers), at most 256 KiB. */
export function pieceBytes(maxPayload: number | undefined): number {
  return maxPayload && maxPayload > 0 ? Math.max(1, Math.min(MAX_PIECE_BYTES, Math.floor(maxPayload / 2))) : MAX_PIECE_BYTES;
}

export const CheckpointHeadSchema = z.object({
  /** The generation whose pieces hold the state. */
  gen: z.string().regex(/^\d+\.[A-Za-z0-9_-]+$/),
  pieces: z.number().int().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  lastSeq: z.number().int().min(0),
  /** The state's version (STATS_STATE_VERSION), so a writer can judge the head without its pieces. */
  version: z.number().int(),
});
export type CheckpointHead = z.infer<typeof CheckpointHeadSchema>;

/** A generation sorts by the position it holds; the id keeps two writers at one position apart. */
export function newGeneration(lastSeq: number, id: string): string {
  return `${lastSeq}.${id.replace(/[^A-Za-z0-9_-]/g, '')}`;
}

export const PIECE_PREFIX = 'piece';
export const pieceKey = (gen: string, n: number) => `${PIECE_PREFIX}.${gen}.${n}`;

/** The generation of a piece key, or null for any other key. */
export function generationOf(key: string): string | null {
  const m = /^piece\.(\d+\.[A-Za-z0-9_-]+)\.\d+$/.exec(key);
  return m ? m[1] : null;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Cuts a state into pieces of at most `maxPieceBytes` and the head that names them. */
export function splitCheckpoint(state: StatsState, gen: string, maxPieceBytes: number): { head: CheckpointHead; pieces: Uint8Array[] } {
  const bytes = Buffer.from(JSON.stringify(state), 'utf8');
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length || pieces.length === 0; at += maxPieceBytes) pieces.push(bytes.subarray(at, at + maxPieceBytes));
  return { head: { gen, pieces: pieces.length, bytes: bytes.length, sha256: sha256(bytes), lastSeq: state.lastSeq, version: state.version }, pieces };
}

/**
 * Joins the pieces a head names back into its state, or says why they cannot be (a
 * piece missing, a length or hash that differs, a state that does not match its head).
 */
export function joinCheckpoint(head: CheckpointHead, pieces: ReadonlyArray<Uint8Array | null>): { state: StatsState } | { error: string } {
  if (pieces.length !== head.pieces) return { error: `${pieces.length} pieces read, the head names ${head.pieces}` };
  const missing = pieces.findIndex((p) => p === null);
  if (missing >= 0) return { error: `piece ${missing} of generation ${head.gen} is missing` };
  const bytes = Buffer.concat(pieces as Uint8Array[]);
  if (bytes.length !== head.bytes) return { error: `the pieces hold ${bytes.length} bytes, the head names ${head.bytes}` };
  if (sha256(bytes) !== head.sha256) return { error: `the pieces of generation ${head.gen} do not match the head's hash` };
  let state: unknown;
  try {
    state = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { error: `the pieces of generation ${head.gen} are not JSON` };
  }
  const s = state as StatsState;
  if (typeof s !== 'object' || s === null || s.lastSeq !== head.lastSeq || s.version !== head.version) {
    return { error: `the state of generation ${head.gen} does not match its head` };
  }
  return { state: s };
}

/**
 * Whether a checkpoint at `lastSeq` of `version` replaces the stored one: never
 * backwards, but one of another version is replaced whatever its position.
 */
export function replaces(stored: { lastSeq: number; version: number } | null, next: { lastSeq: number; version: number }): boolean {
  return !stored || stored.version !== next.version || stored.lastSeq < next.lastSeq;
}

/**
 * The generations whose pieces can go, given the piece keys present and the head now
 * stored: every other generation at or below the head's position. Such a writer has
 * lost (the head never moves back, so its compare-and-set cannot succeed) or crashed
 * between its pieces and its head. A generation past the head may be a write in flight
 * and is kept; if its writer crashed, a later head passes it and it goes then.
 */
export function staleGenerations(pieceKeys: Iterable<string>, head: Pick<CheckpointHead, 'gen' | 'lastSeq'> | null): string[] {
  const stale = new Set<string>();
  for (const key of pieceKeys) {
    const gen = generationOf(key);
    if (!gen || gen === head?.gen) continue;
    if (head && Number(gen.split('.')[0]) <= head.lastSeq) stale.add(gen);
  }
  return [...stale].sort();
}
