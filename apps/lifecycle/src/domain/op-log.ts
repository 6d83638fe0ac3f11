import type { GameRecord, OpEntry } from './game';

/**
 * How many answers a game remembers. Replays come from redeliveries and saga retries,
 * seconds to minutes after the first delivery; at a busy table of 20 players this covers
 * several minutes of play, while keeping the document well under the 1 MB NATS limit.
 */
export const OPS_KEPT = 1_000;

/** The answer remembered under `key`, if any (the newest wins). */
export function recall(g: GameRecord, key: string): unknown {
  for (let i = g.ops.length - 1; i >= 0; i--) if (g.ops[i]!.key === key) return g.ops[i]!.reply;
  return undefined;
}

/** Remembers `reply` under `key`, forgetting the oldest answers past OPS_KEPT. */
export function remember(ops: readonly OpEntry[], key: string, reply: unknown): OpEntry[] {
  const next = ops.length >= OPS_KEPT ? ops.slice(ops.length - OPS_KEPT + 1) : ops.slice();
  next.push({ key, reply });
  return next;
}

/** Keys of the operation log, one per kind of operation. */
export const opKey = {
  seat: (opId: string) => `seat:${opId}`,
  unseat: (opId: string) => `unseat:${opId}`,
  bet: (betId: string) => `bet:${betId}`,
  removal: (betId: string) => `remove:${betId}`,
  shoot: (opId: string) => `shoot:${opId}`,
  cancelRoll: (checkOpId: string) => `cancel-roll:${checkOpId}`,
  suspend: (opId: string) => `suspend:${opId}`,
  resume: (opId: string) => `resume:${opId}`,
  close: (opId: string) => `close:${opId}`,
};

/** A decision that writes only the answer (a refusal, or an answer that changes nothing else). */
export function answer<R>(g: GameRecord, key: string, reply: R): { next: GameRecord; reply: R } {
  return { next: { ...g, ops: remember(g.ops, key, reply) }, reply };
}
