import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../harness/http';
import type { Recorder } from '../harness/recorder';

/** Seats one player may hold at once (lifecycle's MAX_GAMES_PER_PLAYER default). */
export const SEATS_PER_PLAYER = 10;
/** Seats per bench table (the most a table allows). */
export const TABLE_SEATS = 20;

export interface BenchPlayer {
  playerId: string;
  token: string;
  tables: Set<string>;
}

/** A table of the join benchmark, with the seats handed out (reserved) so far. */
interface PoolTable {
  gameId: string;
  reserved: number;
}

/**
 * Players and tables for join sagas, kept in stock ahead of the workers so that a
 * worker never waits for a registration or a table unless the stack is slower than the
 * workload: the stock is refilled in the background while seats are taken. Every
 * registration and table creation is a request to the same stack, counted apart.
 */
export class Seating {
  private readonly ready: BenchPlayer[] = [];
  private readonly tables: PoolTable[] = [];
  private refillingPlayers?: Promise<void>;
  private refillingTables?: Promise<void>;
  private cursor = 0;

  constructor(
    private readonly api: HttpClient,
    private readonly recorder: Recorder,
    private readonly house: { token: string },
    private readonly opts: { buyIn: number; openTables: number; stockPlayers: number },
  ) {}

  /** Registers a player able to buy in at every table it may join. */
  async register(deposit = this.opts.buyIn * SEATS_PER_PLAYER): Promise<BenchPlayer> {
    for (;;) {
      const a = await this.api.post('/v1/players', { name: 'bench', deposit });
      this.recorder.record('register', a);
      if (a.status === 201) return { playerId: a.body.playerId, token: a.body.token, tables: new Set() };
      if (a.status !== 503 && a.status !== 0) throw new Error(`registration refused: ${a.status} ${JSON.stringify(a.body)}`);
    }
  }

  async createTable(settings: Record<string, unknown> = {}): Promise<string> {
    for (;;) {
      const a = await this.api.post('/v1/games', { maxPlayers: TABLE_SEATS, ...settings }, { token: this.house.token });
      this.recorder.record('create-game', a);
      if (a.status === 201) return a.body.gameId as string;
      if (a.status !== 503 && a.status !== 0) throw new Error(`table creation refused: ${a.status} ${JSON.stringify(a.body)}`);
    }
  }

  /** Fills the stocks before a run. */
  async prime(): Promise<void> {
    await Promise.all([this.refillPlayers(), this.refillTables()]);
  }

  /** A player with a free seat and no join in flight (returned with `release`). */
  async takePlayer(): Promise<BenchPlayer> {
    for (;;) {
      if (this.ready.length <= this.opts.stockPlayers / 2) void this.refillPlayers();
      const p = this.ready.shift();
      if (p) return p;
      await this.refillPlayers();
    }
  }

  releasePlayer(p: BenchPlayer): void {
    if (p.tables.size < SEATS_PER_PLAYER) this.ready.push(p);
  }

  /** Reserves a seat at a table the player does not sit at. */
  async takeSeat(p: BenchPlayer): Promise<string> {
    for (;;) {
      const free = this.tables.filter((t) => t.reserved < TABLE_SEATS);
      if (free.length < this.opts.openTables) void this.refillTables();
      for (let i = 0; i < free.length; i++) {
        const t = free[(this.cursor + i) % free.length]!;
        if (!p.tables.has(t.gameId)) {
          this.cursor++;
          t.reserved++;
          return t.gameId;
        }
      }
      await this.refillTables(1);
    }
  }

  /** A reserved seat that was not taken (the join failed). */
  releaseSeat(gameId: string): void {
    const t = this.tables.find((x) => x.gameId === gameId);
    if (t) t.reserved--;
  }

  private refillPlayers(): Promise<void> {
    this.refillingPlayers ??= (async () => {
      try {
        const missing = Math.max(1, this.opts.stockPlayers - this.ready.length);
        const made = await Promise.all(Array.from({ length: Math.min(missing, 16) }, () => this.register()));
        this.ready.push(...made);
      } finally {
        this.refillingPlayers = undefined;
      }
    })();
    return this.refillingPlayers;
  }

  private refillTables(atLeast = 0): Promise<void> {
    this.refillingTables ??= (async () => {
      try {
        this.tables.splice(0, this.tables.length, ...this.tables.filter((t) => t.reserved < TABLE_SEATS));
        const missing = Math.max(atLeast, this.opts.openTables - this.tables.length);
        const made = await Promise.all(Array.from({ length: Math.min(missing, 16) }, () => this.createTable()));
        this.tables.push(...made.map((gameId) => ({ gameId, reserved: 0 })));
      } finally {
        this.refillingTables = undefined;
      }
    })();
    return this.refillingTables;
  }
}

/** One join saga through the gateway; true when the player sat down. */
export async function joinOnce(api: HttpClient, seating: Seating, recorder: Recorder, buyIn: number, dueAt?: number): Promise<boolean> {
  const player = await seating.takePlayer();
  const gameId = await seating.takeSeat(player);
  const a = await api.post(`/v1/games/${gameId}/join`, { buyIn }, { token: player.token, idempotencyKey: randomUUID() });
  const ok = a.status === 200 && a.body?.status === 'completed';
  // paced runs count from when the join was due, not from when it could be sent
  recorder.record('join', a, { success: ok, latencyMs: dueAt !== undefined ? performance.now() - dueAt : a.ms });
  if (ok) player.tables.add(gameId);
  else seating.releaseSeat(gameId);
  seating.releasePlayer(player);
  return ok;
}
