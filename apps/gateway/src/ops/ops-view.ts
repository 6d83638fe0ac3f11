import { z } from 'zod';
import { AuditSchema, CloseGame, CreateGame, GameIdSchema, GameViewSchema, SagaViewSchema, type GameView, type SagaView } from '@bitcraps/contracts';

/**
 * The operator view (GET /ops, /v1/ops/state, /v1/ops/events): pure parts. Which games
 * to show, which sagas look stuck, and the snapshot's shape. No I/O here.
 */

/** A saga unfinished and unchanged (status, steps, attempts) for longer than this is stuck (OPS_STUCK_AFTER_MS's default). */
export const STUCK_AFTER_MS = 30_000;
/** At most this many tables in one snapshot (the oldest first); the rest are counted in `problems`. */
export const MAX_TABLES = 200;

/** A table as the operator sees it: the game view without its (static) config. */
export const OpsTableSchema = GameViewSchema.omit({ config: true });
export type OpsTable = z.infer<typeof OpsTableSchema>;

export const OpsSagaSchema = SagaViewSchema.extend({
  /** When this gateway last saw the saga change (status, a step's status or attempts). */
  lastChangeAt: z.string(),
  unchangedForMs: z.number().int().min(0),
  /** Unfinished and unchanged for more than `stuckAfterMs`. */
  stuck: z.boolean(),
});
export type OpsSaga = z.infer<typeof OpsSagaSchema>;

/** GET /v1/ops/state and every `snapshot` event of GET /v1/ops/events. */
export const OpsSnapshotSchema = z.object({
  at: z.string(),
  stuckAfterMs: z.number().int(),
  tables: z.array(OpsTableSchema),
  /** Unfinished sagas (running or compensating), oldest change first. */
  sagas: z.array(OpsSagaSchema),
  /** The audit of GET /v1/audit; null when a service did not answer (see `problems`). */
  audit: AuditSchema.nullable(),
  /** What could not be read for this snapshot (a service down, a timeout); empty when all is there. */
  problems: z.array(z.string()),
});
export type OpsSnapshot = z.infer<typeof OpsSnapshotSchema>;

/** Reads an EVT message's JSON body safely. */
type Body = { ok?: unknown; game?: { gameId?: unknown } };

/**
 * The games the view tracks, from EVT: a successful `game-created` reply adds one, a
 * successful `game-closed` reply (or a read that finds it closed or gone) removes it.
 * Insertion order is creation order, so the oldest tables come first.
 */
export class TrackedGames {
  private readonly ids = new Set<string>();

  /** Applies one EVT message; true when the set changed. */
  apply(subject: string, body: unknown): boolean {
    if (subject !== CreateGame.replySubject && subject !== CloseGame.replySubject) return false;
    const b = (typeof body === 'object' && body !== null ? body : {}) as Body;
    if (b.ok !== true) return false;
    const parsed = GameIdSchema.safeParse(b.game?.gameId);
    if (!parsed.success) return false;
    if (subject === CreateGame.replySubject) {
      if (this.ids.has(parsed.data)) return false;
      this.ids.add(parsed.data);
      return true;
    }
    return this.ids.delete(parsed.data);
  }

  forget(gameId: string): void {
    this.ids.delete(gameId);
  }

  list(): string[] {
    return [...this.ids];
  }

  get size(): number {
    return this.ids.size;
  }
}

const fingerprint = (s: SagaView) => `${s.status}|${s.steps.map((st) => `${st.name}:${st.status}:${st.attempts}`).join(',')}`;

/**
 * Notices sagas that stopped moving. The saga view carries no timestamp, so the
 * watch remembers when it last saw each saga's status, steps or attempts change: a
 * saga that was already stuck when the watch first saw it counts from then.
 */
export class SagaWatch {
  private readonly seen = new Map<string, { print: string; since: number }>();

  constructor(private readonly stuckAfterMs = STUCK_AFTER_MS) {}

  /** Annotates the unfinished sagas read at `now`; forgets the ones no longer listed. */
  observe(sagas: readonly SagaView[], now: number): OpsSaga[] {
    const listed = new Set<string>();
    const out: OpsSaga[] = [];
    for (const s of sagas) {
      listed.add(s.sagaId);
      const print = fingerprint(s);
      let entry = this.seen.get(s.sagaId);
      if (!entry || entry.print !== print) {
        entry = { print, since: now };
        this.seen.set(s.sagaId, entry);
      }
      const unchangedForMs = Math.max(0, now - entry.since);
      const unfinished = s.status === 'running' || s.status === 'compensating';
      out.push({ ...s, lastChangeAt: new Date(entry.since).toISOString(), unchangedForMs, stuck: unfinished && unchangedForMs > this.stuckAfterMs });
    }
    for (const id of [...this.seen.keys()]) if (!listed.has(id)) this.seen.delete(id);
    return out.sort((a, b) => b.unchangedForMs - a.unchangedForMs || a.sagaId.localeCompare(b.sagaId));
  }
}

/** A table for the view: the game without its config. */
export function toOpsTable(game: GameView): OpsTable {
  const { config: _config, ...table } = game;
  return table;
}
