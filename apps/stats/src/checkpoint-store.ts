import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { isRevisionConflict, openBucket } from '@bitcraps/messaging';
import {
  CheckpointHeadSchema,
  joinCheckpoint,
  newGeneration,
  PIECE_PREFIX,
  pieceBytes,
  pieceKey,
  replaces,
  splitCheckpoint,
  staleGenerations,
  type CheckpointHead,
} from './domain/checkpoint';
import type { StatsState } from './domain/projection';

export const CHECKPOINT_BUCKET = 'stats';
/** The head key; before the checkpoint came in pieces it held the whole state as `{state}`. */
export const CHECKPOINT_KEY = 'projection';
const STREAM = `KV_${CHECKPOINT_BUCKET}`;
const SUBJECT_PREFIX = `$KV.${CHECKPOINT_BUCKET}.`;

// the head, or a checkpoint of the single-value format (read, resumed when of this version, replaced by the next write)
const HeadDocSchema = z.union([
  z.object({ head: CheckpointHeadSchema }).strict(),
  z.object({ state: z.custom<StatsState>((v) => typeof v === 'object' && v !== null && 'lastSeq' in v) }),
]);
type HeadDoc = z.infer<typeof HeadDocSchema>;

const position = (doc: HeadDoc) =>
  'head' in doc ? doc.head : { lastSeq: doc.state.lastSeq, version: typeof doc.state.version === 'number' ? doc.state.version : 0 };

export interface LoadedCheckpoint {
  /** The stored state (of whatever version; see isCurrentState), or null. */
  state: StatsState | null;
  /** Why a stored checkpoint could not be read, when one was found but not returned. */
  error?: string;
  /** The generation of a head whose pieces are missing or inconsistent. */
  broken?: string;
}

/**
 * The stats checkpoint in KV `stats`: pieces of one generation, then the head moved with
 * compare-and-set only forward, then the generations the head left behind purged (their
 * subjects removed from the bucket's stream, so no delete markers pile up).
 */
export class CheckpointStore {
  private constructor(
    private readonly nc: NatsConnection,
    readonly kv: KV,
    readonly maxPieceBytes: number,
  ) {}

  /** Opens (creating) the bucket; pieces stay under half of this server's max_payload unless `maxPieceBytes` says less. */
  static async open(nc: NatsConnection, opts: { replicas?: number; maxPieceBytes?: number } = {}): Promise<CheckpointStore> {
    const kv = await openBucket(nc, CHECKPOINT_BUCKET, { replicas: opts.replicas ?? 1 });
    const size = Math.min(pieceBytes(nc.info?.max_payload), opts.maxPieceBytes ?? Infinity);
    return new CheckpointStore(nc, kv, size);
  }

  /** The stored head document (for tests and tools); throws when it is malformed. */
  async head(): Promise<HeadDoc | null> {
    const read = await this.readHead();
    if (read?.invalid) throw new Error(read.invalid);
    return read?.doc ?? null;
  }

  /** The head key as stored: its document, or why it does not parse (no one can resume it). */
  private async readHead(): Promise<{ doc: HeadDoc | null; revision: number; invalid?: string } | null> {
    const e = await this.kv.get(CHECKPOINT_KEY);
    if (!e || e.operation !== 'PUT' || e.length === 0) return e ? { doc: null, revision: e.revision } : null;
    let parsed: ReturnType<typeof HeadDocSchema.safeParse>;
    try {
      parsed = HeadDocSchema.safeParse(e.json());
    } catch {
      return { doc: null, revision: e.revision, invalid: 'the checkpoint head is not JSON' };
    }
    return parsed.success ? { doc: parsed.data, revision: e.revision } : { doc: null, revision: e.revision, invalid: `the checkpoint head is malformed: ${parsed.error.message}` };
  }

  /**
   * Reads the head, then its pieces. A head moved while its pieces were read (another
   * writer purged them) is read again; anything else missing or inconsistent is an error,
   * with `broken` naming the generation so the next write may replace it (see write).
   */
  async load(attempts = 3): Promise<LoadedCheckpoint> {
    let error = '';
    let broken: string | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const read = await this.readHead();
      if (read?.invalid) return { state: null, error: read.invalid };
      if (!read?.doc) return { state: null };
      if ('state' in read.doc) return { state: read.doc.state };
      const { head } = read.doc;
      const pieces = await Promise.all(
        Array.from({ length: head.pieces }, async (_, n) => {
          const e = await this.kv.get(pieceKey(head.gen, n));
          return e && e.operation === 'PUT' ? e.value : null;
        }),
      );
      const joined = joinCheckpoint(head, pieces);
      if ('state' in joined) return { state: joined.state };
      error = joined.error;
      broken = head.gen;
      if ((await this.readHead())?.revision === read.revision) break;
    }
    return { state: null, error, broken };
  }

  /**
   * Writes `state` as a new generation unless the stored checkpoint is as far or further.
   * A head that cannot be read, or the `broken` generation load reported, is replaced
   * whatever its position (no one can resume it); `force` writes whatever the stored
   * position (a rebuild with the service stopped). The state is serialised before the
   * first await, so the caller may go on changing it. Resolves whether the head now names it.
   */
  async write(state: StatsState, { force = false, broken }: { force?: boolean; broken?: string } = {}): Promise<boolean> {
    const gen = newGeneration(state.lastSeq, randomUUID());
    const { head, pieces } = splitCheckpoint(state, gen, this.maxPieceBytes);
    const data = JSON.stringify({ head } satisfies HeadDoc);
    await Promise.all(pieces.map((p, n) => this.kv.put(pieceKey(gen, n), p)));
    let previous: CheckpointHead | null = null;
    let written = false;
    for (let attempt = 1; ; attempt++) {
      const cur = await this.readHead();
      const doc = cur?.doc ?? null;
      const replaceable = force || !doc || cur?.invalid || ('head' in doc && doc.head.gen === broken) || replaces(position(doc), head);
      if (!replaceable) break;
      try {
        if (cur) await this.kv.update(CHECKPOINT_KEY, data, cur.revision);
        else await this.kv.create(CHECKPOINT_KEY, data);
        previous = doc && 'head' in doc ? doc.head : null;
        written = true;
        break;
      } catch (err) {
        // another writer moved the head in between: judge again against it
        if (!isRevisionConflict(err) || attempt >= 50) throw err;
      }
    }
    // a head moved back (forced or over a broken one) may stand below the one it replaced, which clean would keep
    if (previous) await this.purge(previous.gen);
    await this.clean();
    return written;
  }

  /**
   * Purges every generation the stored head has passed: a write that lost, the previous
   * head's, and pieces of a writer that crashed before its head (kept while past the
   * head, as a write in flight could be, then purged by the first head at or beyond them).
   */
  async clean(): Promise<string[]> {
    const doc = (await this.readHead())?.doc;
    const head = doc && 'head' in doc ? doc.head : null;
    // the stream's subjects in one answer: a key listing (an ordered consumer) stalls when
    // another writer purges keys it has counted but not yet delivered
    const jsm = await jetstreamManager(this.nc);
    const { state } = await jsm.streams.info(STREAM, { subjects_filter: `${SUBJECT_PREFIX}${PIECE_PREFIX}.>` });
    const keys = Object.keys(state.subjects ?? {}).map((subject) => subject.slice(SUBJECT_PREFIX.length));
    const stale = staleGenerations(keys, head);
    for (const gen of stale) await this.purge(gen);
    return stale;
  }

  private async purge(gen: string): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await jsm.streams.purge(STREAM, { filter: `${SUBJECT_PREFIX}${PIECE_PREFIX}.${gen}.>` });
  }
}
