import { Inject, Injectable } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import { KvDocuments } from '@bitcraps/messaging';
import { assertFreshFence } from '@bitcraps/service-kit';
import { GameRecordSchema, type Decision, type GameRecord } from '../domain/game';

/** Lifecycle's KV bucket `games`: games (`g_…`), the admission count, players' table slots. */
export const GAMES_BUCKET = Symbol('GAMES_BUCKET');

/**
 * Games kept in memory as last written, so a command's compare-and-set needs no read
 * first (commands on a game are serialized by its lock, so the copy is nearly always
 * current; when it is not, the write fails and the command reads). Counted in JSON
 * bytes; the heap holds two to three times that.
 */
const GAMES_CACHE_BYTES = 16 * 1024 * 1024;

/** The name of a game's lock; its fencing token guards the game's document. */
export const gameLockName = (gameId: string) => `game:${gameId}`;

export interface Written<R> {
  reply: R;
  /** The document as it now stands (written or not). */
  game: GameRecord;
  written: boolean;
  /** The document this write replaced (when written). */
  before?: GameRecord;
}

/** Games in KV `games`, written only with compare-and-set on the revision and a fencing token. */
@Injectable()
export class GamesStore {
  private readonly docs: KvDocuments<GameRecord>;

  constructor(@Inject(GAMES_BUCKET) kv: KV) {
    this.docs = new KvDocuments(kv, GameRecordSchema, { cacheBytes: GAMES_CACHE_BYTES });
  }

  get(gameId: string): Promise<GameRecord | null> {
    return this.docs.get(gameId).then((d) => d?.value ?? null);
  }

  /**
   * The game as this replica last wrote it, else as read now: for what never changes
   * after creation (its password hash), not for a decision.
   */
  async peek(gameId: string): Promise<GameRecord | null> {
    return this.docs.cached(gameId) ?? (await this.get(gameId));
  }

  /** Writes a new game; false when one with this id exists. */
  create(game: GameRecord): Promise<boolean> {
    return this.docs.create(game.gameId, game);
  }

  /**
   * Read, decide, compare-and-set (again on a conflict), as the holder of fencing token
   * `fence`: a document a later holder wrote (higher fence) is not written, and the
   * call throws StaleFenceError. The document keeps the highest fence that wrote it.
   * Null when there is no such game.
   */
  update<R>(gameId: string, fence: number, decide: (g: GameRecord) => Decision<R>): Promise<Written<R> | null> {
    return this.docs.update<Written<R> | null>(gameId, (current) => {
      if (!current) return { result: null };
      assertFreshFence(gameLockName(gameId), fence, current.fence);
      const { next, reply } = decide(current);
      if (!next) return { result: { reply, game: current, written: false } };
      const stamped = { ...next, fence };
      return { next: stamped, result: { reply, game: stamped, written: true, before: current } };
    });
  }

  /** Every game, read `concurrency` at a time (re-arming and recounting at start). */
  async *all(concurrency = 16): AsyncGenerator<GameRecord> {
    let batch: string[] = [];
    const read = async (ids: string[]) => (await Promise.all(ids.map((id) => this.get(id)))).filter((g): g is GameRecord => g !== null);
    for await (const key of this.docs.keys()) {
      if (!key.startsWith('g_')) continue;
      batch.push(key);
      if (batch.length >= concurrency) {
        yield* await read(batch);
        batch = [];
      }
    }
    if (batch.length) yield* await read(batch);
  }
}
