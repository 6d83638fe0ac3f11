import { Inject, Injectable } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import { isRevisionConflict, KvDocuments } from '@bitcraps/messaging';
import {
  admit,
  confirm,
  AdmissionSchema,
  oldSlots,
  PlayerTablesSchema,
  reconcile,
  release,
  releaseTable,
  reserveTable,
  type Admission,
  type PlayerTables,
} from '../domain/admission';
import { seatOf } from '../domain/game';
import { GAMES_BUCKET, GamesStore } from './games.store';

const ADMISSION_KEY = 'admission';
const tablesKey = (playerId: string) => `tables.${playerId}`;

/**
 * Admission control in KV `games`, by compare-and-set on small documents: the count of
 * open games (MAX_CONCURRENT_GAMES) and each player's table slots (MAX_GAMES_PER_PLAYER).
 */
@Injectable()
export class AdmissionStore {
  private readonly admission: KvDocuments<Admission>;
  private readonly tables: KvDocuments<PlayerTables>;

  constructor(
    @Inject(GAMES_BUCKET) private readonly kv: KV,
    private readonly games: GamesStore,
  ) {
    this.admission = new KvDocuments(kv, AdmissionSchema);
    this.tables = new KvDocuments(kv, PlayerTablesSchema);
  }

  /** Counts `gameId` in if there is room, as pending until `confirmGame`; a redelivered create finds its pending admission. */
  admitGame(gameId: string, max: number): Promise<boolean> {
    return this.admission.update(ADMISSION_KEY, (doc) => admit(doc, gameId, max, Date.now()));
  }

  /** The game of an admission is written; writes only when it was pending. */
  async confirmGame(gameId: string): Promise<void> {
    await this.admission.update(ADMISSION_KEY, (doc) => confirm(doc, gameId));
  }

  /** Frees the slot of a game whose close was just written (call once per game). */
  async releaseGame(): Promise<void> {
    await this.admission.update(ADMISSION_KEY, (doc) => release(doc));
  }

  async openCount(): Promise<number> {
    return (await this.admission.get(ADMISSION_KEY))?.value.open ?? 0;
  }

  /** The admission document as read before a scan of the games (for `reconcile`). */
  snapshot() {
    return this.admission.get(ADMISSION_KEY);
  }

  /**
   * Sets the count from a scan of the games, unless the document changed since
   * `before` was read (a create or close meanwhile: leave it, it is being kept right).
   */
  async reconcile(before: { value: Admission; revision: number } | null, found: { open: Set<string>; all: Set<string> }): Promise<boolean> {
    const next = reconcile(before?.value ?? null, found, Date.now());
    if (before && next.open === before.value.open) return false;
    try {
      const data = JSON.stringify(AdmissionSchema.parse(next));
      if (before) await this.kv.update(ADMISSION_KEY, data, before.revision);
      else await this.kv.create(ADMISSION_KEY, data);
      return true;
    } catch (err) {
      if (isRevisionConflict(err)) return false;
      throw err;
    }
  }

  /**
   * Reserves one of the player's table slots for `gameId` ('held': it had one already).
   * When they are all taken, slots of games the player is no longer seated at (a seat
   * refused or abandoned half-way) are reclaimed first.
   */
  async reserveTable(playerId: string, gameId: string, max: number): Promise<'reserved' | 'held' | 'full'> {
    const first = await this.tables.update(tablesKey(playerId), (doc) => reserveTable(doc, gameId, max, Date.now()));
    if (first !== 'full') return first;
    const doc = (await this.tables.get(tablesKey(playerId)))?.value ?? null;
    const stale = new Set<string>();
    for (const other of oldSlots(doc, gameId, Date.now())) {
      const g = await this.games.get(other);
      if (!g || g.status === 'closed' || !seatOf(g, playerId)) stale.add(other);
    }
    if (stale.size === 0) return 'full';
    return this.tables.update(tablesKey(playerId), (d) => reserveTable(d, gameId, max, Date.now(), stale));
  }

  async releaseTable(playerId: string, gameId: string): Promise<void> {
    await this.tables.update(tablesKey(playerId), (doc) => releaseTable(doc, gameId));
  }

  async tablesOf(playerId: string): Promise<string[]> {
    return ((await this.tables.get(tablesKey(playerId)))?.value.tables ?? []).map((t) => t.gameId);
  }
}
